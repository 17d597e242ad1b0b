package dev.tta.primitives.processor.policy;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import dev.tta.primitives.processor.Mirrors;
import dev.tta.primitives.processor.Problem;
import dev.tta.primitives.processor.validation.PolicyValidator;
import dev.tta.primitives.processor.writing.Snippets;
import java.time.Duration;
import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;

/** {@code @Hedge}: more calls of a slow step, written as a {@code HedgePrimitive}. */
public final class HedgeKind extends PolicyKind<HedgeKind.Model> {

  private static final ClassName HEDGE = Snippets.runtime("HedgePrimitive");

  /**
   * {@code @Hedge}, checked.
   *
   * @param delay the wait before each further call
   * @param max calls in all
   */
  public record Model(Duration delay, int max) {}

  HedgeKind() {
    super("Hedge");
  }

  /** A hedge repeats one call; {@code @Hedge} stands on methods only. */
  @Override
  public boolean onClass() {
    return false;
  }

  @Override
  public Model read(AnnotationMirror m, PolicyValidator.Target target, PolicyValidator checks) {
    Element element = target.element();
    Duration delay = checks.duration(element, m, "delay", false).orElse(Duration.ofMillis(100));
    int max = Mirrors.integer(m, "max");
    if (max < 2) {
      checks.reporter().report(Problem.HEDGE_MAX, element, m, Mirrors.value(m, "max"), max);
    }
    return new Model(delay, Math.max(max, 2));
  }

  @Override
  public List<FieldSpec> constants(Model model, Site site) {
    return List.of(
        FieldSpec.builder(
                Snippets.DURATION,
                constant(site),
                Modifier.PRIVATE,
                Modifier.STATIC,
                Modifier.FINAL)
            .addJavadoc(
                "The {@code @Hedge} of $L: the wait before each further call.\n",
                site.description())
            .initializer(Snippets.duration(model.delay()))
            .build());
  }

  @Override
  public CodeBlock wrap(Model model, Site site, CodeBlock inner) {
    return CodeBlock.of(
        "$T.<$T, $T>of($L,$W$L,$W$L)",
        HEDGE,
        site.in(),
        site.out(),
        inner,
        Snippets.tuned(CodeBlock.of("$N", constant(site)), "hedgeDelay", site),
        Snippets.tuned(CodeBlock.of("$L", model.max()), "hedgeMax", site));
  }

  private static String constant(Site site) {
    return site.constantPrefix() + "_HEDGE_DELAY";
  }
}

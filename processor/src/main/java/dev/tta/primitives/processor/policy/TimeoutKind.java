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
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;

/** {@code @Timeout}: a deadline per attempt, written as {@code TimeoutPrimitive}. */
public final class TimeoutKind extends PolicyKind<TimeoutKind.Model> {

  private static final ClassName TIMEOUT = Snippets.runtime("TimeoutPrimitive");

  /**
   * {@code @Timeout}, checked.
   *
   * @param value the deadline per attempt
   * @param interrupt whether to interrupt a late call
   */
  public record Model(Duration value, boolean interrupt) {}

  TimeoutKind() {
    super("Timeout");
  }

  @Override
  public Model read(AnnotationMirror m, PolicyValidator.Target target, PolicyValidator checks) {
    Element element = target.element();
    Optional<Duration> value = checks.duration(element, m, "value", false);
    if (value.isPresent() && value.get().isZero()) {
      // The text as written ("0s", "PT0S"), not a normalised "0" the user never typed.
      checks
          .reporter()
          .report(
              Problem.TIMEOUT_NOT_POSITIVE,
              element,
              m,
              Mirrors.value(m, "value"),
              Mirrors.string(m, "value"));
    }
    return new Model(
        value.filter(d -> !d.isZero()).orElse(Duration.ofSeconds(1)), Mirrors.bool(m, "interrupt"));
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
                "The {@code @Timeout} of $L: the deadline per attempt.\n", site.description())
            .initializer(Snippets.duration(model.value()))
            .build());
  }

  @Override
  public CodeBlock wrap(Model model, Site site, CodeBlock inner) {
    return CodeBlock.of(
        "$T.<$T, $T>of($L,$W$L,$W$L)",
        TIMEOUT,
        site.in(),
        site.out(),
        inner,
        Snippets.tuned(CodeBlock.of("$N", constant(site)), "timeout", site),
        Snippets.tuned(CodeBlock.of("$L", model.interrupt()), "interrupt", site));
  }

  private static String constant(Site site) {
    return site.constantPrefix() + "_TIMEOUT";
  }
}

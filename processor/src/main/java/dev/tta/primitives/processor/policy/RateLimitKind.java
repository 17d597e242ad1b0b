package dev.tta.primitives.processor.policy;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import dev.tta.primitives.processor.Mirrors;
import dev.tta.primitives.processor.Problem;
import dev.tta.primitives.processor.validation.PolicyValidator;
import dev.tta.primitives.processor.writing.Snippets;
import java.time.Duration;
import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;

/**
 * {@code @RateLimit}: at most so many starts per interval, written as a {@code RateLimitPolicy}
 * constant and a {@code RateLimitPrimitive} that the workflow object holds (its permits outlive a
 * run).
 */
public final class RateLimitKind extends PolicyKind<RateLimitKind.Model> {

  private static final ClassName LIMIT = Snippets.runtime("RateLimitPrimitive");
  private static final ClassName POLICY = Snippets.runtime("RateLimitPolicy");

  /**
   * {@code @RateLimit}'s settings, checked: what limits sharing a name must agree on.
   *
   * @param permits starts per interval
   * @param per the interval
   * @param maxWait the longest wait, or {@code null} for as long as it takes
   */
  public record Settings(int permits, Duration per, Duration maxWait) {}

  /**
   * {@code @RateLimit}, checked.
   *
   * @param settings the settings
   * @param name the shared name, or empty for permits of the step's own
   */
  public record Model(Settings settings, String name) {}

  RateLimitKind() {
    super("RateLimit");
  }

  @Override
  public Model read(AnnotationMirror m, PolicyValidator.Target target, PolicyValidator checks) {
    Element element = target.element();
    int permits = Mirrors.integer(m, "permits");
    if (permits < 1) {
      checks
          .reporter()
          .report(Problem.RATE_LIMIT_PERMITS, element, m, Mirrors.value(m, "permits"), permits);
    }
    Duration per = checks.duration(element, m, "per", true).orElse(Duration.ofSeconds(1));
    Duration maxWait = null;
    if (!Mirrors.string(m, "maxWait").isEmpty()) {
      maxWait = checks.duration(element, m, "maxWait", false).orElse(null);
    }
    Settings settings = new Settings(Math.max(permits, 1), per, maxWait);
    return new Model(settings, checks.sharedName(this, m, target, settings));
  }

  /** A permit free now is taken in place; a start is never given back. */
  @Override
  public boolean runsDirectly(Model model) {
    return true;
  }

  @Override
  public InPlace inPlace(Model model, Site site, String permit) {
    String field = held(model, site).field();
    return new InPlace(
        null, CodeBlock.of("!this.$N.enterInPlace(this.runtime)", field), null, null);
  }

  @Override
  public List<FieldSpec> constants(Model model, Site site) {
    Settings s = model.settings();
    CodeBlock.Builder init =
        CodeBlock.builder()
            .add("$W$T.builder()", POLICY)
            .add("\n$>$>.permits($L)", s.permits())
            .add("\n.per($L)", Snippets.duration(s.per()));
    if (s.maxWait() != null) {
      init.add("\n.maxWait($L)", Snippets.duration(s.maxWait()));
    }
    init.add("\n.build()$<$<");
    return List.of(
        FieldSpec.builder(POLICY, constant(site), Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("The {@code @RateLimit} of $L.\n", site.description())
            .initializer(init.build())
            .build());
  }

  @Override
  public Held held(Model model, Site site) {
    String field = site.isWorkflow() ? "workflowRateLimit" : site.methodName() + "StepRateLimit";
    return new Held(ParameterizedTypeName.get(LIMIT, site.in(), site.out()), field, List.of());
  }

  @Override
  public CodeBlock wrap(Model model, Site site, CodeBlock inner) {
    return Sharing.wrap(LIMIT, model.name(), site, inner, constant(site), "rateLimit");
  }

  private static String constant(Site site) {
    return site.constantPrefix() + "_RATE_LIMIT";
  }
}

package dev.tta.primitives.processor.policy;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import dev.tta.primitives.processor.Mirrors;
import dev.tta.primitives.processor.Problem;
import dev.tta.primitives.processor.Reporter;
import dev.tta.primitives.processor.validation.PolicyValidator;
import dev.tta.primitives.processor.writing.Snippets;
import java.time.Duration;
import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;

/**
 * {@code @Bulkhead}: a bound on calls in flight, written as a {@code BulkheadPolicy} constant and a
 * {@code BulkheadPrimitive} that the workflow object holds (its slots outlive a run).
 */
public final class BulkheadKind extends PolicyKind<BulkheadKind.Model> {

  private static final ClassName BULKHEAD = Snippets.runtime("BulkheadPrimitive");
  private static final ClassName POLICY = Snippets.runtime("BulkheadPolicy");

  /**
   * {@code @Bulkhead}'s settings, checked: what bulkheads sharing a name must agree on.
   *
   * @param value calls in flight
   * @param queue calls waiting
   * @param maxWait the longest wait, or {@code null} for as long as it takes
   */
  public record Settings(int value, int queue, Duration maxWait) {}

  /**
   * {@code @Bulkhead}, checked.
   *
   * @param settings the settings
   * @param name the shared name, or empty for slots of the step's own
   */
  public record Model(Settings settings, String name) {}

  BulkheadKind() {
    super("Bulkhead");
  }

  @Override
  public Model read(AnnotationMirror m, PolicyValidator.Target target, PolicyValidator checks) {
    Element element = target.element();
    Reporter reporter = checks.reporter();
    int value = Mirrors.integer(m, "value");
    if (value < 1) {
      reporter.report(Problem.BULKHEAD_VALUE, element, m, Mirrors.value(m, "value"), value);
    }
    int queue = Mirrors.integer(m, "queue");
    if (queue < 0) {
      reporter.report(Problem.BULKHEAD_QUEUE, element, m, Mirrors.value(m, "queue"), queue);
    }
    Duration maxWait = null;
    if (!Mirrors.string(m, "maxWait").isEmpty()) {
      maxWait = checks.duration(element, m, "maxWait", false).orElse(null);
      if (maxWait != null && queue == 0) {
        reporter.report(
            Problem.BULKHEAD_MAX_WAIT,
            element,
            m,
            Mirrors.value(m, "maxWait"),
            Mirrors.string(m, "maxWait"));
        maxWait = null;
      }
    }
    Settings settings = new Settings(value, Math.max(queue, 0), maxWait);
    return new Model(settings, checks.sharedName(this, m, target, settings));
  }

  /** A free slot is taken in place and given back when the call ends. */
  @Override
  public boolean runsDirectly(Model model) {
    return true;
  }

  @Override
  public InPlace inPlace(Model model, Site site, String permit) {
    String field = held(model, site).field();
    CodeBlock exit = CodeBlock.of("this.$N.exitInPlace()", field);
    return new InPlace(null, CodeBlock.of("!this.$N.enterInPlace()", field), exit, failure -> exit);
  }

  @Override
  public List<FieldSpec> constants(Model model, Site site) {
    Settings s = model.settings();
    CodeBlock.Builder init =
        CodeBlock.builder()
            .add("$W$T.builder()", POLICY)
            .add("\n$>$>.value($L)", s.value())
            .add("\n.queue($L)", s.queue());
    if (s.maxWait() != null) {
      init.add("\n.maxWait($L)", Snippets.duration(s.maxWait()));
    }
    init.add("\n.build()$<$<");
    return List.of(
        FieldSpec.builder(POLICY, constant(site), Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("The {@code @Bulkhead} of $L.\n", site.description())
            .initializer(init.build())
            .build());
  }

  @Override
  public Held held(Model model, Site site) {
    String field = site.isWorkflow() ? "workflowBulkhead" : site.methodName() + "StepBulkhead";
    return new Held(ParameterizedTypeName.get(BULKHEAD, site.in(), site.out()), field, List.of());
  }

  @Override
  public CodeBlock wrap(Model model, Site site, CodeBlock inner) {
    return Sharing.wrap(BULKHEAD, model.name(), site, inner, constant(site), "bulkhead");
  }

  private static String constant(Site site) {
    return site.constantPrefix() + "_BULKHEAD";
  }
}

package dev.tta.primitives.processor.policy;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
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
import javax.lang.model.type.TypeMirror;

/**
 * {@code @CircuitBreaker}: stops calling a failing step for a while, written as a {@code
 * CircuitBreakerPolicy} constant and a {@code CircuitBreakerPrimitive} that the workflow object
 * holds (its window outlives a run), with a {@code ...CircuitBreaker()} accessor.
 */
public final class CircuitBreakerKind extends PolicyKind<CircuitBreakerKind.Model> {

  private static final ClassName BREAKER = Snippets.runtime("CircuitBreakerPrimitive");
  private static final ClassName POLICY = Snippets.runtime("CircuitBreakerPolicy");
  private static final ClassName STATS = Snippets.runtime("CircuitBreakerStats");

  /**
   * {@code @CircuitBreaker}'s settings, checked: what breakers sharing a name must agree on.
   *
   * @param failureRate the failure fraction that opens
   * @param window outcomes kept
   * @param minimumCalls outcomes needed before opening
   * @param openFor time open
   * @param halfOpenCalls trial calls
   * @param slowerThan the slow-call limit, or {@code null}
   * @param failOn failures that count
   * @param skipOn failures that count as successes
   */
  public record Settings(
      double failureRate,
      int window,
      int minimumCalls,
      Duration openFor,
      int halfOpenCalls,
      Duration slowerThan,
      List<TypeName> failOn,
      List<TypeName> skipOn) {}

  /**
   * {@code @CircuitBreaker}, checked.
   *
   * @param settings the settings
   * @param name the shared name, or empty for a breaker of the step's own
   */
  public record Model(Settings settings, String name) {}

  CircuitBreakerKind() {
    super("CircuitBreaker");
  }

  @Override
  public Model read(AnnotationMirror m, PolicyValidator.Target target, PolicyValidator checks) {
    Element element = target.element();
    Reporter reporter = checks.reporter();
    double failureRate = (Double) Mirrors.value(m, "failureRate").getValue();
    if (!(failureRate > 0.0 && failureRate <= 1.0)) {
      reporter.report(
          Problem.BREAKER_FAILURE_RATE, element, m, Mirrors.value(m, "failureRate"), failureRate);
    }
    int window = Mirrors.integer(m, "window");
    if (window < 1) {
      reporter.report(Problem.BREAKER_WINDOW, element, m, Mirrors.value(m, "window"), window);
    }
    int minimumCalls = Mirrors.integer(m, "minimumCalls");
    if (window >= 1 && (minimumCalls < 1 || minimumCalls > window)) {
      // With the window left at its default, minimumCalls is what the user wrote wrong.
      reporter.report(
          Problem.BREAKER_MINIMUM_CALLS,
          element,
          m,
          Mirrors.explicitValue(m, "minimumCalls").orElse(Mirrors.value(m, "window")),
          minimumCalls,
          window);
    }
    Duration openFor = checks.duration(element, m, "openFor", true).orElse(Duration.ofSeconds(30));
    int halfOpenCalls = Mirrors.integer(m, "halfOpenCalls");
    if (halfOpenCalls < 1) {
      reporter.report(
          Problem.BREAKER_HALF_OPEN_CALLS,
          element,
          m,
          Mirrors.value(m, "halfOpenCalls"),
          halfOpenCalls);
    }
    Duration slowerThan = null;
    if (!Mirrors.string(m, "slowerThan").isEmpty()) {
      slowerThan = checks.duration(element, m, "slowerThan", true).orElse(null);
    }
    List<TypeMirror> failOn = PolicyValidator.classes(m, "failOn");
    if (failOn.isEmpty()) {
      reporter.report(Problem.BREAKER_FAIL_ON_EMPTY, element, m, Mirrors.value(m, "failOn"));
    }
    List<TypeMirror> skipOn = PolicyValidator.classes(m, "skipOn");
    if (!failOn.isEmpty() && failOn.stream().allMatch(f -> skippedAll(checks, f, skipOn))) {
      reporter.report(Problem.BREAKER_SKIP_COVERS_FAIL, element, m, Mirrors.value(m, "skipOn"));
    }
    Settings settings =
        new Settings(
            failureRate,
            window,
            minimumCalls,
            openFor,
            halfOpenCalls,
            slowerThan,
            checks.filterNames(failOn),
            checks.filterNames(skipOn));
    return new Model(settings, checks.sharedName(this, m, target, settings));
  }

  /** A breaker that times nothing counts a call made in place, by a permit. */
  @Override
  public boolean runsDirectly(Model model) {
    return model.settings().slowerThan() == null;
  }

  @Override
  public InPlace inPlace(Model model, Site site, String permit) {
    String field = held(model, site).field();
    return new InPlace(
        CodeBlock.of("$T $N = this.$N.enterInPlace()", Object.class, permit, field),
        CodeBlock.of("$N == null", permit),
        null,
        failure ->
            CodeBlock.of("this.$N.exitInPlace($N, $L, this.runtime)", field, permit, failure));
  }

  /** Whether some type of {@code skipOn} is {@code failure} or a supertype of it. */
  private static boolean skippedAll(
      PolicyValidator checks, TypeMirror failure, List<TypeMirror> skipOn) {
    return skipOn.stream().anyMatch(skip -> checks.types().isSubtype(failure, skip));
  }

  @Override
  public List<FieldSpec> constants(Model model, Site site) {
    Settings s = model.settings();
    CodeBlock.Builder init =
        CodeBlock.builder()
            .add("$W$T.builder()", POLICY)
            .add("\n$>$>.failureRate($L)", s.failureRate())
            .add("\n.window($L)", s.window())
            .add("\n.minimumCalls($L)", s.minimumCalls())
            .add("\n.openFor($L)", Snippets.duration(s.openFor()))
            .add("\n.halfOpenCalls($L)", s.halfOpenCalls());
    if (s.slowerThan() != null) {
      init.add("\n.slowerThan($L)", Snippets.duration(s.slowerThan()));
    }
    init.add(Snippets.filters("failOn", s.failOn()));
    init.add(Snippets.filters("skipOn", s.skipOn()));
    init.add("\n.build()$<$<");
    return List.of(
        FieldSpec.builder(POLICY, constant(site), Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("The {@code @CircuitBreaker} of $L.\n", site.description())
            .initializer(init.build())
            .build());
  }

  @Override
  public Held held(Model model, Site site) {
    String field =
        site.isWorkflow() ? "workflowCircuitBreaker" : site.methodName() + "StepCircuitBreaker";
    String shared =
        model.name().isEmpty() ? "" : " (shared by name {@code \"" + model.name() + "\"})";
    MethodSpec accessor =
        MethodSpec.methodBuilder(
                site.isWorkflow() ? "circuitBreaker" : site.methodName() + "CircuitBreaker")
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "The circuit breaker of $L$L.\n\n"
                    + "@return its state, failure rate and counts now\n",
                site.isWorkflow() ? "the whole run" : "step {@code " + site.stepName() + "}",
                shared)
            .returns(STATS)
            .addStatement("return this.$N.stats()", field)
            .build();
    return new Held(
        ParameterizedTypeName.get(BREAKER, site.in(), site.out()), field, List.of(accessor));
  }

  @Override
  public CodeBlock wrap(Model model, Site site, CodeBlock inner) {
    return Sharing.wrap(BREAKER, model.name(), site, inner, constant(site), "circuitBreaker");
  }

  private static String constant(Site site) {
    return site.constantPrefix() + "_CIRCUIT_BREAKER";
  }
}

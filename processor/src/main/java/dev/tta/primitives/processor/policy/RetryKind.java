package dev.tta.primitives.processor.policy;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.TypeName;
import dev.tta.primitives.processor.Mirrors;
import dev.tta.primitives.processor.Problem;
import dev.tta.primitives.processor.Reporter;
import dev.tta.primitives.processor.validation.PolicyValidator;
import dev.tta.primitives.processor.writing.Snippets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;
import javax.lang.model.type.TypeMirror;

/**
 * {@code @Retry}: more attempts after a failure, written as a {@code RetryPolicy} constant and a
 * {@code RetryPrimitive}.
 */
public final class RetryKind extends PolicyKind<RetryKind.Model> {

  private static final ClassName RETRY = Snippets.runtime("RetryPrimitive");
  private static final ClassName RETRY_POLICY = Snippets.runtime("RetryPolicy");

  /**
   * {@code @Retry}, checked.
   *
   * @param max attempts in all
   * @param delay the first wait
   * @param backoff growth factor
   * @param maxDelay cap on a wait
   * @param jitter random variation, 0..1
   * @param maxDuration time budget, or {@code null}
   * @param retryOn failures to retry
   * @param abortOn failures never to retry
   */
  public record Model(
      int max,
      Duration delay,
      double backoff,
      Duration maxDelay,
      double jitter,
      Duration maxDuration,
      List<TypeName> retryOn,
      List<TypeName> abortOn) {}

  RetryKind() {
    super("Retry");
  }

  @Override
  public Model read(AnnotationMirror m, PolicyValidator.Target target, PolicyValidator checks) {
    Element element = target.element();
    Reporter reporter = checks.reporter();
    int max = Mirrors.integer(m, "max");
    if (max < 1) {
      reporter.report(Problem.RETRY_MAX, element, m, Mirrors.value(m, "max"), max);
    }
    Duration delay = checks.duration(element, m, "delay", false).orElse(Duration.ZERO);
    double backoff = (Double) Mirrors.value(m, "backoff").getValue();
    if (!(backoff >= 1.0) || Double.isInfinite(backoff)) {
      reporter.report(Problem.RETRY_BACKOFF, element, m, Mirrors.value(m, "backoff"), backoff);
    }
    Optional<Duration> maxDelay = checks.duration(element, m, "maxDelay", false);
    if (maxDelay.isPresent() && maxDelay.get().compareTo(delay) < 0) {
      // With maxDelay left at its default, the delay is what the user wrote too long: point there
      // rather than at the whole annotation.
      reporter.report(
          Problem.RETRY_MAX_DELAY,
          element,
          m,
          Mirrors.explicitValue(m, "maxDelay").orElse(Mirrors.value(m, "delay")),
          Mirrors.string(m, "maxDelay"),
          Mirrors.string(m, "delay"));
    }
    double jitter = (Double) Mirrors.value(m, "jitter").getValue();
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      reporter.report(Problem.RETRY_JITTER, element, m, Mirrors.value(m, "jitter"), jitter);
    }
    Duration maxDuration = null;
    if (!Mirrors.string(m, "maxDuration").isBlank()) {
      maxDuration = checks.duration(element, m, "maxDuration", true).orElse(null);
      if (maxDuration != null && maxDuration.compareTo(delay) <= 0) {
        reporter.report(
            Problem.RETRY_MAX_DURATION,
            element,
            m,
            Mirrors.value(m, "maxDuration"),
            Mirrors.string(m, "maxDuration"),
            Mirrors.string(m, "delay"));
      }
    }
    List<TypeMirror> retryOn = PolicyValidator.classes(m, "retryOn");
    List<TypeMirror> abortOn = PolicyValidator.classes(m, "abortOn");
    if (retryOn.isEmpty()) {
      // The writer emits no .retryOn(...) for an empty list, so the runtime default (Exception)
      // would silently apply: the opposite of what "retry on nothing" says.
      reporter.report(Problem.RETRY_ON_EMPTY, element, m, Mirrors.value(m, "retryOn"));
    }
    List<? extends AnnotationValue> abortValues = PolicyValidator.elementsOf(m, "abortOn");
    for (int i = 0; i < abortOn.size(); i++) {
      TypeMirror abort = abortOn.get(i);
      for (TypeMirror retried : retryOn) {
        if (checks.types().isSameType(abort, retried)) {
          // On the class literal itself, so a long abortOn list shows which one overlaps.
          reporter.report(Problem.RETRY_ABORT_ALSO_RETRIED, element, m, abortValues.get(i), abort);
        }
      }
    }
    return new Model(
        max,
        delay,
        backoff,
        maxDelay.orElse(delay),
        jitter,
        maxDuration,
        checks.filterNames(retryOn),
        checks.filterNames(abortOn));
  }

  /** Without a time budget, a retry's first attempt is a plain call. */
  @Override
  public boolean runsDirectly(Model model) {
    return model.maxDuration() == null;
  }

  @Override
  public List<FieldSpec> constants(Model retry, Site site) {
    CodeBlock.Builder init =
        CodeBlock.builder()
            .add("$T.builder()", RETRY_POLICY)
            .add("\n$>$>.maxAttempts($L)", retry.max())
            .add("\n.delay($L)", Snippets.duration(retry.delay()))
            .add("\n.backoff($L)", retry.backoff())
            .add("\n.maxDelay($L)", Snippets.duration(retry.maxDelay()))
            .add("\n.jitter($L)", retry.jitter());
    if (retry.maxDuration() != null) {
      init.add("\n.maxDuration($L)", Snippets.duration(retry.maxDuration()));
    }
    init.add(Snippets.filters("retryOn", retry.retryOn()));
    init.add(Snippets.filters("abortOn", retry.abortOn()));
    init.add("\n.build()$<$<");
    return List.of(
        FieldSpec.builder(
                RETRY_POLICY, constant(site), Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("The {@code @Retry} of $L.\n", site.description())
            .initializer(init.build())
            .build());
  }

  @Override
  public CodeBlock wrap(Model model, Site site, CodeBlock inner) {
    return CodeBlock.of(
        "$T.<$T, $T>of($L,$W$L)",
        RETRY,
        site.in(),
        site.out(),
        inner,
        Snippets.tuned(CodeBlock.of("$N", constant(site)), "retry", site));
  }

  private static String constant(Site site) {
    return site.constantPrefix() + "_RETRY";
  }
}

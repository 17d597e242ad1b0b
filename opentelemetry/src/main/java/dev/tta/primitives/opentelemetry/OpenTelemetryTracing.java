package dev.tta.primitives.opentelemetry;

import dev.tta.primitives.CircuitState;
import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowException;
import dev.tta.primitives.WorkflowInterceptor;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;

/**
 * Traces workflow runs with OpenTelemetry: a span per run, named after the workflow, and a child
 * span per step call, named {@code <Workflow>.<step>} (one per for-each element), covering the
 * call's attempts, retry waits and fallback. Inside a step method {@code Span.current()} is that
 * step call's span, on whichever thread the method runs, so spans the method makes (an HTTP
 * client's, a database driver's) are its children, and a workflow run nested in a step is a child
 * of that step's span.
 *
 * <p>Attributes: {@code tta.workflow} on every span; {@code tta.step} and {@code tta.attempts} (1
 * plus the retries, 0 for a cache hit) on step spans, {@code tta.index} on a for-each element's;
 * {@code tta.cache.hit} and {@code tta.fallback}, {@code true}, on a call whose value came from the
 * cache or from its fallback. Events: {@code retry} ({@code tta.attempt}, the attempt to come;
 * {@code exception.type}; {@code tta.delay_ms}), {@code timeout} ({@code tta.timeout_ms}), {@code
 * fallback} ({@code exception.type}), {@code rejected} ({@code exception.type}, {@code
 * exception.message}) and {@code circuit_state} ({@code tta.breaker}, {@code tta.from}, {@code
 * tta.to}). A failed run or call has status {@code ERROR} and its exception recorded (the step's
 * own exception, not the {@link WorkflowException} that names it); a cancelled one has status
 * {@code ERROR} with the description {@code cancelled}.
 *
 * <p>A run's parent is the span of the step it is nested in when the runtime knows it, else the
 * span current on the thread that starts the run ({@code runAsync} reads it on its caller's
 * thread). Add it with {@code WorkflowRuntime.builder().interceptor(OpenTelemetryTracing.create(
 * openTelemetry))}.
 */
public final class OpenTelemetryTracing implements WorkflowInterceptor {

  /** The instrumentation scope of the spans. */
  public static final String INSTRUMENTATION_NAME = "dev.tta.primitives";

  static final AttributeKey<String> WORKFLOW = AttributeKey.stringKey("tta.workflow");
  static final AttributeKey<String> STEP = AttributeKey.stringKey("tta.step");
  static final AttributeKey<Long> INDEX = AttributeKey.longKey("tta.index");
  static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("tta.attempts");
  static final AttributeKey<Boolean> CACHE_HIT = AttributeKey.booleanKey("tta.cache.hit");
  static final AttributeKey<Boolean> FALLBACK = AttributeKey.booleanKey("tta.fallback");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("tta.attempt");
  static final AttributeKey<Long> DELAY_MS = AttributeKey.longKey("tta.delay_ms");
  static final AttributeKey<Long> TIMEOUT_MS = AttributeKey.longKey("tta.timeout_ms");
  static final AttributeKey<String> BREAKER = AttributeKey.stringKey("tta.breaker");
  static final AttributeKey<String> FROM = AttributeKey.stringKey("tta.from");
  static final AttributeKey<String> TO = AttributeKey.stringKey("tta.to");
  static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");
  static final AttributeKey<String> EXCEPTION_MESSAGE = AttributeKey.stringKey("exception.message");

  private final Tracer tracer;

  private OpenTelemetryTracing(Tracer tracer) {
    this.tracer = tracer;
  }

  /**
   * Tracing through {@code openTelemetry}'s tracer provider.
   *
   * @param openTelemetry the application's OpenTelemetry, e.g. an {@code OpenTelemetrySdk}
   * @return the interceptor
   */
  public static OpenTelemetryTracing create(OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    return new OpenTelemetryTracing(openTelemetry.getTracer(INSTRUMENTATION_NAME));
  }

  @Override
  public Observation startRun(WorkflowContext context, Observation parent) {
    Context up = parent instanceof Traced ? ((Traced) parent).context : Context.current();
    String workflow = context.workflowName();
    Span span =
        tracer
            .spanBuilder(workflow)
            .setParent(up)
            .setSpanKind(SpanKind.INTERNAL)
            .setAttribute(WORKFLOW, workflow)
            .startSpan();
    return new Traced(span, up.with(span), false);
  }

  @Override
  public Observation startStep(Observation run, WorkflowContext context, String step, long index) {
    Context up = run instanceof Traced ? ((Traced) run).context : Context.current();
    String workflow = context.workflowName();
    io.opentelemetry.api.trace.SpanBuilder builder =
        tracer
            .spanBuilder(workflow + "." + step)
            .setParent(up)
            .setSpanKind(SpanKind.INTERNAL)
            .setAttribute(WORKFLOW, workflow)
            .setAttribute(STEP, step);
    if (index >= 0) {
      builder.setAttribute(INDEX, index);
    }
    Span span = builder.startSpan();
    return new Traced(span, up.with(span), true);
  }

  /** One run's or step call's span, and the context that holds it. */
  private static final class Traced implements Observation {
    final Span span;
    final Context context;
    final boolean step;

    Traced(Span span, Context context, boolean step) {
      this.span = span;
      this.context = context;
      this.step = step;
    }

    @Override
    public Scope makeCurrent() {
      io.opentelemetry.context.Scope scope = context.makeCurrent();
      return scope::close;
    }

    @Override
    public void onRetry(int nextAttempt, Throwable failure, Duration delay) {
      span.addEvent(
          "retry",
          Attributes.of(
              ATTEMPT,
              (long) nextAttempt,
              EXCEPTION_TYPE,
              typeOf(failure),
              DELAY_MS,
              delay.toMillis()));
    }

    @Override
    public void onTimeout(Duration timeout) {
      span.addEvent("timeout", Attributes.of(TIMEOUT_MS, timeout.toMillis()));
    }

    @Override
    public void onFallback(Throwable cause) {
      span.addEvent("fallback", Attributes.of(EXCEPTION_TYPE, typeOf(cause)));
    }

    @Override
    public void onRejected(Throwable rejection) {
      span.addEvent(
          "rejected",
          Attributes.of(
              EXCEPTION_TYPE,
              rejection.getClass().getName(),
              EXCEPTION_MESSAGE,
              String.valueOf(rejection.getMessage())));
    }

    @Override
    public void onCircuitStateChange(String breaker, CircuitState from, CircuitState to) {
      span.addEvent(
          "circuit_state", Attributes.of(BREAKER, breaker, FROM, from.name(), TO, to.name()));
    }

    @Override
    public void end(Outcome outcome, Throwable failure, int attempts, Duration elapsed) {
      if (step) {
        span.setAttribute(ATTEMPTS, (long) attempts);
      }
      if (outcome == Outcome.CACHE_HIT) {
        span.setAttribute(CACHE_HIT, true);
      } else if (outcome == Outcome.FALLBACK) {
        span.setAttribute(FALLBACK, true);
      } else if (failure instanceof CancellationException) {
        span.setStatus(StatusCode.ERROR, "cancelled");
      } else if (failure != null) {
        Throwable own = ownFailure(failure);
        span.recordException(own);
        span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
      }
      span.end();
    }
  }

  /** The exception a step threw: the cause of the {@link WorkflowException} that names it. */
  static Throwable ownFailure(Throwable failure) {
    Throwable t = failure;
    while (t instanceof WorkflowException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String typeOf(Throwable failure) {
    return ownFailure(failure).getClass().getName();
  }
}

package dev.tta.primitives.opentelemetry;

import dev.tta.primitives.CircuitState;
import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowInterceptor;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records workflow metrics through the OpenTelemetry metrics API, with the names the Micrometer
 * module uses:
 *
 * <ul>
 *   <li>{@code tta.run.duration}, seconds, a histogram per {@code workflow} and {@code outcome}
 *       ({@code success}, {@code failure}, {@code fallback}, {@code cache_hit});
 *   <li>{@code tta.step.duration}, seconds, per {@code workflow}, {@code step} and {@code outcome}:
 *       one value per step call (per for-each element), its attempts and waits included;
 *   <li>counters {@code tta.step.retries}, {@code tta.step.timeouts} and {@code
 *       tta.step.rejections} per {@code workflow} and {@code step} (a class-level policy's under
 *       the workflow's name);
 *   <li>gauge {@code tta.circuit.state} per {@code breaker}: 0 closed, 1 half-open, 2 open, from
 *       the breaker's first state change on.
 * </ul>
 *
 * <p>Durations are measured on the runtime's clock. Add it with {@code
 * WorkflowRuntime.builder().interceptor(OpenTelemetryMetrics.create(openTelemetry))}; it makes
 * nothing current, so it adds no cost around attempts.
 */
public final class OpenTelemetryMetrics implements WorkflowInterceptor {

  static final AttributeKey<String> WORKFLOW = AttributeKey.stringKey("workflow");
  static final AttributeKey<String> STEP = AttributeKey.stringKey("step");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");
  static final AttributeKey<String> BREAKER = AttributeKey.stringKey("breaker");

  private static final Outcome[] OUTCOMES = Outcome.values();

  private final DoubleHistogram runDuration;
  private final DoubleHistogram stepDuration;
  private final LongCounter retries;
  private final LongCounter timeouts;
  private final LongCounter rejections;
  private final Map<String, Long> circuitStates = new ConcurrentHashMap<>();
  // Attributes built once per workflow (and step): the hot path only looks them up.
  private final Map<String, Tags> runTags = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Tags>> stepTags = new ConcurrentHashMap<>();

  private OpenTelemetryMetrics(Meter meter) {
    this.runDuration =
        meter
            .histogramBuilder("tta.run.duration")
            .setUnit("s")
            .setDescription("Duration of workflow runs")
            .build();
    this.stepDuration =
        meter
            .histogramBuilder("tta.step.duration")
            .setUnit("s")
            .setDescription("Duration of step calls, attempts and waits included")
            .build();
    this.retries =
        meter.counterBuilder("tta.step.retries").setDescription("Retries of step calls").build();
    this.timeouts =
        meter
            .counterBuilder("tta.step.timeouts")
            .setDescription("Attempts that reached their deadline")
            .build();
    this.rejections =
        meter
            .counterBuilder("tta.step.rejections")
            .setDescription("Calls refused by a circuit breaker, bulkhead or rate limit")
            .build();
    // The provider keeps the callback; it reads the latest state of each breaker seen.
    meter
        .gaugeBuilder("tta.circuit.state")
        .ofLongs()
        .setDescription("Circuit breaker state: 0 closed, 1 half-open, 2 open")
        .buildWithCallback(
            gauge ->
                circuitStates.forEach(
                    (breaker, state) -> gauge.record(state, Attributes.of(BREAKER, breaker))));
  }

  /**
   * Metrics through {@code openTelemetry}'s meter provider.
   *
   * @param openTelemetry the application's OpenTelemetry, e.g. an {@code OpenTelemetrySdk}
   * @return the interceptor
   */
  public static OpenTelemetryMetrics create(OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    return new OpenTelemetryMetrics(
        openTelemetry.getMeter(OpenTelemetryTracing.INSTRUMENTATION_NAME));
  }

  @Override
  public Observation startRun(WorkflowContext context, Observation parent) {
    String workflow = context.workflowName();
    return new Measured(runTags.computeIfAbsent(workflow, w -> new Tags(w, null)), false);
  }

  @Override
  public Observation startStep(Observation run, WorkflowContext context, String step, long index) {
    Map<String, Tags> steps =
        stepTags.computeIfAbsent(context.workflowName(), w -> new ConcurrentHashMap<>());
    Tags tags = steps.computeIfAbsent(step, s -> new Tags(context.workflowName(), s));
    return new Measured(tags, true);
  }

  /** The attributes of one workflow or step: without an outcome, and with each outcome. */
  private static final class Tags {
    final Attributes plain;
    final Attributes[] byOutcome = new Attributes[OUTCOMES.length];

    Tags(String workflow, String step) {
      // A class-level policy's events arrive on the run: counted under the workflow's name.
      String stepName = step != null ? step : workflow;
      this.plain = Attributes.of(WORKFLOW, workflow, STEP, stepName);
      for (Outcome outcome : OUTCOMES) {
        String name = outcome.name().toLowerCase(Locale.ROOT);
        byOutcome[outcome.ordinal()] =
            step != null
                ? Attributes.of(WORKFLOW, workflow, STEP, step, OUTCOME, name)
                : Attributes.of(WORKFLOW, workflow, OUTCOME, name);
      }
    }
  }

  /** What one run or step call adds to the meters. */
  private final class Measured implements Observation {
    private final Tags tags;
    private final boolean step;

    Measured(Tags tags, boolean step) {
      this.tags = tags;
      this.step = step;
    }

    @Override
    public void onRetry(int nextAttempt, Throwable failure, Duration delay) {
      retries.add(1, tags.plain);
    }

    @Override
    public void onTimeout(Duration timeout) {
      timeouts.add(1, tags.plain);
    }

    @Override
    public void onRejected(Throwable rejection) {
      rejections.add(1, tags.plain);
    }

    @Override
    public void onCircuitStateChange(String breaker, CircuitState from, CircuitState to) {
      circuitStates.put(breaker, gaugeValue(to));
    }

    @Override
    public void end(Outcome outcome, Throwable failure, int attempts, Duration elapsed) {
      double seconds = elapsed.toNanos() / 1e9;
      (step ? stepDuration : runDuration).record(seconds, tags.byOutcome[outcome.ordinal()]);
    }
  }

  static long gaugeValue(CircuitState state) {
    switch (state) {
      case CLOSED:
        return 0;
      case HALF_OPEN:
        return 1;
      default:
        return 2;
    }
  }
}

package dev.tta.primitives.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.CircuitOpenException;
import dev.tta.primitives.WorkflowException;
import dev.tta.primitives.WorkflowRuntime;
import dev.tta.primitives.testing.VirtualTime;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenTelemetryMetricsTest {

  private final InMemoryMetricReader reader = InMemoryMetricReader.create();
  private final OpenTelemetrySdk openTelemetry =
      OpenTelemetrySdk.builder()
          .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build())
          .build();
  private final VirtualTime time = new VirtualTime();
  // Work runs inline, so a run reaches each virtual-time wait before the test advances the clock.
  private final WorkflowRuntime runtime =
      time.runtime().toBuilder()
          .executor(Runnable::run)
          .interceptor(OpenTelemetryMetrics.create(openTelemetry))
          .build();

  @AfterEach
  void close() {
    runtime.close();
    openTelemetry.close();
  }

  @Test
  void runsAndStepCallsAreCountedByOutcome() {
    Orders orders = new Orders();
    orders.notify = new NotifyWorkflow(new Notify(), runtime);
    OrdersWorkflow workflow = new OrdersWorkflow(orders, runtime);
    CompletableFuture<String> first = workflow.runAsync("o-1");
    time.advance(Duration.ofMillis(10)); // the retry's delay of load
    assertEquals("sent ABC@5", first.join());
    assertEquals("sent ABC@5", workflow.run("o-1"));
    assertThrows(WorkflowException.class, () -> workflow.run("bad"));

    Collection<MetricData> metrics = reader.collectAllMetrics();
    assertEquals(
        Map.of(
            "workflow=Notify outcome=success", 2L,
            "workflow=Orders outcome=success", 2L,
            "workflow=Orders outcome=failure", 1L),
        counts(metrics, "tta.run.duration"));
    Map<String, Long> steps = counts(metrics, "tta.step.duration");
    assertEquals(2L, steps.get("workflow=Orders step=load outcome=success"));
    assertEquals(1L, steps.get("workflow=Orders step=load outcome=failure"));
    assertEquals(6L, steps.get("workflow=Orders step=pack outcome=success"), "3 elements a run");
    assertEquals(2L, steps.get("workflow=Orders step=label outcome=fallback"));
    assertEquals(1L, steps.get("workflow=Orders step=rate outcome=success"));
    assertEquals(1L, steps.get("workflow=Orders step=rate outcome=cache_hit"));
    assertEquals(2L, steps.get("workflow=Notify step=post outcome=success"));
    assertEquals(
        Map.of("workflow=Orders step=load", 1L), sums(metrics, "tta.step.retries"), "one retry");
    HistogramPointData load =
        point(metrics, "tta.step.duration", "workflow=Orders step=load outcome=success");
    assertEquals(0.010, load.getSum(), 1e-9, "the retried call took its 10 ms delay");
  }

  @Test
  void aBreakersStateIsAGaugeAndItsRefusalsAreRejections() {
    Gate gate = new Gate();
    GateWorkflow workflow = new GateWorkflow(gate, runtime);
    assertThrows(WorkflowException.class, () -> workflow.run("1"));
    assertEquals(Map.of(), sums(reader.collectAllMetrics(), "tta.circuit.state"), "no change yet");
    assertThrows(WorkflowException.class, () -> workflow.run("2"));
    assertEquals(
        Map.of("breaker=backend", 2L), sums(reader.collectAllMetrics(), "tta.circuit.state"));

    WorkflowException refused = assertThrows(WorkflowException.class, () -> workflow.run("3"));
    assertTrue(refused.getCause() instanceof CircuitOpenException, refused.toString());
    assertEquals(
        Map.of("workflow=Gate step=call", 1L),
        sums(reader.collectAllMetrics(), "tta.step.rejections"));

    gate.down = false;
    time.advance(Duration.ofSeconds(1));
    assertEquals("ok 4", workflow.run("4")); // the one trial call closes it
    assertEquals(
        Map.of("breaker=backend", 0L), sums(reader.collectAllMetrics(), "tta.circuit.state"));
  }

  @Test
  void anAttemptPastItsDeadlineIsATimeout() {
    SlowWorkflow workflow = new SlowWorkflow(new Slow(), runtime);
    CompletableFuture<String> run = workflow.runAsync("x");
    time.advance(Duration.ofSeconds(1));

    ExecutionException failed = assertThrows(ExecutionException.class, run::get);
    assertTrue(failed.getCause() instanceof WorkflowException, failed.toString());
    Collection<MetricData> metrics = reader.collectAllMetrics();
    assertEquals(Map.of("workflow=Slow step=await", 1L), sums(metrics, "tta.step.timeouts"));
    HistogramPointData call =
        point(metrics, "tta.step.duration", "workflow=Slow step=await outcome=failure");
    assertEquals(1.0, call.getSum(), 1e-9);
  }

  /** The histogram's count per attribute set. */
  private static Map<String, Long> counts(Collection<MetricData> metrics, String name) {
    Map<String, Long> counts = new TreeMap<>();
    for (MetricData metric : metrics) {
      if (metric.getName().equals(name)) {
        for (HistogramPointData p : metric.getHistogramData().getPoints()) {
          counts.put(tags(p.getAttributes()), p.getCount());
        }
      }
    }
    return counts;
  }

  private static HistogramPointData point(
      Collection<MetricData> metrics, String name, String tags) {
    for (MetricData metric : metrics) {
      if (metric.getName().equals(name)) {
        for (HistogramPointData p : metric.getHistogramData().getPoints()) {
          if (tags(p.getAttributes()).equals(tags)) {
            return p;
          }
        }
      }
    }
    throw new AssertionError("no " + name + " point " + tags);
  }

  /** A counter's or gauge's value per attribute set. */
  private static Map<String, Long> sums(Collection<MetricData> metrics, String name) {
    Map<String, Long> sums = new TreeMap<>();
    for (MetricData metric : metrics) {
      if (metric.getName().equals(name)) {
        Collection<LongPointData> points =
            name.equals("tta.circuit.state")
                ? metric.getLongGaugeData().getPoints()
                : metric.getLongSumData().getPoints();
        for (LongPointData p : points) {
          sums.put(tags(p.getAttributes()), p.getValue());
        }
      }
    }
    return sums;
  }

  /** Attributes in the order workflow, step, outcome, breaker. */
  private static String tags(Attributes attributes) {
    StringBuilder tags = new StringBuilder();
    append(tags, "workflow", attributes.get(OpenTelemetryMetrics.WORKFLOW));
    append(tags, "step", attributes.get(OpenTelemetryMetrics.STEP));
    append(tags, "outcome", attributes.get(OpenTelemetryMetrics.OUTCOME));
    append(tags, "breaker", attributes.get(OpenTelemetryMetrics.BREAKER));
    return tags.toString();
  }

  private static void append(StringBuilder tags, String key, String value) {
    if (value != null) {
      tags.append(tags.length() == 0 ? "" : " ").append(key).append('=').append(value);
    }
  }
}

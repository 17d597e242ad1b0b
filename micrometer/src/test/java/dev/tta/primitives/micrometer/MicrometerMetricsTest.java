package dev.tta.primitives.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.CircuitOpenException;
import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowException;
import dev.tta.primitives.WorkflowInterceptor.Observation;
import dev.tta.primitives.WorkflowInterceptor.Scope;
import dev.tta.primitives.WorkflowRuntime;
import dev.tta.primitives.testing.VirtualTime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Runs real generated workflows on {@link VirtualTime} with an inline executor, so every duration
 * the runtime measures is exact, and reads back every meter.
 */
class MicrometerMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final VirtualTime time = new VirtualTime();
  private final WorkflowRuntime runtime =
      time.runtime().toBuilder()
          .executor(Runnable::run)
          .interceptor(MicrometerMetrics.create(registry))
          .build();

  /** Steps that take time: each moves the virtual clock while it runs. */
  private void takeTime(String step, Object input) {
    switch (step) {
      case "price" -> time.advance(Duration.ofMillis(200));
      case "stock" -> time.advance(Duration.ofMillis(300));
      case "pack" -> time.advance(Duration.ofMillis(100));
      case "book" -> time.advance(Duration.ofMillis(50));
      default -> {}
    }
  }

  @Test
  void everyRunAndStepCallIsTimedByOutcomeAndRetriesAreCounted() throws Exception {
    ShippingWorkflow shipping = new ShippingWorkflow(new Shipping(this::takeTime), runtime);
    OrdersWorkflow orders = new OrdersWorkflow(new Orders(this::takeTime, shipping), runtime);

    CompletableFuture<String> first = orders.runAsync("o-1");
    assertEquals(List.of(Duration.ofMillis(10)), time.scheduledDelays(), "waits for its retry");
    time.advance(Duration.ofMillis(10));
    assertEquals("booked ABC@5, booked ABC@5", first.get(1, TimeUnit.SECONDS));
    assertEquals("booked ABC@5, booked ABC@5", orders.run("o-1"), "the second run hits the cache");

    // Run 1: load 10 ms (its retry wait) + price 200 + stock 300 + pack 3 x 100 + ship 2 x 50.
    // Run 2: the same without the retry.
    assertEquals(
        List.of(
            "tta.run.duration{outcome=success,workflow=Orders} count=2 total=1810ms",
            "tta.run.duration{outcome=success,workflow=Shipping} count=4 total=200ms",
            "tta.step.duration{outcome=cache_hit,step=rate,workflow=Orders} count=1 total=0ms",
            "tta.step.duration{outcome=fallback,step=label,workflow=Orders} count=2 total=0ms",
            "tta.step.duration{outcome=success,step=book,workflow=Shipping} count=4 total=200ms",
            "tta.step.duration{outcome=success,step=lines,workflow=Orders} count=2 total=0ms",
            "tta.step.duration{outcome=success,step=load,workflow=Orders} count=2 total=10ms",
            "tta.step.duration{outcome=success,step=pack,workflow=Orders} count=6 total=600ms",
            "tta.step.duration{outcome=success,step=price,workflow=Orders} count=2 total=400ms",
            "tta.step.duration{outcome=success,step=rate,workflow=Orders} count=1 total=0ms",
            "tta.step.duration{outcome=success,step=ship,workflow=Orders} count=2 total=200ms",
            "tta.step.duration{outcome=success,step=stock,workflow=Orders} count=2 total=600ms",
            "tta.step.retries{step=load,workflow=Orders} count=1"),
        meters());
  }

  @Test
  void aClassLevelRetryIsCountedUnderTheWorkflowsName() throws Exception {
    FlakyWorkflow flaky = new FlakyWorkflow(new Flaky(), runtime);

    CompletableFuture<String> run = flaky.runAsync("x");
    time.advance(Duration.ofSeconds(1));
    time.advance(Duration.ofSeconds(2));

    assertEquals("x", run.get(1, TimeUnit.SECONDS));
    assertEquals(
        List.of(
            "tta.run.duration{outcome=success,workflow=Flaky} count=1 total=3000ms",
            "tta.step.duration{outcome=failure,step=call,workflow=Flaky} count=2 total=0ms",
            "tta.step.duration{outcome=success,step=call,workflow=Flaky} count=1 total=0ms",
            "tta.step.retries{step=Flaky,workflow=Flaky} count=2"),
        meters());
  }

  @Test
  void aTimeoutIsCountedAndTheRunFails() {
    SlowWorkflow slow = new SlowWorkflow(new Slow(), runtime);

    CompletableFuture<String> run = slow.runAsync("?");
    time.advance(Duration.ofSeconds(2));

    assertTrue(run.isCompletedExceptionally());
    assertEquals(
        List.of(
            "tta.run.duration{outcome=failure,workflow=Slow} count=1 total=2000ms",
            "tta.step.duration{outcome=failure,step=answer,workflow=Slow} count=1 total=2000ms",
            "tta.step.timeouts{step=answer,workflow=Slow} count=1"),
        meters());
  }

  @Test
  void theCircuitGaugeFollowsTheBreakerAndRejectionsAreCounted() {
    List<Double> seenInTrial = new ArrayList<>();
    QuotesWorkflow quotes =
        new QuotesWorkflow(new Quotes((step, fail) -> seenInTrial.add(gauge())), runtime);

    assertThrows(WorkflowException.class, () -> quotes.run(true));
    assertNull(registry.find("tta.circuit.state").gauge(), "no gauge before the first change");
    assertThrows(WorkflowException.class, () -> quotes.run(true));
    assertEquals(2.0, gauge(), "open");
    WorkflowException refused = assertThrows(WorkflowException.class, () -> quotes.run(false));
    assertInstanceOf(CircuitOpenException.class, refused.getCause());
    assertEquals(2.0, gauge(), "still open");

    time.advance(Duration.ofSeconds(10));
    assertEquals("42", quotes.run(false));

    assertEquals(
        List.of(-1.0, -1.0, 1.0), seenInTrial, "no gauge, no gauge, half-open in the trial");
    assertEquals(0.0, gauge(), "closed after the trial call");
    assertEquals(
        List.of(
            "tta.circuit.state{breaker=quote} value=0.0",
            "tta.run.duration{outcome=failure,workflow=Quotes} count=3 total=0ms",
            "tta.run.duration{outcome=success,workflow=Quotes} count=1 total=0ms",
            "tta.step.duration{outcome=failure,step=quote,workflow=Quotes} count=3 total=0ms",
            "tta.step.duration{outcome=success,step=quote,workflow=Quotes} count=1 total=0ms",
            "tta.step.rejections{step=quote,workflow=Quotes} count=1"),
        meters());
  }

  @Test
  void aStepsObservationIsItsMetersAndMakesNothingCurrent() {
    MicrometerMetrics metrics = MicrometerMetrics.create(registry);
    WorkflowContext context = WorkflowContext.create("W", runtime);

    Observation run = metrics.startRun(context, null);
    Observation step = metrics.startStep(run, context, "s", 0);

    assertSame(run, metrics.startRun(context, null), "a run allocates nothing");
    assertSame(step, metrics.startStep(run, context, "s", 1), "nor does a step call");
    assertSame(step, metrics.startStep(null, context, "s", -1), "found by name without the run");
    assertSame(Scope.NONE, step.makeCurrent());
    assertTrue(registry.getMeters().isEmpty(), "nothing registered before something is recorded");
    step.end(dev.tta.primitives.WorkflowInterceptor.Outcome.SUCCESS, null, 1, Duration.ofMillis(5));
    assertEquals(
        List.of("tta.step.duration{outcome=success,step=s,workflow=W} count=1 total=5ms"),
        meters());
  }

  private double gauge() {
    Gauge gauge = registry.find("tta.circuit.state").tag("breaker", "quote").gauge();
    return gauge == null ? -1 : gauge.value();
  }

  /** Every meter with its tags and what it holds, sorted. */
  private List<String> meters() {
    List<String> all = new ArrayList<>();
    for (Meter meter : registry.getMeters()) {
      String id =
          meter.getId().getName()
              + meter.getId().getTags().stream()
                  .map(Tag::toString)
                  .map(t -> t.replaceAll("tag\\((.*)\\)", "$1"))
                  .collect(Collectors.joining(",", "{", "}"));
      String value;
      if (meter instanceof Timer timer) {
        value =
            "count="
                + timer.count()
                + " total="
                + (long) timer.totalTime(TimeUnit.MILLISECONDS)
                + "ms";
      } else if (meter instanceof Counter counter) {
        value = "count=" + (long) counter.count();
      } else if (meter instanceof Gauge gauge) {
        value = "value=" + gauge.value();
      } else {
        value = meter.toString();
      }
      all.add(id + " " + value);
    }
    all.sort(null);
    return all;
  }
}

package dev.tta.primitives.listeners;

import static dev.tta.primitives.listeners.Steps.NL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.CircuitBreakerPolicy;
import dev.tta.primitives.CircuitBreakerPrimitive;
import dev.tta.primitives.LambdaPrimitive;
import dev.tta.primitives.ParallelPrimitive;
import dev.tta.primitives.RetryPolicy;
import dev.tta.primitives.RetryPrimitive;
import dev.tta.primitives.StepPrimitive;
import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowPrimitive;
import dev.tta.primitives.WorkflowRunner;
import dev.tta.primitives.WorkflowRuntime;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TimelineTest {

  private static final String COUNTS_NONE =
      "  retries 0, timeouts 0, fallbacks 0, rejected 0, cache hits 0, cache misses 0" + NL;

  private final Steps steps = new Steps();
  private final Timeline timeline = new Timeline();
  private final WorkflowRuntime runtime = steps.runtime(timeline);

  private <I, O> CompletableFuture<O> start(String name, WorkflowPrimitive<I, O> root, I input) {
    return WorkflowRunner.of(name, root, runtime)
        .execute(input, WorkflowContext.create(name, runtime));
  }

  /** A chart line: the label padded to {@code width}, a bar over columns [from, to), the times. */
  private static String bar(
      String label, int width, int from, int to, char mark, double start, double end) {
    return String.format(
        java.util.Locale.ROOT,
        "  %-" + width + "s |%s%s%s| %8.1f .. %8.1f  (%.1f ms)%s%s",
        label,
        " ".repeat(from),
        String.valueOf(mark).repeat(to - from),
        " ".repeat(Timeline.WIDTH - to),
        start,
        end,
        end - start,
        mark == 'x' ? "  FAILED" : "",
        NL);
  }

  /** A step that waits as many milliseconds as its input says. */
  private WorkflowPrimitive<Long, Long> waits(String name) {
    return StepPrimitive.of(
        name,
        LambdaPrimitive.ofAsync(
            name,
            (Long millis, WorkflowContext context) -> {
              CompletableFuture<Long> done = new CompletableFuture<>();
              steps.time.schedule(() -> done.complete(millis), millis, TimeUnit.MILLISECONDS);
              return done;
            }));
  }

  /** a (100 ms), a for-each of three elements two at a time, b and c at once, d (100 ms). */
  private CompletableFuture<?> sequenceParallelAndForEach() {
    WorkflowPrimitive<String, List<Long>> a = steps.step("a", 100, s -> List.of(300L, 100L, 200L));
    WorkflowPrimitive<Iterable<? extends Long>, List<Long>> each =
        ParallelPrimitive.forEach(waits("e"), 2);
    WorkflowPrimitive<List<Long>, List<List<Long>>> bc =
        ParallelPrimitive.of(steps.<List<Long>>step("b", 200), steps.step("c", 500));
    WorkflowPrimitive<String, List<List<Long>>> root =
        a.then(each).then(bc).then(steps.step("d", 100));
    CompletableFuture<List<List<Long>>> run = start("W", root, "x");
    steps.time.advance(Duration.ofSeconds(2));
    assertEquals(List.of(List.of(300L, 100L, 200L), List.of(300L, 100L, 200L)), run.join());
    return run;
  }

  @Test
  void textDrawsOneBarPerCallOnTheRunsAxis() {
    sequenceParallelAndForEach();

    // 1000 ms on 50 columns: one column per 20 ms.
    assertEquals(
        "W finished in 1000.0 ms (times in ms from the run's start)"
            + NL
            + bar("a", 4, 0, 5, '#', 0, 100)
            + bar("e #1", 4, 5, 10, '#', 100, 200) // the 100 ms element, ended first
            + bar("e #2", 4, 5, 20, '#', 100, 400)
            + bar("e #3", 4, 10, 20, '#', 200, 400) // started when #1 ended
            + bar("b", 4, 20, 30, '#', 400, 600)
            + bar("c", 4, 20, 45, '#', 400, 900)
            + bar("d", 4, 45, 50, '#', 900, 1000)
            + COUNTS_NONE,
        timeline.text());
  }

  @Test
  void mermaidIsAGanttOfTheSameCalls() {
    sequenceParallelAndForEach();

    assertEquals(
        String.join(
            NL,
            "gantt",
            "  title W finished in 1000.0 ms",
            "  dateFormat x",
            "  axisFormat %S.%L",
            "  todayMarker off",
            "  section W",
            "  a : 0, 100",
            "  e 1 : 100, 200",
            "  e 2 : 100, 400",
            "  e 3 : 200, 400",
            "  b : 400, 600",
            "  c : 400, 900",
            "  d : 900, 1000",
            ""),
        timeline.mermaid());
  }

  @Test
  void failedCallsAreMarkedAndRetriesCounted() {
    AtomicInteger attempts = new AtomicInteger();
    WorkflowPrimitive<String, String> broken =
        LambdaPrimitive.ofAsync(
            "broken",
            (String in, WorkflowContext context) -> {
              CompletableFuture<String> failed = new CompletableFuture<>();
              IOException boom = new IOException("boom " + attempts.incrementAndGet());
              steps.time.schedule(
                  () -> failed.completeExceptionally(boom), 50, TimeUnit.MILLISECONDS);
              return failed;
            });
    RetryPolicy policy =
        RetryPolicy.builder().maxAttempts(2).delay(Duration.ofMillis(100)).jitter(0).build();
    WorkflowPrimitive<String, String> root =
        steps
            .<String>step("a", 100)
            .then(StepPrimitive.of("broken", RetryPrimitive.of(broken, policy)));

    CompletableFuture<String> run = start("W", root, "x");
    steps.time.advance(Duration.ofSeconds(1));

    assertThrows(CompletionException.class, run::join);
    // a: 0..100; broken: attempt 1 100..150, wait 100 ms, attempt 2 250..300. 300 ms on 50
    // columns: 6 ms per column.
    assertEquals(
        "W FAILED after 300.0 ms (times in ms from the run's start)"
            + NL
            + bar("a", 6, 0, 17, '#', 0, 100)
            + bar("broken", 6, 16, 50, 'x', 100, 300)
            + "  retries 1, timeouts 0, fallbacks 0, rejected 0, cache hits 0, cache misses 0"
            + NL,
        timeline.text());
    assertEquals(
        String.join(
            NL,
            "gantt",
            "  title W FAILED after 300.0 ms",
            "  dateFormat x",
            "  axisFormat %S.%L",
            "  todayMarker off",
            "  section W",
            "  a : 0, 100",
            "  broken : crit, 100, 300",
            ""),
        timeline.mermaid());
  }

  @Test
  void nestedRunsArePartOfTheOutermostRunAndNameTheirBars() {
    WorkflowRunner<String, String> inner =
        WorkflowRunner.of(
            "Inner", steps.<String>step("i1", 100).then(steps.step("i2", 100)), runtime);
    WorkflowPrimitive<String, String> callsInner =
        StepPrimitive.of(
            "outer",
            LambdaPrimitive.ofAsync(
                "outer", (String in, WorkflowContext context) -> inner.execute(in, context)));
    WorkflowPrimitive<String, String> root = callsInner.then(steps.step("after", 200));

    CompletableFuture<String> run = start("W", root, "x");
    steps.time.advance(Duration.ofSeconds(1));

    assertEquals("x", run.join());
    // 400 ms on 50 columns: 8 ms per column.
    assertEquals(
        "W finished in 400.0 ms (times in ms from the run's start)"
            + NL
            + bar("Inner/i1", 8, 0, 13, '#', 0, 100)
            + bar("W/outer", 8, 0, 25, '#', 0, 200)
            + bar("Inner/i2", 8, 12, 25, '#', 100, 200)
            + bar("W/after", 8, 25, 50, '#', 200, 400)
            + COUNTS_NONE,
        timeline.text());
    assertEquals(
        String.join(
            NL,
            "gantt",
            "  title W finished in 400.0 ms",
            "  dateFormat x",
            "  axisFormat %S.%L",
            "  todayMarker off",
            "  section Inner",
            "  i1 : 0, 100",
            "  i2 : 100, 200",
            "  section W",
            "  outer : 0, 200",
            "  after : 200, 400",
            ""),
        timeline.mermaid());
  }

  @Test
  void showsTheLastFinishedRunAndNothingBeforeTheFirst() {
    assertEquals("", timeline.text());
    assertEquals("", timeline.mermaid());

    CompletableFuture<String> first = start("First", steps.step("one", 100), "x");
    steps.time.advance(Duration.ofSeconds(1));
    CompletableFuture<String> second = start("Second", steps.step("two", 10), "y");
    steps.time.advance(Duration.ofSeconds(1));

    assertEquals("x", first.join());
    assertEquals("y", second.join());
    assertEquals(
        "Second finished in 10.0 ms (times in ms from the run's start)"
            + NL
            + bar("two", 4, 0, 50, '#', 0, 10)
            + COUNTS_NONE,
        timeline.text());
  }

  @Test
  void mermaidTaskNamesAreSanitised() {
    WorkflowPrimitive<String, String> root =
        steps
            .<String>step("load: a; b #1 %% c", 10)
            .then(steps.step("title", 10))
            .then(steps.step("  ", 10));

    CompletableFuture<String> run = start("W#1", root, "x");
    steps.time.advance(Duration.ofSeconds(1));

    assertEquals("x", run.join());
    assertEquals(
        String.join(
            NL,
            "gantt",
            "  title W_1 finished in 30.0 ms",
            "  dateFormat x",
            "  axisFormat %S.%L",
            "  todayMarker off",
            "  section W_1",
            "  load_ a_ b _1 __ c : 0, 10",
            "  step title : 10, 20",
            "  step : 20, 30",
            ""),
        timeline.mermaid());
    assertEquals("step Section 1", Timeline.taskName("Section 1"));
    assertEquals("a_b", Timeline.taskName("a\nb"));
  }

  @Test
  void breakerChangesAndRejectionsAreCountedByTheTimelineAndPrintedByTheProgress() {
    ProgressListener progress =
        ProgressListener.builder(steps.out).interval(Duration.ofHours(1)).build();
    WorkflowRuntime both =
        WorkflowRuntime.builder()
            .clock(steps.time)
            .scheduler(steps.time)
            .random(new Random(dev.tta.primitives.testing.VirtualTime.SEED))
            .listener(progress)
            .listener(timeline)
            .build();
    WorkflowPrimitive<String, String> down =
        LambdaPrimitive.ofAsync(
            "call",
            (String in, WorkflowContext context) ->
                CompletableFuture.failedFuture(new IOException("down")));
    CircuitBreakerPolicy breaker =
        CircuitBreakerPolicy.builder()
            .window(1)
            .minimumCalls(1)
            .failureRate(0.5)
            .openFor(Duration.ofSeconds(10))
            .build();
    RetryPolicy retry =
        RetryPolicy.builder().maxAttempts(2).delay(Duration.ofMillis(100)).jitter(0).build();
    WorkflowPrimitive<String, String> root =
        StepPrimitive.of(
            "call", RetryPrimitive.of(CircuitBreakerPrimitive.of(down, breaker), retry));

    CompletableFuture<String> run =
        WorkflowRunner.of("W", root, both).execute("x", WorkflowContext.create("W", both));
    steps.time.advance(Duration.ofSeconds(1));

    assertThrows(CompletionException.class, run::join);
    String[] lines = steps.output().split(NL);
    assertEquals(6, lines.length, steps.output());
    assertEquals("[     0.0 ms] W started", lines[0]);
    assertEquals("[     0.0 ms] circuit breaker call: CLOSED -> OPEN", lines[1]);
    assertEquals("[     0.0 ms] call retry: attempt 2 in 100 ms after IOException: down", lines[2]);
    assertTrue(
        lines[3].startsWith("[   100.0 ms] call rejected: CircuitOpenException: "), lines[3]);
    assertTrue(
        lines[4].startsWith("[   100.0 ms] call FAILED after 100 ms: CircuitOpenException: "),
        lines[4]);
    assertTrue(
        lines[5].startsWith(
            "[   100.0 ms] W FAILED after 100 ms: 1/1 steps, 1 failed, retries 1; CircuitOpenException"),
        lines[5]);
    assertEquals(
        "W FAILED after 100.0 ms (times in ms from the run's start)"
            + NL
            + bar("call", 4, 0, 50, 'x', 0, 100)
            + "  retries 1, timeouts 0, fallbacks 0, rejected 1, cache hits 0, cache misses 0"
            + NL
            + "  circuit breakers: call CLOSED -> OPEN at 0.0 ms"
            + NL,
        timeline.text());
  }
}

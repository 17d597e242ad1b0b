package dev.tta.primitives.listeners;

import static dev.tta.primitives.listeners.Steps.NL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.FallbackPrimitive;
import dev.tta.primitives.LambdaPrimitive;
import dev.tta.primitives.ParallelPrimitive;
import dev.tta.primitives.RetryPolicy;
import dev.tta.primitives.RetryPrimitive;
import dev.tta.primitives.StepPrimitive;
import dev.tta.primitives.TimeoutPrimitive;
import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowPrimitive;
import dev.tta.primitives.WorkflowRunner;
import dev.tta.primitives.WorkflowRuntime;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProgressListenerTest {

  private static final String R = ProgressListener.REDRAW;

  private final Steps steps = new Steps();

  /** Runs {@code root} as workflow {@code name} on the test's thread and virtual time. */
  private <I, O> CompletableFuture<O> start(
      String name, WorkflowPrimitive<I, O> root, WorkflowRuntime runtime, I input) {
    return WorkflowRunner.of(name, root, runtime)
        .execute(input, WorkflowContext.create(name, runtime));
  }

  /** The frames drawn on the terminal line, each without the redraw sequence. */
  private List<String> frames() {
    String output = steps.output();
    assertTrue(output.startsWith(R), output);
    return new ArrayList<>(Arrays.asList(output.substring(R.length()).split("\r\033\\[K", -1)));
  }

  @Test
  void terminalRedrawsOneLineInPlaceAndEndsItWithTheSummary() {
    ProgressListener progress = ProgressListener.builder(steps.out).terminal(true).build();
    WorkflowRuntime runtime = steps.runtime(progress);
    WorkflowPrimitive<String, List<String>> stages =
        steps
            .<String>step("a", 1000)
            .then(ParallelPrimitive.of(steps.<String>step("b", 2000), steps.step("c", 3000)));
    WorkflowPrimitive<String, List<String>> root = stages.then(steps.step("d", 1000));

    CompletableFuture<List<String>> run = start("W", root, runtime, "x");
    steps.time.advance(Duration.ofSeconds(5));

    assertEquals(List.of("x", "x"), run.join());
    assertEquals(
        List.of(
            "W 0/0 steps | retries 0 | 0.0 s",
            "W 0/1 steps | running: a | retries 0 | 0.0 s",
            "W 1/1 steps | retries 0 | 1.0 s",
            "W 1/2 steps | running: b | retries 0 | 1.0 s",
            "W 1/3 steps | running: b, c | retries 0 | 1.0 s",
            "W 2/3 steps | running: c | retries 0 | 3.0 s",
            "W 3/3 steps | retries 0 | 4.0 s",
            "W 3/4 steps | running: d | retries 0 | 4.0 s",
            "W 4/4 steps | retries 0 | 5.0 s",
            "W finished in 5000 ms: 4/4 steps, retries 0" + NL),
        frames());
  }

  @Test
  void terminalListsRunningStepsCountedShortenedAndCappedAndShowsAKnownTotal() {
    ProgressListener progress =
        ProgressListener.builder(steps.out).terminal(true).expecting(8).build();
    WorkflowRuntime runtime = steps.runtime(progress);
    WorkflowPrimitive<List<String>, List<Object>> root =
        ParallelPrimitive.<List<String>, Object>of(
            ParallelPrimitive.forEach(steps.<String>step("check", 1000), 0),
            steps.step("a-very-long-step-name-indeed", 2000),
            steps.step("x", 2000),
            steps.step("y", 2000));

    CompletableFuture<List<Object>> run = start("W", root, runtime, List.of("1", "2", "3"));
    steps.time.advance(Duration.ofSeconds(2));

    run.join();
    List<String> frames = frames();
    assertTrue(
        frames.contains(
            "W 0/8 steps | running: check x3, a-very-long-step-..., x, +1 more | retries 0 | 0.0 s"),
        frames.toString());
    assertTrue(
        frames.contains("W 3/8 steps | running: a-very-long-step-..., x, y | retries 0 | 1.0 s"),
        frames.toString());
    // Fewer calls than expected: the total stays the one expected.
    assertEquals("W finished in 2000 ms: 6/8 steps, retries 0" + NL, frames.get(frames.size() - 1));
  }

  @Test
  void terminalPrintsRetriesAboveTheLineAndCountsThem() {
    ProgressListener progress = ProgressListener.builder(steps.out).terminal(true).build();
    AtomicInteger calls = new AtomicInteger();
    WorkflowPrimitive<String, String> flaky =
        LambdaPrimitive.ofAsync(
            "flaky",
            (String in, WorkflowContext context) ->
                calls.incrementAndGet() < 3
                    ? CompletableFuture.failedFuture(new IOException("down " + calls.get()))
                    : CompletableFuture.completedFuture("ok"));
    RetryPolicy policy =
        RetryPolicy.builder().maxAttempts(3).delay(Duration.ofMillis(100)).jitter(0).build();
    WorkflowPrimitive<String, String> root =
        StepPrimitive.of("flaky", RetryPrimitive.of(flaky, policy));

    CompletableFuture<String> run = start("W", root, steps.runtime(progress), "x");
    steps.time.advance(Duration.ofSeconds(1));

    assertEquals("ok", run.join());
    assertEquals(
        List.of(
            "W 0/0 steps | retries 0 | 0.0 s",
            "W 0/1 steps | running: flaky | retries 0 | 0.0 s",
            "flaky retry: attempt 2 in 100 ms after IOException: down 1" + NL,
            "W 0/1 steps | running: flaky | retries 1 | 0.0 s",
            "flaky retry: attempt 3 in 200 ms after IOException: down 2" + NL,
            "W 0/1 steps | running: flaky | retries 2 | 0.1 s",
            "W 1/1 steps | retries 2 | 0.3 s",
            "W finished in 300 ms: 1/1 steps, retries 2" + NL),
        frames());
  }

  @Test
  void plainModePrintsAProgressLineAtMostOncePerInterval() {
    ProgressListener progress =
        ProgressListener.builder(steps.out)
            .terminal(false)
            .interval(Duration.ofSeconds(1))
            .expecting(10)
            .build();
    WorkflowPrimitive<String, String> root = steps.step("s", 400);
    for (int i = 1; i < 10; i++) {
      root = root.then(steps.step("s", 400));
    }

    CompletableFuture<String> run = start("W", root, steps.runtime(progress), "x");
    steps.time.advance(Duration.ofSeconds(4));

    run.join();
    // Events come every 400 ms; a line is due on the first one a second after the last line.
    assertEquals(
        "[     0.0 ms] W started"
            + NL
            + "[  1200.0 ms] W 3/10 steps | retries 0"
            + NL
            + "[  2400.0 ms] W 6/10 steps | retries 0"
            + NL
            + "[  3600.0 ms] W 9/10 steps | retries 0"
            + NL
            + "[  4000.0 ms] W finished in 4000 ms: 10/10 steps, retries 0"
            + NL,
        steps.output());
    assertFalse(steps.output().contains(R));
  }

  @Test
  void toAStreamOtherThanSystemOutIsPlainAndEachRunStartsFromZero() {
    ProgressListener progress = ProgressListener.to(steps.out);
    WorkflowRuntime runtime = steps.runtime(progress);
    WorkflowPrimitive<String, String> root = steps.<String>step("a", 1500).then(steps.step("b", 1));

    CompletableFuture<String> first = start("W", root, runtime, "x");
    steps.time.advance(Duration.ofSeconds(2));
    CompletableFuture<String> second = start("W", steps.step("c", 10), runtime, "y");
    steps.time.advance(Duration.ofSeconds(1));

    assertEquals("x", first.join());
    assertEquals("y", second.join());
    assertEquals(
        "[     0.0 ms] W started"
            + NL
            + "[  1500.0 ms] W 1/1 steps | retries 0"
            + NL
            + "[  1501.0 ms] W finished in 1501 ms: 2/2 steps, retries 0"
            + NL
            + "[     0.0 ms] W started"
            + NL
            + "[    10.0 ms] W finished in 10 ms: 1/1 steps, retries 0"
            + NL,
        steps.output());
  }

  @Test
  void plainModePrintsFailuresTimeoutsAndFallbacksAsTheyHappen() {
    ProgressListener progress =
        ProgressListener.builder(steps.out).interval(Duration.ofHours(1)).build();
    WorkflowPrimitive<String, String> slow = steps.body("slow", 5000, s -> s);
    WorkflowPrimitive<String, String> guarded =
        StepPrimitive.of(
            "slow",
            FallbackPrimitive.of(
                TimeoutPrimitive.of(slow, Duration.ofSeconds(1)),
                LambdaPrimitive.of("slow", (String s) -> "fallback")));
    WorkflowPrimitive<String, String> root =
        guarded.then(steps.failing("broken", 500, new IOException("boom")));

    CompletableFuture<String> run = start("W", root, steps.runtime(progress), "x");
    steps.time.advance(Duration.ofSeconds(2));

    CompletionException e = assertThrows(CompletionException.class, run::join);
    assertTrue(e.getCause() instanceof dev.tta.primitives.WorkflowException, e.toString());
    assertEquals(
        "[     0.0 ms] W started"
            + NL
            + "[  1000.0 ms] slow timed out after 1000 ms"
            + NL
            + "[  1000.0 ms] slow falls back after TimeoutException: step 'slow' of workflow 'W' timed out"
            + " after 1000ms"
            + NL
            + "[  1500.0 ms] broken FAILED after 500 ms: IOException: boom"
            + NL
            + "[  1500.0 ms] W FAILED after 1500 ms: 2/2 steps, 1 failed, retries 0;"
            + " IOException: boom"
            + NL,
        steps.output());
  }

  @Test
  void nestedRunsCountTheirStepsInTheOutermostRunAndDoNotEndItsLine() {
    ProgressListener progress = ProgressListener.builder(steps.out).terminal(true).build();
    WorkflowRuntime runtime = steps.runtime(progress);
    WorkflowRunner<String, String> inner =
        WorkflowRunner.of(
            "Inner", steps.<String>step("i1", 1000).then(steps.step("i2", 1000)), runtime);
    WorkflowPrimitive<String, String> callsInner =
        StepPrimitive.of(
            "outer",
            LambdaPrimitive.ofAsync(
                "outer", (String in, WorkflowContext context) -> inner.execute(in, context)));
    WorkflowPrimitive<String, String> root = callsInner.then(steps.step("after", 1000));

    CompletableFuture<String> run = start("W", root, runtime, "x");
    steps.time.advance(Duration.ofSeconds(3));

    assertEquals("x", run.join());
    List<String> frames = frames();
    assertTrue(
        frames.contains("W 0/2 steps | running: outer, i1 | retries 0 | 0.0 s"), frames.toString());
    assertTrue(
        frames.contains("W 3/4 steps | running: after | retries 0 | 2.0 s"), frames.toString());
    assertEquals("W finished in 3000 ms: 4/4 steps, retries 0" + NL, frames.get(frames.size() - 1));
    assertEquals(1, steps.output().split(NL, -1).length - 1, "one line ended, at the very end");
    assertTrue(frames.stream().noneMatch(f -> f.startsWith("Inner")), frames.toString());
  }

  @Test
  void builderRejectsNegativeSettings() {
    ProgressListener.Builder builder = ProgressListener.builder(steps.out);
    assertThrows(IllegalArgumentException.class, () -> builder.interval(Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class, () -> builder.expecting(-1));
  }
}

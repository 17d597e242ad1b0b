package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.testing.VirtualTime;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Late or abandoned work is told to stop (cancelled, its thread interrupted) <em>before</em> the
 * failure reaches dependents: a fallback or the next step never runs beside the work it replaces.
 *
 * <p>Each dependent waits (with a generous bound) for the stopped step to see its interrupt. If the
 * interrupt only came after the dependents ran, the wait would run out, since the dependent holds
 * the very thread that would interrupt the step.
 */
class StopBeforeDependentsTest {

  private static final long PATIENCE_SECONDS = 10;

  /** A blocking step that reports its start and waits until interrupted. */
  private static LambdaPrimitive<String, String> untilInterrupted(
      String name, CountDownLatch started, CountDownLatch interrupted) {
    return LambdaPrimitive.of(
        name,
        (in, ctx) -> {
          started.countDown();
          try {
            new CountDownLatch(1).await(PATIENCE_SECONDS * 3, SECONDS);
          } catch (InterruptedException e) {
            interrupted.countDown();
          }
          return "late";
        });
  }

  private static boolean await(CountDownLatch latch) throws InterruptedException {
    return latch.await(PATIENCE_SECONDS, SECONDS);
  }

  @Test
  void timeoutInterruptsTheLateStepBeforeTheFallbackRuns() throws Exception {
    VirtualTime time = new VirtualTime(); // the deadline fires when the test says so
    WorkflowContext context = WorkflowContext.create("wf", time.runtime());
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    WorkflowPrimitive<String, String> guarded =
        FallbackPrimitive.<String, String>builder(
                TimeoutPrimitive.of(
                    untilInterrupted("slow", started, interrupted), Duration.ofMillis(50)))
            .recover((in, cause, ctx) -> "fallback, step stopped first: " + await(interrupted));

    CompletableFuture<String> result = guarded.execute("in", context);
    assertTrue(await(started), "the step never started");
    time.advance(Duration.ofMillis(50));

    assertEquals("fallback, step stopped first: true", result.get(PATIENCE_SECONDS * 2, SECONDS));
  }

  @Test
  void timeoutFailsWithTheTimeoutNotWithTheStoppedWorksCancellation() {
    VirtualTime time = new VirtualTime();
    WorkflowContext context = WorkflowContext.create("wf", time.runtime());
    CompletableFuture<String> never = new CompletableFuture<>();
    WorkflowPrimitive<String, String> pending =
        AsyncTestPrimitive.async(LambdaPrimitive.<String, String>ofAsync("p", (in, ctx) -> never));

    CompletableFuture<String> result =
        TimeoutPrimitive.of(pending, Duration.ofMillis(50)).execute("in", context);
    time.advance(Duration.ofMillis(50));

    assertTrue(never.isCancelled(), "the late work was not cancelled");
    ExecutionException e = assertThrowsExecution(result);
    assertInstanceOf(TimeoutException.class, e.getCause());
    assertFalse(result.cancel(true), "cancel() after the timeout must report false");
  }

  @Test
  void cancellingATimedCallStopsTheWorkAndReportsTrue() {
    VirtualTime time = new VirtualTime();
    WorkflowContext context = WorkflowContext.create("wf", time.runtime());
    CompletableFuture<String> never = new CompletableFuture<>();
    WorkflowPrimitive<String, String> pending =
        AsyncTestPrimitive.async(LambdaPrimitive.<String, String>ofAsync("p", (in, ctx) -> never));
    CompletableFuture<String> result =
        TimeoutPrimitive.of(pending, Duration.ofMillis(50)).execute("in", context);
    AtomicReference<Boolean> workStoppedFirst = new AtomicReference<>();
    result.whenComplete((v, e) -> workStoppedFirst.set(never.isCancelled()));

    assertTrue(result.cancel(true));
    assertTrue(result.cancel(true), "a repeated cancel still reports the cancelled state");

    assertTrue(result.isCancelled());
    assertEquals(Boolean.TRUE, workStoppedFirst.get(), "dependents ran before the work stopped");
    assertEquals(0, time.pendingTasks(), "the deadline was left armed");
  }

  @Test
  void failedBranchInterruptsItsSiblingBeforeTheFallbackRuns() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    CountDownLatch go = new CountDownLatch(1);
    WorkflowPrimitive<String, String> failing =
        LambdaPrimitive.of(
            "fail",
            (in, ctx) -> {
              await(started); // the sibling runs: the failure must interrupt it
              await(go); // and the fallback waits for the failure
              throw new IOException("boom");
            });
    WorkflowPrimitive<String, List<String>> parallel =
        ParallelPrimitive.of(List.of(untilInterrupted("slow", started, interrupted), failing));
    WorkflowPrimitive<String, List<String>> guarded =
        FallbackPrimitive.<String, List<String>>builder(parallel)
            .recover((in, cause, ctx) -> List.of("sibling stopped first: " + await(interrupted)));

    CompletableFuture<List<String>> result = guarded.execute("in", WorkflowContext.create("wf"));
    go.countDown();

    assertEquals(List.of("sibling stopped first: true"), result.get(PATIENCE_SECONDS * 2, SECONDS));
  }

  @Test
  void failedElementInterruptsTheOthersBeforeTheFallbackRuns() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    CountDownLatch go = new CountDownLatch(1);
    LambdaPrimitive<String, String> slow = untilInterrupted("slow", started, interrupted);
    WorkflowPrimitive<String, String> body =
        LambdaPrimitive.of(
            "each",
            (in, ctx) -> {
              if (in.equals("slow")) {
                return slow.execute(in, ctx).join();
              }
              await(started);
              await(go);
              throw new IOException("boom");
            });
    WorkflowPrimitive<Iterable<? extends String>, List<String>> each =
        ParallelPrimitive.forEach(body, 2);
    WorkflowPrimitive<Iterable<? extends String>, List<String>> guarded =
        FallbackPrimitive.<Iterable<? extends String>, List<String>>builder(each)
            .recover((in, cause, ctx) -> List.of("others stopped first: " + await(interrupted)));

    CompletableFuture<List<String>> result =
        guarded.execute(List.of("slow", "fail"), WorkflowContext.create("wf"));
    go.countDown();

    assertEquals(List.of("others stopped first: true"), result.get(PATIENCE_SECONDS * 2, SECONDS));
  }

  @Test
  void cancellingARunInterruptsTheStepBeforeDependentsRun() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    WorkflowRunner<String, String> runner =
        WorkflowRunner.of(
            "wf",
            StepPrimitive.of("slow", untilInterrupted("slow", started, interrupted)),
            WorkflowRuntime.defaults());
    CompletableFuture<String> run = runner.runAsync("in");
    assertTrue(await(started), "the step never started");
    CompletableFuture<Boolean> stoppedFirst =
        run.handle((v, e) -> e instanceof CancellationException && awaitQuietly(interrupted));

    assertTrue(run.cancel(true));

    assertTrue(stoppedFirst.get(PATIENCE_SECONDS * 2, SECONDS), "dependents ran first");
  }

  private static boolean awaitQuietly(CountDownLatch latch) {
    try {
      return await(latch);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static ExecutionException assertThrowsExecution(CompletableFuture<?> done) {
    assertTrue(done.isDone(), "not done");
    try {
      done.get(0, SECONDS);
    } catch (ExecutionException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError("unexpected " + e, e);
    }
    throw new AssertionError("did not fail");
  }
}

package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.testing.MockPrimitive;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Cancelling a run (or ending its future otherwise) starts no further step, even while the running
 * synchronous step ignores its interrupt.
 */
class CancelledRunStartsNoStepTest {

  private static final long PATIENCE_SECONDS = 10;

  /** The default executor, counting down {@code finished} when each task it ran has ended. */
  private static WorkflowRuntime runtimeSignalling(CountDownLatch finished) {
    Executor pool = WorkflowRuntime.defaults().executor();
    Executor signalling =
        task ->
            pool.execute(
                () -> {
                  try {
                    task.run();
                  } finally {
                    finished.countDown();
                  }
                });
    return WorkflowRuntime.builder().executor(signalling).build();
  }

  /**
   * A synchronous step that reports its start and waits for {@code release}, deaf to interrupts.
   */
  private static LambdaPrimitive<String, String> stubborn(
      String name, CountDownLatch started, CountDownLatch release) {
    return LambdaPrimitive.of(
        name,
        (in, ctx) -> {
          started.countDown();
          while (true) {
            try {
              if (release.await(PATIENCE_SECONDS * 3, SECONDS)) {
                return in;
              }
            } catch (InterruptedException ignored) {
              // carry on regardless
            }
          }
        });
  }

  private static LambdaPrimitive<String, String> flagging(String name, AtomicBoolean ran) {
    return LambdaPrimitive.of(
        name,
        (String in) -> {
          ran.set(true);
          return in;
        });
  }

  private static void await(CountDownLatch latch, String what) throws InterruptedException {
    assertTrue(latch.await(PATIENCE_SECONDS, SECONDS), "timed out waiting until " + what);
  }

  @Test
  void cancellingRunAsyncStartsNoFurtherSyncStepWhileOneIgnoresItsInterrupt() throws Exception {
    CountDownLatch finished = new CountDownLatch(1);
    CountDownLatch inFirst = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean secondRan = new AtomicBoolean();
    WorkflowRunner<String, String> workflow =
        WorkflowRunner.of(
            "wf",
            SequentialPrimitive.ofUnchecked(
                List.of(
                    StepPrimitive.of("a", stubborn("a", inFirst, release)),
                    StepPrimitive.of("b", flagging("b", secondRan)))),
            runtimeSignalling(finished));

    CompletableFuture<String> run = workflow.runAsync("x");
    await(inFirst, "step a runs");
    assertTrue(run.cancel(true));
    release.countDown(); // step a returns normally, as if it never saw the interrupt
    await(finished, "the run's thread is done");

    assertTrue(run.isCancelled());
    assertFalse(secondRan.get(), "step b started after the run was cancelled");
  }

  @Test
  void completingRunAsyncFromOutsideStartsNoFurtherStep() throws Exception {
    // What orTimeout does to the caller's future: it completes it exceptionally.
    CountDownLatch finished = new CountDownLatch(1);
    CompletableFuture<String> firstStep = new CompletableFuture<>();
    AtomicBoolean secondRan = new AtomicBoolean();
    WorkflowRunner<String, String> workflow =
        WorkflowRunner.of(
            "wf",
            SequentialPrimitive.ofUnchecked(
                List.of(
                    AsyncTestPrimitive.async(
                        LambdaPrimitive.<String, String>ofAsync("a", (in, ctx) -> firstStep)),
                    flagging("b", secondRan))),
            runtimeSignalling(finished));

    CompletableFuture<String> run = workflow.runAsync("x");
    await(finished, "the run went asynchronous");
    assertTrue(run.completeExceptionally(new TimeoutException("caller gave up")));
    firstStep.complete("a done");

    assertFalse(secondRan.get(), "step b started after the caller's future was completed");
  }

  @Test
  void stageFinishingWhileBeingWaitedForStillHonoursTheCancel() throws Exception {
    // Stage a reports "not done" once, then is done: the rest of the sequence runs on at once on
    // the run's thread, before the run has seen the continuation.
    CountDownLatch finished = new CountDownLatch(1);
    CountDownLatch inSecond = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean thirdRan = new AtomicBoolean();
    WorkflowRunner<String, String> workflow =
        WorkflowRunner.of(
            "wf",
            SequentialPrimitive.ofUnchecked(
                List.of(
                    AsyncTestPrimitive.async(
                        LambdaPrimitive.<String, String>ofAsync(
                            "a", (in, ctx) -> DoneOnSecondLook.of(in))),
                    stubborn("b", inSecond, release),
                    flagging("c", thirdRan))),
            runtimeSignalling(finished));

    CompletableFuture<String> run = workflow.runAsync("x");
    await(inSecond, "step b runs");
    assertTrue(run.cancel(true));
    release.countDown();
    await(finished, "the run's thread is done");

    assertFalse(thirdRan.get(), "step c started after the run was cancelled");
  }

  @Test
  void happyPathOfASyncSequenceInsideRunAsyncIsUnchanged() throws Exception {
    AtomicBoolean secondRan = new AtomicBoolean();
    WorkflowRunner<String, String> workflow =
        WorkflowRunner.of(
            "wf",
            SequentialPrimitive.ofUnchecked(
                List.of(
                    LambdaPrimitive.of("a", (String in) -> in + "a"), flagging("b", secondRan))),
            WorkflowRuntime.defaults());

    assertEquals("xa", workflow.runAsync("x").get(PATIENCE_SECONDS, SECONDS));
    assertTrue(secondRan.get());
  }

  @Test
  void cancelledAttemptIsNotRetried() {
    MockPrimitive<String, String> step =
        MockPrimitive.<String, String>named("s").thenFail(new CancellationException("stopped"));
    RetryPrimitive<String, String> retry =
        RetryPrimitive.of(step, RetryPolicy.builder().maxAttempts(5).jitter(0).build());

    CompletableFuture<String> result = retry.execute("x", WorkflowContext.create("wf"));

    assertTrue(result.isDone());
    assertEquals(1, step.calls());
  }

  @Test
  void cancellingTheCallerThatStartedASharedCachedExecutionDoesNotStopItForOthers()
      throws Exception {
    CountDownLatch inFirst = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean secondRan = new AtomicBoolean();
    CachePrimitive<String, String> cached =
        CachePrimitive.<String, String>builder(
                SequentialPrimitive.<String, String>ofUnchecked(
                    List.of(stubborn("a", inFirst, release), flagging("b", secondRan))))
            .build();
    WorkflowRunner<String, String> workflow =
        WorkflowRunner.of("wf", cached, WorkflowRuntime.defaults());

    CompletableFuture<String> starter = workflow.runAsync("k"); // runs the shared execution
    await(inFirst, "the shared execution runs");
    CompletableFuture<String> joiner = workflow.runAsync("k"); // waits for the same execution
    assertTrue(starter.cancel(true));
    release.countDown();

    assertEquals("k", joiner.get(PATIENCE_SECONDS, SECONDS));
    assertTrue(secondRan.get());
    assertTrue(starter.isCancelled());
  }

  /** Completed, but claims not to be the first time it is asked. */
  private static final class DoneOnSecondLook<T> extends CompletableFuture<T> {
    private boolean looked;

    static <T> DoneOnSecondLook<T> of(T value) {
      DoneOnSecondLook<T> future = new DoneOnSecondLook<>();
      future.complete(value);
      return future;
    }

    @Override
    public synchronized boolean isDone() {
      if (!looked) {
        looked = true;
        return false;
      }
      return super.isDone();
    }
  }
}

package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.testing.MockPrimitive;
import dev.tta.primitives.testing.VirtualTime;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Deadlines and retry waits hold even when the executor has no thread to spare: a due task the
 * executor rejects runs on the timer thread, and a deadline whose timer comes late (queued behind
 * the late step) still fails the call with a {@link TimeoutException}.
 */
class LateTimerTest {

  private static final long PATIENCE_SECONDS = 10;

  /** A blocking step that holds its thread until released, ignoring interrupts. */
  private static LambdaPrimitive<String, String> stubborn(
      CountDownLatch started, CountDownLatch release) {
    return LambdaPrimitive.of(
        "stubborn",
        (in, ctx) -> {
          started.countDown();
          while (true) {
            try {
              if (release.await(PATIENCE_SECONDS * 3, SECONDS)) {
                return "late";
              }
            } catch (InterruptedException ignored) {
              // carry on regardless
            }
          }
        });
  }

  /** One thread, no queue: a second task is rejected while the first runs. */
  private static ThreadPoolExecutor rejectingPoolOfOne() {
    return new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new SynchronousQueue<>());
  }

  private static Throwable failureWithin(CompletableFuture<?> future, long seconds) {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> future.get(seconds, SECONDS));
    return e.getCause();
  }

  @Test
  void rejectedDeadlineRunsOnTheTimerThreadAndReleasesTheCaller() throws Exception {
    ThreadPoolExecutor pool = rejectingPoolOfOne();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try {
      WorkflowContext context =
          WorkflowContext.create("wf", WorkflowRuntime.builder().executor(pool).build());

      CompletableFuture<String> result =
          TimeoutPrimitive.of(stubborn(started, release), Duration.ofMillis(200))
              .execute("in", context);

      // The step holds the only thread the whole time: the deadline must not need one.
      assertInstanceOf(TimeoutException.class, failureWithin(result, PATIENCE_SECONDS));
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void rejectedRetryWaitFailsTheStepWithTheRejectionInsteadOfVanishing() throws Exception {
    ThreadPoolExecutor pool = rejectingPoolOfOne();
    CountDownLatch busy = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try {
      pool.execute(
          () -> {
            busy.countDown();
            try {
              release.await(PATIENCE_SECONDS * 3, SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
      assertTrue(busy.await(PATIENCE_SECONDS, SECONDS));
      WorkflowContext context =
          WorkflowContext.create("wf", WorkflowRuntime.builder().executor(pool).build());
      MockPrimitive<String, String> step =
          MockPrimitive.<String, String>named("s").thenFail(new IOException("x")).thenReturn("ok");

      CompletableFuture<String> result =
          RetryPrimitive.of(
                  step,
                  RetryPolicy.builder()
                      .maxAttempts(3)
                      .delay(Duration.ofMillis(10))
                      .jitter(0)
                      .build())
              .execute("in", context);

      // Every thread of the pool stays busy: the wait ends anyway, with the rejection as the
      // failure (not retried; the step never runs on the timer thread).
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> result.get(PATIENCE_SECONDS, SECONDS));
      WorkflowException failure = assertInstanceOf(WorkflowException.class, e.getCause());
      assertInstanceOf(RejectedExecutionException.class, failure.getCause());
      assertEquals(2, failure.attempts());
      assertEquals(1, step.calls());
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void callFinishingAfterItsDeadlineFailsWithTheTimeoutEvenIfTheTimerIsLate() throws Exception {
    // A fixed pool queues the due deadline behind the step that holds its only thread, so the
    // timer fires only after the step. The step's late value must not win.
    ExecutorService pool = Executors.newFixedThreadPool(1);
    VirtualTime clock = new VirtualTime(); // only the clock: the timer is the real default one
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try {
      WorkflowContext context =
          WorkflowContext.create(
              "wf", WorkflowRuntime.builder().executor(pool).clock(clock).build());

      CompletableFuture<String> result =
          TimeoutPrimitive.of(stubborn(started, release), Duration.ofMillis(50))
              .execute("in", context);
      assertTrue(started.await(PATIENCE_SECONDS, SECONDS), "the step never ran");
      clock.advance(Duration.ofMillis(50)); // the deadline has passed on the runtime's clock
      release.countDown();

      assertInstanceOf(TimeoutException.class, failureWithin(result, PATIENCE_SECONDS));
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void fixedPoolOnTheRealClockStillFailsTheLateCall() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(1);
    AtomicLong armedBy = new AtomicLong(); // System.nanoTime() once execute() has returned
    CountDownLatch armed = new CountDownLatch(1);
    LambdaPrimitive<String, String> late =
        LambdaPrimitive.of(
            "late",
            (in, ctx) -> {
              while (true) {
                try {
                  if (armed.await(PATIENCE_SECONDS, SECONDS)) {
                    break;
                  }
                } catch (InterruptedException ignored) {
                  // carry on regardless
                }
              }
              // Busy past the deadline for sure, deaf to interrupts, holding the only thread.
              long until = armedBy.get() + Duration.ofMillis(200).toNanos();
              while (System.nanoTime() - until < 0) {
                Thread.onSpinWait();
              }
              return "late";
            });
    try {
      WorkflowContext context =
          WorkflowContext.create("wf", WorkflowRuntime.builder().executor(pool).build());

      CompletableFuture<String> result =
          TimeoutPrimitive.of(late, Duration.ofMillis(50)).execute("in", context);
      armedBy.set(System.nanoTime());
      armed.countDown();

      assertInstanceOf(TimeoutException.class, failureWithin(result, PATIENCE_SECONDS));
    } finally {
      armed.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void callFinishingBeforeItsDeadlineKeepsItsValueEvenIfTheTimerIsLate() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(1);
    VirtualTime clock = new VirtualTime();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try {
      WorkflowContext context =
          WorkflowContext.create(
              "wf", WorkflowRuntime.builder().executor(pool).clock(clock).build());

      CompletableFuture<String> result =
          TimeoutPrimitive.of(stubborn(started, release), Duration.ofSeconds(PATIENCE_SECONDS * 6))
              .execute("in", context);
      assertTrue(started.await(PATIENCE_SECONDS, SECONDS), "the step never ran");
      clock.advance(Duration.ofMillis(50));
      release.countDown();

      assertEquals("late", result.get(PATIENCE_SECONDS, SECONDS));
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void lateFailureIsReportedAsTheTimeout() {
    VirtualTime time = new VirtualTime();
    CompletableFuture<String> pending = new CompletableFuture<>();
    WorkflowPrimitive<String, String> step =
        AsyncTestPrimitive.async(LambdaPrimitive.<String, String>ofAsync("s", (in, c) -> pending));
    // A scheduler that never fires: only the finish time can tell the call was late.
    WorkflowRuntime runtime =
        WorkflowRuntime.builder()
            .clock(time)
            .scheduler((task, delay, unit) -> new VirtualTime().schedule(task, delay, unit))
            .build();

    CompletableFuture<String> result =
        TimeoutPrimitive.of(step, Duration.ofMillis(50))
            .execute("in", WorkflowContext.create("wf", runtime));
    time.advance(Duration.ofMillis(60));
    pending.completeExceptionally(new IOException("too late to matter"));

    assertInstanceOf(TimeoutException.class, failureWithin(result, 0));
  }
}

package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.testing.VirtualTime;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Later attempts of a blocking step run as isolated calls where the scheduler runs the retry:
 * cancelling the retry interrupts them, and virtual time stays deterministic.
 */
class RetryLaterAttemptCancellationTest {

  private static final long PATIENCE_SECONDS = 10;

  @Test
  void cancellingDuringABlockingLaterAttemptInterruptsIt() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch inSecond = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    LambdaPrimitive<String, String> step =
        LambdaPrimitive.of(
            "s",
            (in, ctx) -> {
              if (calls.incrementAndGet() == 1) {
                throw new IOException("first");
              }
              inSecond.countDown();
              try {
                new CountDownLatch(1).await(PATIENCE_SECONDS * 3, SECONDS);
              } catch (InterruptedException e) {
                interrupted.countDown();
              }
              return "ok";
            });
    RetryPrimitive<String, String> retry =
        RetryPrimitive.of(
            step,
            RetryPolicy.builder().maxAttempts(3).delay(Duration.ofMillis(10)).jitter(0).build());

    CompletableFuture<String> result = retry.execute("x", WorkflowContext.create("wf"));
    assertTrue(inSecond.await(PATIENCE_SECONDS, SECONDS), "no second attempt");
    assertTrue(result.cancel(true));

    assertTrue(
        interrupted.await(PATIENCE_SECONDS, SECONDS),
        "the attempt in flight ran on after the retry was cancelled");
    assertTrue(result.isCancelled());
    assertEquals(2, calls.get());
  }

  @Test
  void blockingLaterAttemptRunsWhereTheSchedulerRunsTheRetry() throws Exception {
    VirtualTime time = new VirtualTime(); // its tasks run on the thread that advances it
    AtomicInteger calls = new AtomicInteger();
    AtomicReference<Thread> secondRanOn = new AtomicReference<>();
    LambdaPrimitive<String, String> step =
        LambdaPrimitive.of(
            "s",
            (in, ctx) -> {
              if (calls.incrementAndGet() == 1) {
                throw new IOException("first");
              }
              secondRanOn.set(Thread.currentThread());
              return "ok";
            });
    RetryPrimitive<String, String> retry =
        RetryPrimitive.of(
            step,
            RetryPolicy.builder().maxAttempts(2).delay(Duration.ofMillis(10)).jitter(0).build());

    CompletableFuture<String> result =
        retry.execute("x", WorkflowContext.create("wf", time.runtime()));
    time.advance(Duration.ofMillis(10));

    // Deterministic under virtual time: no hand-off to another thread.
    assertEquals("ok", result.getNow(null));
    assertSame(Thread.currentThread(), secondRanOn.get());
  }

  @Test
  void blockingLaterAttemptCancelledDuringTheWaitNeverStarts() {
    VirtualTime time = new VirtualTime();
    AtomicInteger calls = new AtomicInteger();
    LambdaPrimitive<String, String> step =
        LambdaPrimitive.of(
            "s",
            (in, ctx) -> {
              calls.incrementAndGet();
              throw new IOException("down");
            });
    RetryPrimitive<String, String> retry =
        RetryPrimitive.of(
            step,
            RetryPolicy.builder().maxAttempts(5).delay(Duration.ofMillis(10)).jitter(0).build());

    CompletableFuture<String> result =
        retry.execute("x", WorkflowContext.create("wf", time.runtime()));
    assertTrue(result.cancel(true));
    time.advance(Duration.ofSeconds(1));

    assertEquals(1, calls.get());
    assertEquals(0, time.pendingTasks());
  }
}

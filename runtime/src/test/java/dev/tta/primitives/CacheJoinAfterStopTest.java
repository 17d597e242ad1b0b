package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A shared cached execution that has seen itself stopped (every caller waiting for it was in a
 * cancelled run) is no longer joined: a caller arriving afterwards starts afresh instead of
 * inheriting a cancellation it never asked for (seen in the cancel storm once its first steps
 * checked the run's scope).
 */
class CacheJoinAfterStopTest {

  private static final long PATIENCE_SECONDS = 10;

  @Test
  void aCallerArrivingAfterTheExecutionSawItselfStoppedStartsAfresh() throws Exception {
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch starterCancelled = new CountDownLatch(1);
    CountDownLatch sawStop = new CountDownLatch(1);
    CountDownLatch joinerArrived = new CountDownLatch(1);
    WorkflowListener arrivals =
        new WorkflowListener() {
          @Override
          public void onCacheHit(WorkflowContext context, String step) {
            arrived(context);
          }

          @Override
          public void onCacheMiss(WorkflowContext context, String step) {
            arrived(context);
          }

          private void arrived(WorkflowContext context) {
            if ("joiner".equals(context.metadata().get("who"))) {
              joinerArrived.countDown();
            }
          }
        };
    WorkflowRuntime runtime = WorkflowRuntime.builder().listener(arrivals).build();
    // The first execution's first step outlives its caller's cancel, then looks at its scope the
    // way every primitive does, waits until the second caller has found the cache entry, and
    // stops as a primitive would.
    LambdaPrimitive<String, String> probe =
        LambdaPrimitive.of(
            "probe",
            (in, ctx) -> {
              if (firstStarted.getCount() == 0) {
                return in; // the second execution, if there is one
              }
              firstStarted.countDown();
              await(starterCancelled, "the starter is cancelled");
              if (CancelScope.isCancelled(ctx.scope())) {
                sawStop.countDown();
                await(joinerArrived, "the joiner reaches the cache");
                // what a sequence, a retry or a branch does when its scope is stopped
                throw new CancellationException("stopped: nobody wants this execution");
              }
              return in;
            });
    CachePrimitive<String, String> cached =
        CachePrimitive.<String, String>builder(
                SequentialPrimitive.<String, String>ofUnchecked(
                    List.of(probe, LambdaPrimitive.of("echo", (String in) -> in))))
            .build(runtime);
    WorkflowRunner<String, String> workflow = WorkflowRunner.of("wf", cached, runtime);

    CompletableFuture<String> starter =
        workflow.runAsync(
            "k", WorkflowContext.create("wf", runtime).withMetadata("who", "starter"));
    await(firstStarted, "the shared execution runs");
    assertTrue(starter.cancel(true));
    starterCancelled.countDown();
    await(sawStop, "the execution sees that nobody wants it");
    CompletableFuture<String> joiner =
        workflow.runAsync("k", WorkflowContext.create("wf", runtime).withMetadata("who", "joiner"));

    assertEquals("k", joiner.get(PATIENCE_SECONDS, SECONDS));
    assertTrue(starter.isCancelled());
  }

  /** Waits for {@code latch}, deaf to interrupts (the starter's cancel interrupts the probe). */
  private static void await(CountDownLatch latch, String what) {
    long deadline = System.nanoTime() + SECONDS.toNanos(PATIENCE_SECONDS);
    while (true) {
      try {
        if (latch.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
          return;
        }
        throw new AssertionError("timed out waiting until " + what);
      } catch (InterruptedException ignored) {
        // carry on regardless
      }
    }
  }
}

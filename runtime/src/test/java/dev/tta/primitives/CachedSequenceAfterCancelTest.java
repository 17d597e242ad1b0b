package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A cached composition stops once every caller's run is cancelled, even while the cancel cannot
 * reach the caller's future yet: its next step does not start.
 */
class CachedSequenceAfterCancelTest {

  @Test
  void cancellingTheOnlyCallersRunStopsTheCachedSequence() throws Exception {
    WorkflowRuntime runtime = WorkflowRuntime.builder().build();
    CountDownLatch inA = new CountDownLatch(1);
    CountDownLatch releaseA = new CountDownLatch(1);
    CountDownLatch afterB = new CountDownLatch(1);
    AtomicBoolean bStarted = new AtomicBoolean();
    WorkflowRunner<String, String> workflow =
        WorkflowRunner.of(
            "W",
            CachePrimitive.builder(
                    SequentialPrimitive.of(
                        StepPrimitive.of(
                            "a",
                            LambdaPrimitive.of(
                                "a",
                                (String in) -> {
                                  inA.countDown();
                                  while (true) { // deaf to interrupts
                                    try {
                                      releaseA.await();
                                      return in;
                                    } catch (InterruptedException ignored) {
                                      // keep going
                                    }
                                  }
                                })),
                        StepPrimitive.of(
                            "b",
                            LambdaPrimitive.of(
                                "b",
                                (String in) -> {
                                  bStarted.set(true);
                                  afterB.countDown();
                                  return in;
                                }))))
                .build(runtime),
            runtime);
    CompletableFuture<String> run = workflow.runAsync("x");
    assertTrue(inA.await(5, SECONDS));
    run.cancel(true);
    releaseA.countDown();
    afterB.await(1, SECONDS);
    assertFalse(bStarted.get(), "step b started after cancel() of the only caller's run returned");
  }
}

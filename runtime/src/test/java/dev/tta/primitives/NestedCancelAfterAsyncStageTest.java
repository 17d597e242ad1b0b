package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A nested run() in a stage after an asynchronous stage is cancelled with its run. */
class NestedCancelAfterAsyncStageTest {

  @Test
  void cancellingTheOuterRunStopsTheNestedRunsNextStep() throws Exception {
    WorkflowRuntime runtime = WorkflowRuntime.defaults();
    CountDownLatch inA = new CountDownLatch(1);
    CountDownLatch releaseA = new CountDownLatch(1);
    AtomicBoolean bStarted = new AtomicBoolean();
    CountDownLatch innerDone = new CountDownLatch(1);
    WorkflowRunner<String, String> inner =
        WorkflowRunner.of(
            "inner",
            SequentialPrimitive.of(
                StepPrimitive.of(
                    "a",
                    LambdaPrimitive.of(
                        "a",
                        (String in) -> {
                          inA.countDown();
                          while (true) { // a step that finishes its work despite interrupts
                            try {
                              releaseA.await();
                              break;
                            } catch (InterruptedException e) {
                              System.err.println("a interrupted");
                            }
                          }
                          return in;
                        })),
                StepPrimitive.of(
                    "b",
                    LambdaPrimitive.of(
                        "b",
                        (String in) -> {
                          bStarted.set(true);
                          return in;
                        }))),
            runtime);
    WorkflowRunner<String, String> outer =
        WorkflowRunner.of(
            "outer",
            SequentialPrimitive.of(
                ParallelPrimitive.<String, String>of(
                    LambdaPrimitive.of(
                        "prep",
                        (String in) -> {
                          Thread.sleep(200);
                          return in;
                        })),
                StepPrimitive.of(
                    "call-inner",
                    LambdaPrimitive.of(
                        "call-inner",
                        (List<String> in) -> {
                          try {
                            return inner.run(in.get(0));
                          } finally {
                            innerDone.countDown();
                          }
                        }))),
            runtime);
    CompletableFuture<String> run = outer.runAsync("x");
    assertTrue(inA.await(5, SECONDS));
    run.cancel(true); // returns: from now on no step body may start
    releaseA.countDown();
    assertTrue(innerDone.await(5, SECONDS));
    assertFalse(bStarted.get(), "step b of the nested run started after cancel() returned");
  }
}

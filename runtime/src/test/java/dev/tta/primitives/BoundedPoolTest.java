package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * On a bounded pool that queues, nested workflows do not deadlock, and a deadline does not wait in
 * the pool's queue for a thread to free up.
 */
class BoundedPoolTest {

  private static final long PATIENCE_SECONDS = 20;

  private ExecutorService pool;
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void shutDown() {
    release.countDown();
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  // Issue 11, defect 3 (a): deadlock of nested workflows on a bounded pool.
  @Test
  void nestedWorkflowsUnderATimeoutCompleteOnAPoolOfTwo() throws Exception {
    pool = Executors.newFixedThreadPool(2);
    WorkflowRuntime runtime = WorkflowRuntime.builder().executor(pool).build();
    CountDownLatch bothOuterStepsRun = new CountDownLatch(2);
    WorkflowRunner<String, List<String>> inner =
        WorkflowRunner.of(
            "inner",
            ParallelPrimitive.<String, String>of(
                LambdaPrimitive.of("left", (String in) -> in + "-left"),
                LambdaPrimitive.of("right", (String in) -> in + "-right")),
            runtime);
    WorkflowRunner<String, List<String>> outer =
        WorkflowRunner.of(
            "outer",
            StepPrimitive.of(
                "outer",
                TimeoutPrimitive.of(
                    LambdaPrimitive.of(
                        "call-inner",
                        (String in) -> {
                          // Both outer steps hold a pool thread before either inner workflow
                          // starts its branches (the order in which the two runs deadlock).
                          bothOuterStepsRun.countDown();
                          bothOuterStepsRun.await(PATIENCE_SECONDS / 2, SECONDS);
                          return inner.run(in);
                        }),
                    Duration.ofSeconds(1))),
            runtime);

    CompletableFuture<List<String>> first = outer.runAsync("a");
    CompletableFuture<List<String>> second = outer.runAsync("b");

    assertEquals(List.of("a-left", "a-right"), valueWithin(first, "the first run"));
    assertEquals(List.of("b-left", "b-right"), valueWithin(second, "the second run"));
  }

  private static <T> T valueWithin(CompletableFuture<T> run, String which) throws Exception {
    try {
      return run.get(PATIENCE_SECONDS, SECONDS);
    } catch (TimeoutException e) {
      return fail(which + " did not complete within " + PATIENCE_SECONDS + " s (deadlock)");
    }
  }

  // Issue 11, defect 3 (b): a deadline waits in the pool's queue for a free thread.
  @Test
  void deadlineFiresWhileThePoolsOnlyThreadIsBusy() throws Exception {
    pool = Executors.newFixedThreadPool(1);
    CountDownLatch busy = new CountDownLatch(1);
    CountDownLatch busyDone = new CountDownLatch(1);
    pool.execute(
        () -> {
          busy.countDown();
          try {
            while (true) {
              try {
                if (release.await(PATIENCE_SECONDS * 3, SECONDS)) {
                  return;
                }
              } catch (InterruptedException ignored) {
                // deaf to interrupts until the test releases it
              }
            }
          } finally {
            busyDone.countDown();
          }
        });
    assertTrue(busy.await(PATIENCE_SECONDS, SECONDS), "the pool's thread never got busy");
    WorkflowRuntime runtime = WorkflowRuntime.builder().executor(pool).build();
    WorkflowRunner<String, String> workflow =
        WorkflowRunner.of(
            "W",
            StepPrimitive.of(
                "slow",
                TimeoutPrimitive.of(
                    LambdaPrimitive.of(
                        "slow",
                        (String in) -> {
                          release.await(PATIENCE_SECONDS * 3, SECONDS);
                          return in;
                        }),
                    Duration.ofMillis(200))),
            runtime);

    CompletableFuture<String> result = workflow.execute("x", WorkflowContext.create("W", runtime));
    Throwable failure;
    try {
      result.get(10, SECONDS);
      failure = null;
    } catch (ExecutionException e) {
      failure = e.getCause();
    } catch (TimeoutException e) {
      failure = fail("no timeout within 10 s while the pool's only thread was busy");
    }
    boolean stillBusy = busyDone.getCount() == 1;
    release.countDown();

    assertTrue(stillBusy, "the pool's thread was released before the deadline was heard of");
    if (failure instanceof WorkflowException) {
      failure = failure.getCause();
    }
    assertInstanceOf(TimeoutException.class, failure);
  }
}

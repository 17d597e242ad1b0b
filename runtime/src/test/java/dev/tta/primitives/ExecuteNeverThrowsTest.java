package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.testing.MockPrimitive;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/**
 * {@code execute} reports every failure through the returned future, also failures of the user's
 * input, stage, executor or scheduler; it never throws.
 */
class ExecuteNeverThrowsTest {

  private static final long PATIENCE_SECONDS = 10;

  private final WorkflowContext context = WorkflowContext.create("wf");

  private static Throwable failureOf(CompletableFuture<?> future) {
    assertTrue(future.isCompletedExceptionally(), "expected a failed future");
    return assertThrows(CompletionException.class, future::join).getCause();
  }

  private static WorkflowRuntime withBrokenScheduler(RuntimeException failure) {
    return WorkflowRuntime.builder()
        .scheduler(
            (task, delay, unit) -> {
              throw failure;
            })
        .build();
  }

  @Test
  void forEachOverAnIterableThatThrowsFails() {
    IllegalStateException vanished = new IllegalStateException("directory vanished");
    Iterable<String> broken =
        () ->
            new Iterator<String>() {
              @Override
              public boolean hasNext() {
                throw vanished;
              }

              @Override
              public String next() {
                throw new AssertionError("hasNext() threw");
              }
            };
    WorkflowPrimitive<Iterable<? extends String>, List<String>> each =
        ParallelPrimitive.forEach(MockPrimitive.<String, String>returning("r"), 2);

    // Named after the for-each's step, as its elements' failures are.
    WorkflowException failure =
        assertInstanceOf(WorkflowException.class, failureOf(each.execute(broken, context)));
    assertEquals("mock", failure.step());
    assertSame(vanished, failure.getCause());
  }

  @Test
  void asyncStepWhoseStageCannotBeConvertedFails() {
    LambdaPrimitive<String, String> step =
        LambdaPrimitive.ofAsync("s", (in, ctx) -> new ForeignStage<String>());

    assertInstanceOf(UnsupportedOperationException.class, failureOf(step.execute("x", context)));
  }

  @Test
  void timeoutWhoseSchedulerThrowsFailsAndStopsTheStartedWork() throws Exception {
    RejectedExecutionException shutDown = new RejectedExecutionException("scheduler shut down");
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    // The executor returns only once the step runs: the deadline is armed while it does.
    WorkflowRuntime runtime =
        WorkflowRuntime.builder()
            .executor(
                task -> {
                  Thread thread = new Thread(task, "step");
                  thread.setDaemon(true);
                  thread.start();
                  try {
                    started.await(PATIENCE_SECONDS, SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                })
            .scheduler(
                (task, delay, unit) -> {
                  throw shutDown;
                })
            .build();
    LambdaPrimitive<String, String> step =
        LambdaPrimitive.of(
            "s",
            (in, ctx) -> {
              started.countDown();
              try {
                new CountDownLatch(1).await(PATIENCE_SECONDS * 3, SECONDS);
              } catch (InterruptedException e) {
                interrupted.countDown();
              }
              return in;
            });

    CompletableFuture<String> result =
        TimeoutPrimitive.of(step, Duration.ofSeconds(1))
            .execute("x", WorkflowContext.create("wf", runtime));

    assertSame(shutDown, failureOf(result));
    assertTrue(
        interrupted.await(PATIENCE_SECONDS, SECONDS),
        "with no deadline armed, the started step was left running");
  }

  @Test
  void timeoutWhoseSchedulerThrowsCancelsPendingNonBlockingWork() {
    RejectedExecutionException shutDown = new RejectedExecutionException("scheduler shut down");
    WorkflowContext broken = WorkflowContext.create("wf", withBrokenScheduler(shutDown));
    CompletableFuture<String> pending = new CompletableFuture<>();
    WorkflowPrimitive<String, String> step =
        AsyncTestPrimitive.async(LambdaPrimitive.<String, String>ofAsync("s", (in, c) -> pending));

    CompletableFuture<String> result =
        TimeoutPrimitive.of(step, Duration.ofSeconds(1)).execute("x", broken);

    assertSame(shutDown, failureOf(result));
    assertTrue(pending.isCancelled());
  }

  @Test
  void delayedMockWhoseSchedulerThrowsFails() {
    RejectedExecutionException shutDown = new RejectedExecutionException("scheduler shut down");
    MockPrimitive<String, String> mock =
        MockPrimitive.<String, String>returning("v").withDelay(Duration.ofMillis(10));

    CompletableFuture<String> result =
        mock.execute("x", WorkflowContext.create("wf", withBrokenScheduler(shutDown)));

    assertSame(shutDown, failureOf(result));
  }

  @Test
  void isolatedStepWhoseExecutorThrowsFails() {
    IllegalStateException broken = new IllegalStateException("executor broken");
    WorkflowRuntime runtime =
        WorkflowRuntime.builder()
            .executor(
                task -> {
                  throw broken;
                })
            .build();
    WorkflowPrimitive<String, List<String>> parallel =
        ParallelPrimitive.of(List.of(LambdaPrimitive.<String, String>of("s", (String in) -> in)));

    // A refusal of the executor is the run's failure, named after the step it refused.
    WorkflowException branch =
        assertInstanceOf(
            WorkflowException.class,
            failureOf(parallel.execute("x", WorkflowContext.create("wf", runtime))));
    assertEquals("s", branch.step());
    assertSame(broken, branch.getCause());
    CompletableFuture<String> run =
        WorkflowRunner.of("wf", LambdaPrimitive.<String, String>of("s", (String in) -> in), runtime)
            .runAsync("x");
    WorkflowException whole = assertInstanceOf(WorkflowException.class, failureOf(run));
    assertEquals("wf", whole.workflow());
    assertSame(broken, whole.getCause());
  }

  /** A stage that cannot be turned into a CompletableFuture. */
  private static final class ForeignStage<T> extends CompletableFuture<T> {
    @Override
    public CompletableFuture<T> toCompletableFuture() {
      throw new UnsupportedOperationException("foreign stage");
    }
  }
}

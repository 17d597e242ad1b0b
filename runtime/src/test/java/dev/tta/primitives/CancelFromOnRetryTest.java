package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A listener may cancel the run it is told about, from {@code onRetry}, while a sibling branch
 * announces its own retry at the same moment: neither announcement may wait for the other (a retry
 * that held its lock while the other's cancel waited for it deadlocked both branches for good).
 */
class CancelFromOnRetryTest {

  private static final long PATIENCE_SECONDS = 20;

  @Test
  void blockingBranchesThatCancelTheirRunFromOnRetryAtOnceBothReturn() throws Exception {
    CountDownLatch bothStarted = new CountDownLatch(2);
    assertBothAnnounceAndReturn(
        policy ->
            ParallelPrimitive.<String, String>of(
                failingFirst("left", bothStarted, policy),
                failingFirst("right", bothStarted, policy)));
  }

  @Test
  void asyncBranchesThatCancelTheirRunFromOnRetryAtOnceBothReturn() throws Exception {
    // Each first attempt fails on a thread of its own once both are pending: the retries are
    // announced while the run's future already reaches each branch's retry.
    CountDownLatch bothPending = new CountDownLatch(2);
    assertBothAnnounceAndReturn(
        policy ->
            ParallelPrimitive.<String, String>of(
                failingFirstLater("left", bothPending, policy),
                failingFirstLater("right", bothPending, policy)));
  }

  private static void assertBothAnnounceAndReturn(
      Function<RetryPolicy, WorkflowPrimitive<String, ?>> branches) throws Exception {
    AtomicReference<CompletableFuture<?>> run = new AtomicReference<>();
    CountDownLatch published = new CountDownLatch(1);
    CyclicBarrier bothAnnouncing = new CyclicBarrier(2);
    CountDownLatch bothReturned = new CountDownLatch(2);
    WorkflowListener cancelsOnRetry =
        new WorkflowListener() {
          @Override
          public void onRetry(
              WorkflowContext context,
              String step,
              int nextAttempt,
              Throwable failure,
              Duration delay) {
            try {
              published.await(PATIENCE_SECONDS, SECONDS);
              bothAnnouncing.await(PATIENCE_SECONDS, SECONDS); // both are inside onRetry now
            } catch (Exception e) {
              // interrupted by the other's cancel, or the other never came: cancel all the same
            }
            run.get().cancel(true);
            bothReturned.countDown();
          }
        };
    WorkflowRuntime runtime = WorkflowRuntime.builder().listener(cancelsOnRetry).build();
    RetryPolicy policy =
        RetryPolicy.builder().maxAttempts(3).delay(Duration.ZERO).jitter(0).build();
    WorkflowRunner<String, ?> workflow = WorkflowRunner.of("wf", branches.apply(policy), runtime);

    run.set(workflow.runAsync("x"));
    published.countDown();

    CompletableFuture<?> result = run.get();
    try {
      result.handle((v, e) -> null).get(PATIENCE_SECONDS, SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(
          "the run did not end within " + PATIENCE_SECONDS + " s; threads:\n" + threadDump(), e);
    }
    assertTrue(result.isCancelled());
    assertThrows(CancellationException.class, result::join);
    assertTrue(bothReturned.await(PATIENCE_SECONDS, SECONDS), "both onRetry calls returned");
  }

  private static String threadDump() {
    StringBuilder dump = new StringBuilder();
    Thread.getAllStackTraces()
        .forEach(
            (thread, frames) -> {
              dump.append(thread.getName()).append(' ').append(thread.getState()).append('\n');
              for (StackTraceElement frame : frames) {
                dump.append("    at ").append(frame).append('\n');
              }
            });
    return dump.toString();
  }

  /** An async step whose first attempt fails, on a thread of its own, once both are pending. */
  private static WorkflowPrimitive<String, String> failingFirstLater(
      String name, CountDownLatch bothPending, RetryPolicy policy) {
    AtomicInteger attempts = new AtomicInteger();
    return StepPrimitive.of(
        name,
        RetryPrimitive.of(
            LambdaPrimitive.<String, String>ofAsync(
                name,
                (in, ctx) -> {
                  if (attempts.incrementAndGet() > 1) {
                    return CompletableFuture.completedFuture(in);
                  }
                  CompletableFuture<String> first = new CompletableFuture<>();
                  Thread failer =
                      new Thread(
                          () -> {
                            bothPending.countDown();
                            try {
                              bothPending.await(PATIENCE_SECONDS, SECONDS);
                            } catch (InterruptedException e) {
                              Thread.currentThread().interrupt();
                            }
                            first.completeExceptionally(
                                new IllegalStateException(name + " fails once"));
                          },
                          name + "-failer");
                  failer.setDaemon(true);
                  failer.start();
                  return first;
                }),
            policy));
  }

  /** A step whose first attempt fails once both branches are in it. */
  private static WorkflowPrimitive<String, String> failingFirst(
      String name, CountDownLatch bothStarted, RetryPolicy policy) {
    AtomicInteger attempts = new AtomicInteger();
    return StepPrimitive.of(
        name,
        RetryPrimitive.of(
            LambdaPrimitive.of(
                name,
                (String in) -> {
                  if (attempts.incrementAndGet() == 1) {
                    bothStarted.countDown();
                    bothStarted.await(PATIENCE_SECONDS, SECONDS);
                    throw new IllegalStateException(name + " fails once");
                  }
                  return in;
                }),
            policy));
  }
}

package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Cancelling a run during the first attempt of a retried blocking step makes no further attempt:
 * the interrupt that the cancel delivers ends the attempt, and its failure is the cancellation's
 * echo, not a reason to retry.
 */
class RetryStopsAfterCancelTest {

  private static final Duration PATIENCE = Duration.ofSeconds(20);

  private final QuiescentThreads threads = new QuiescentThreads(4);
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void shutDown() {
    release.countDown(); // an attempt that was never interrupted ends here
    threads.close();
  }

  // Issue 11, defect 2: retry after cancel.
  @Test
  void cancellingDuringTheFirstAttemptMakesNoFurtherAttempt() throws Exception {
    AtomicInteger entered = new AtomicInteger();
    CountDownLatch inFirstAttempt = new CountDownLatch(1);
    LambdaPrimitive<String, String> blocking =
        LambdaPrimitive.of(
            "s",
            (String in) -> {
              entered.incrementAndGet();
              inFirstAttempt.countDown();
              release.await(PATIENCE.toSeconds() * 3, SECONDS); // until interrupted
              return in;
            });
    RetryPolicy policy =
        RetryPolicy.builder().maxAttempts(6).delay(Duration.ZERO).jitter(0).build();
    List<Integer> retries = new CopyOnWriteArrayList<>();
    WorkflowListener listener =
        new WorkflowListener() {
          @Override
          public void onRetry(
              WorkflowContext context,
              String step,
              int nextAttempt,
              Throwable failure,
              Duration delay) {
            retries.add(nextAttempt);
          }
        };
    WorkflowRuntime runtime = threads.runtime().listener(listener).build();
    WorkflowRunner<String, String> workflow =
        WorkflowRunner.of("W", StepPrimitive.of("s", RetryPrimitive.of(blocking, policy)), runtime);

    CompletableFuture<String> run = workflow.runAsync("x");
    assertTrue(inFirstAttempt.await(PATIENCE.toSeconds(), SECONDS), "attempt 1 never started");
    run.cancel(true);
    assertTrue(threads.awaitQuiescence(PATIENCE), "the runtime's threads never went quiet");

    assertTrue(run.isCancelled());
    assertEquals(List.of(), retries, "onRetry events (next attempt numbers) after the cancel");
    assertEquals(1, entered.get(), "times the step body was entered");
  }
}

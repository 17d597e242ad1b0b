package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.testing.VirtualTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A for-each whose run was cancelled, or timed out, starts at most {@code maxConcurrency} further
 * elements, even while it is still starting elements inside the isolated call that the cancel (or
 * the deadline) reached.
 *
 * <p>The elements' futures are complete when the body returns them (work that finished at once), so
 * the for-each starts element after element in the loop of the thread that started it, inside the
 * call that was cancelled. The {@value #STARTED_BEFORE_STOP}th element waits until the test has
 * cancelled the run, so the stop always falls in the middle of the list.
 */
class ForEachStopsAfterCancelTest {

  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final int ELEMENTS = 100_000;
  private static final int CONCURRENCY = 4;
  private static final int STARTED_BEFORE_STOP = 1_000;

  private final QuiescentThreads threads = new QuiescentThreads(4);
  private final AtomicInteger starts = new AtomicInteger();
  private final CountDownLatch manyStarted = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);

  @AfterEach
  void shutDown() {
    stopped.countDown(); // never leave the waiting element behind
    threads.close();
  }

  /**
   * Items, then a for-each whose elements count their start; the {@value #STARTED_BEFORE_STOP}th
   * waits for the test to stop the run, deaf to the interrupt (which it passes on).
   */
  private WorkflowPrimitive<String, List<Integer>> itemsThenForEach() {
    WorkflowPrimitive<String, List<Integer>> items =
        StepPrimitive.of(
            "items",
            LambdaPrimitive.of(
                "items", (String in) -> IntStream.range(0, ELEMENTS).boxed().toList()));
    WorkflowPrimitive<Integer, Integer> element =
        StepPrimitive.of(
            "element",
            LambdaPrimitive.<Integer, Integer>ofAsync(
                "element",
                (i, ctx) -> {
                  if (starts.incrementAndGet() == STARTED_BEFORE_STOP) {
                    manyStarted.countDown();
                    awaitIgnoringInterrupts(stopped);
                  }
                  return CompletableFuture.completedFuture(i);
                }));
    return SequentialPrimitive.of(items, ParallelPrimitive.forEach(element, CONCURRENCY));
  }

  private static void awaitIgnoringInterrupts(CountDownLatch latch) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          latch.await(PATIENCE.toSeconds(), SECONDS);
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void awaitManyStarted() throws InterruptedException {
    assertTrue(
        manyStarted.await(PATIENCE.toSeconds(), SECONDS),
        "fewer than " + STARTED_BEFORE_STOP + " elements started");
  }

  private static void awaitArmed(VirtualTime time) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (time.pendingTasks() == 0) {
      assertTrue(System.nanoTime() < deadline, "the run's deadline was never armed");
      Thread.sleep(1); // no hook to wait on: the runtime arms it on its own thread
    }
  }

  private void awaitQuiescence() throws InterruptedException {
    assertTrue(threads.awaitQuiescence(PATIENCE), "the runtime's executor never went quiet");
  }

  // Issue 11, defect 1: for-each keeps going after cancel.
  @Test
  void cancellingTheRunStartsAtMostMaxConcurrencyFurtherElements() throws Exception {
    WorkflowRunner<String, List<Integer>> workflow =
        WorkflowRunner.of("W", itemsThenForEach(), threads.runtime().build());

    CompletableFuture<List<Integer>> run = workflow.runAsync("x");
    awaitManyStarted();
    run.cancel(true);
    int startsAtCancel = starts.get();
    stopped.countDown();
    awaitQuiescence();

    assertTrue(run.isCancelled());
    int further = starts.get() - startsAtCancel;
    assertTrue(
        further <= CONCURRENCY,
        further
            + " elements started after cancel() returned (of "
            + ELEMENTS
            + "), expected at most "
            + CONCURRENCY);
  }

  // Issue 11, defect 1: for-each keeps going after its run timed out.
  @Test
  void timingOutTheRunStartsAtMostMaxConcurrencyFurtherElements() throws Exception {
    VirtualTime time = new VirtualTime(); // the deadline passes when the test says so
    WorkflowRuntime runtime = threads.runtime().clock(time).scheduler(time).build();
    WorkflowRunner<String, List<Integer>> workflow =
        WorkflowRunner.of(
            "W", TimeoutPrimitive.of(itemsThenForEach(), Duration.ofMillis(100)), runtime);
    AtomicInteger startsAtFailure = new AtomicInteger(-1);

    CompletableFuture<List<Integer>> run = workflow.runAsync("x");
    run.whenComplete((value, error) -> startsAtFailure.set(starts.get()));
    awaitManyStarted();
    // The run's thread arms the deadline after it started the work, which may already have
    // started many elements: advanced before, time would leave the deadline in the future.
    awaitArmed(time);
    time.advance(Duration.ofMillis(100)); // the deadline fires on this thread
    ExecutionException failure =
        assertThrows(ExecutionException.class, () -> run.get(PATIENCE.toSeconds(), SECONDS));
    stopped.countDown();
    awaitQuiescence();

    WorkflowException error = assertInstanceOf(WorkflowException.class, failure.getCause());
    assertInstanceOf(TimeoutException.class, error.getCause());
    int further = starts.get() - startsAtFailure.get();
    assertTrue(
        further <= CONCURRENCY,
        further
            + " elements started after the run had timed out (of "
            + ELEMENTS
            + "), expected at most "
            + CONCURRENCY);
  }
}

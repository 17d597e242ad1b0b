package dev.tta.primitives.stress;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tta.primitives.LambdaPrimitive;
import dev.tta.primitives.ParallelPrimitive;
import dev.tta.primitives.SequentialPrimitive;
import dev.tta.primitives.StepPrimitive;
import dev.tta.primitives.TimeoutPrimitive;
import dev.tta.primitives.WorkflowPrimitive;
import dev.tta.primitives.WorkflowRunner;
import dev.tta.primitives.WorkflowRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * (a) A for-each over 100,000 elements that is stopped part-way, by {@code cancel()} or by a
 * timeout around the whole sequence: once the caller's future is cancelled or failed, at most
 * {@code maxConcurrency} element bodies may still start (those being started at that moment).
 */
class CancelledForEachStressTest {

  private static final int ELEMENTS = 100_000;
  private static final int MAX_CONCURRENCY = 4;

  private static final long PATIENCE_MILLIS = 20_000;

  /** One run's element bodies: counts their starts, signals when {@code signalAt} started. */
  private static final class Probe {
    final AtomicInteger starts = new AtomicInteger();
    final CountDownLatch reached = new CountDownLatch(1);
    private final int signalAt;
    private final StressPools pools;
    private final long elementMicros;

    /** Each element's future completes {@code elementMicros} after its body started, on io. */
    Probe(int signalAt, StressPools pools, long elementMicros) {
      this.signalAt = signalAt;
      this.pools = pools;
      this.elementMicros = elementMicros;
    }

    /** produce n elements, then a for-each over them with at most 4 in flight. */
    SequentialPrimitive<Integer, List<Integer>> sequence() {
      WorkflowPrimitive<Integer, List<Integer>> produce =
          StepPrimitive.of(
              "produce",
              LambdaPrimitive.of(
                  "produce",
                  (Integer n) -> {
                    List<Integer> items = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                      items.add(i);
                    }
                    return items;
                  }));
      WorkflowPrimitive<Iterable<? extends Integer>, List<Integer>> each =
          ParallelPrimitive.forEach(
              StepPrimitive.of(
                  "element",
                  LambdaPrimitive.<Integer, Integer>ofAsync(
                      "element",
                      (x, ctx) -> {
                        if (starts.incrementAndGet() == signalAt) {
                          reached.countDown();
                        }
                        return pools.completeSoon(() -> x, elementMicros);
                      })),
              MAX_CONCURRENCY);
      return SequentialPrimitive.<Integer, List<Integer>, List<Integer>>of(produce, each);
    }
  }

  // Issue 11, defect 1: a cancelled for-each kept starting elements.
  @Test
  void cancelledForEachStartsAtMostMaxConcurrencyElementsAfterCancelReturned() throws Exception {
    int runs = StressScale.pick(40, 400);
    SplittableRandom random = new SplittableRandom(1);
    int worstAfter = 0;
    long totalAfter = 0;
    long totalBefore = 0;
    int finishedFirst = 0;
    List<String> violations = new ArrayList<>();
    long start = System.nanoTime();
    try (StressPools pools = new StressPools("a-cancel", 1_000)) {
      WorkflowRuntime runtime = pools.runtime();
      for (int r = 0; r < runs; r++) {
        // A quarter of the runs are cancelled while the first elements start (the run's own
        // thread may still be starting them), the others once the for-each is well under way.
        int cancelAfter =
            1 + (r % 4 == 3 ? random.nextInt(MAX_CONCURRENCY) : random.nextInt(2_000));
        Probe probe = new Probe(cancelAfter, pools, r % 3 == 2 ? 100 : 0);
        WorkflowRunner<Integer, List<Integer>> runner =
            WorkflowRunner.of("cancelledForEach", probe.sequence(), runtime);

        CompletableFuture<List<Integer>> run = runner.runAsync(ELEMENTS);
        if (!probe.reached.await(PATIENCE_MILLIS, TimeUnit.MILLISECONDS)) {
          fail(
              "run "
                  + r
                  + ": only "
                  + probe.starts.get()
                  + " of "
                  + cancelAfter
                  + " element bodies started within "
                  + PATIENCE_MILLIS
                  + " ms; run done: "
                  + run.isDone());
        }
        boolean cancelled = run.cancel(r % 2 == 0);
        int atCancel = probe.starts.get(); // read after cancel() returned
        if (!cancelled || !run.isCancelled()) {
          // On a machine busy enough to hold this thread back for the whole for-each (100,000
          // quick elements take about a second), the run may end before the cancel: that is
          // no violation if it ended with every element's value; anything else is.
          List<Integer> value = run.handle((v, e) -> e == null ? v : null).join();
          if (value == null || value.size() != ELEMENTS) {
            fail(
                "run "
                    + r
                    + ": cancel() did not cancel it; it ended "
                    + run.handle((v, e) -> e == null ? v.size() + " values" : Stress.describe(e))
                        .join());
          }
          finishedFirst++;
          continue;
        }
        if (!pools.awaitIdle(PATIENCE_MILLIS)) {
          fail(
              "run "
                  + r
                  + ": the pools did not go idle within "
                  + PATIENCE_MILLIS
                  + " ms of cancel(); "
                  + pools.pending()
                  + " tasks pending, "
                  + (probe.starts.get() - atCancel)
                  + " element bodies started after cancel() returned");
        }
        int after = probe.starts.get() - atCancel;
        totalBefore += atCancel;
        totalAfter += after;
        worstAfter = Math.max(worstAfter, after);
        if (after > MAX_CONCURRENCY) {
          violations.add(
              "run " + r + ": " + after + " started after cancel() (" + atCancel + " before)");
        }
      }
    }
    Stress.print(
        "a",
        "cancel: %d runs of a %d-element for-each (max %d in flight), cancelled after %d element"
            + " starts on average (%d finished before their cancel); element starts after cancel()"
            + " returned: max %d, total %d; %d runs over the bound; %d ms",
        runs,
        ELEMENTS,
        MAX_CONCURRENCY,
        totalBefore / Math.max(1, runs - finishedFirst),
        finishedFirst,
        worstAfter,
        totalAfter,
        violations.size(),
        Stress.millisSince(start));
    assertTrue(
        violations.isEmpty(),
        violations.size()
            + " of "
            + runs
            + " cancelled runs started more than "
            + MAX_CONCURRENCY
            + " element bodies after cancel() returned (worst "
            + worstAfter
            + "): "
            + first(violations));
  }

  // Issue 11, defect 1: a for-each kept starting elements after its run timed out.
  @Test
  void forEachEndedByATimeoutStartsAtMostMaxConcurrencyElementsAfterTheCallerFailed()
      throws Exception {
    int runs = StressScale.pick(40, 400);
    SplittableRandom random = new SplittableRandom(2);
    int worstAfter = 0;
    long totalAfter = 0;
    long totalBefore = 0;
    int timedOut = 0;
    int finishedFirst = 0;
    int beforeAnyElement = 0;
    List<String> violations = new ArrayList<>();
    long start = System.nanoTime();
    try (StressPools pools = new StressPools("a-timeout", 1_000)) {
      WorkflowRuntime runtime = pools.runtime();
      for (int r = 0; r < runs; r++) {
        // Mostly while the for-each runs; a few around the end of "produce" and the first starts.
        long timeoutMillis = r % 4 == 3 ? 1 + random.nextInt(5) : 10 + random.nextInt(60);
        Probe probe = new Probe(-1, pools, r % 3 == 2 ? 100 : 0);
        WorkflowRunner<Integer, List<Integer>> runner =
            WorkflowRunner.of(
                "timedOutForEach",
                TimeoutPrimitive.of(probe.sequence(), Duration.ofMillis(timeoutMillis)),
                runtime);

        AtomicInteger atEnd = new AtomicInteger(-1);
        CountDownLatch ended = new CountDownLatch(1);
        CompletableFuture<List<Integer>> run = runner.runAsync(ELEMENTS);
        // Runs the moment the caller's future completes (or at once if it already has).
        CompletableFuture<Throwable> outcome =
            run.handle(
                (value, error) -> {
                  atEnd.set(probe.starts.get());
                  ended.countDown();
                  return error;
                });
        if (!ended.await(PATIENCE_MILLIS, TimeUnit.MILLISECONDS)) {
          fail(
              "run "
                  + r
                  + ": the caller's future did not complete within "
                  + PATIENCE_MILLIS
                  + " ms of a "
                  + timeoutMillis
                  + " ms timeout; "
                  + probe.starts.get()
                  + " element bodies started");
        }
        Throwable error = outcome.join();
        if (error == null) {
          finishedFirst++; // all elements done before the deadline: nothing to check
          continue;
        }
        if (!Stress.hasCause(error, TimeoutException.class)) {
          violations.add(
              "run " + r + ": failed with " + Stress.describe(error) + ", not a timeout");
          continue;
        }
        timedOut++;
        if (!pools.awaitIdle(PATIENCE_MILLIS)) {
          fail(
              "run "
                  + r
                  + ": the pools did not go idle within "
                  + PATIENCE_MILLIS
                  + " ms of the timeout; "
                  + pools.pending()
                  + " tasks pending, "
                  + (probe.starts.get() - atEnd.get())
                  + " element bodies started after the caller's future failed");
        }
        int before = atEnd.get();
        int after = probe.starts.get() - before;
        if (before == 0) {
          beforeAnyElement++;
        }
        totalBefore += before;
        totalAfter += after;
        worstAfter = Math.max(worstAfter, after);
        if (after > MAX_CONCURRENCY) {
          violations.add(
              "run "
                  + r
                  + " ("
                  + timeoutMillis
                  + " ms): "
                  + after
                  + " started after the caller's future failed ("
                  + before
                  + " before)");
        }
      }
    }
    Stress.print(
        "a",
        "timeout: %d runs of a %d-element for-each under a 1-69 ms timeout: %d timed out (%d"
            + " before any element), %d finished first; %d element starts on average before the"
            + " caller's future failed; starts after it: max %d, total %d; %d runs wrong; %d ms",
        runs,
        ELEMENTS,
        timedOut,
        beforeAnyElement,
        finishedFirst,
        timedOut == 0 ? 0 : totalBefore / timedOut,
        worstAfter,
        totalAfter,
        violations.size(),
        Stress.millisSince(start));
    assertTrue(
        violations.isEmpty(),
        violations.size()
            + " of "
            + runs
            + " runs ended by the timeout went wrong (worst: "
            + worstAfter
            + " element bodies started after the caller's future failed; bound "
            + MAX_CONCURRENCY
            + "): "
            + first(violations));
    assertTrue(
        timedOut > beforeAnyElement,
        "no run timed out while its for-each ran: the scenario checked nothing");
  }

  static String first(List<String> items) {
    return items.size() <= 5 ? items.toString() : items.subList(0, 5) + " ...";
  }
}

package dev.tta.primitives.stress;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.CircuitBreakerPolicy;
import dev.tta.primitives.CircuitBreakerPrimitive;
import dev.tta.primitives.CircuitBreakerStats;
import dev.tta.primitives.CircuitState;
import dev.tta.primitives.LambdaPrimitive;
import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowPrimitive;
import dev.tta.primitives.testing.VirtualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * (h, races) Two races the circuit breaker's closed window once had, which the phases of scenario
 * (h) are too coarse to meet, provoked here with two threads racing on one breaker as often as the
 * time budget allows. Both failed before the window was put under a lock (3 hits in 2.5 s and 10 s
 * at full scale):
 *
 * <ol>
 *   <li>A missed opening: a failure that drew an index below {@code minimumCalls} but added itself
 *       to the failure count only after the call that brought the window to {@code minimumCalls} (a
 *       success) had read that count found "fewer than minimumCalls kept" and did not look; the
 *       breaker stayed closed with its failure rate at the threshold.
 *   <li>A torn snapshot: {@code stats()} read the calls recorded and the failures one after the
 *       other, so failures recorded in between gave {@code failedCalls > calls}.
 * </ol>
 */
class CircuitBreakerRacesStressTest {

  private static final long BUDGET_MILLIS = StressScale.pick(1_500, 20_000); // per test
  private static final int HITS = 3; // the figures show the first few

  /** Succeeds on the multiples of {@code every}, fails on the other inputs. */
  private static WorkflowPrimitive<Integer, Integer> succeedingEvery(int every) {
    return LambdaPrimitive.of(
        "backend",
        (Integer v) -> {
          if (v % every != 0) {
            throw new InjectedFault("call " + v);
          }
          return v;
        });
  }

  @Test
  void aFailureAndASuccessReachingMinimumCallsAtOnceAlwaysOpenTheBreaker() throws Exception {
    // Two calls make the minimum, and one failure of two is the threshold: one failing and one
    // succeeding call at once must leave the breaker open, whichever comes first.
    CircuitBreakerPolicy policy =
        CircuitBreakerPolicy.builder()
            .failureRate(0.5)
            .window(2)
            .minimumCalls(2)
            .openFor(Duration.ofSeconds(30))
            .halfOpenCalls(1)
            .build();
    WorkflowContext context = WorkflowContext.create("race", new VirtualTime().runtime());
    WorkflowPrimitive<Integer, Integer> backend = succeedingEvery(2);
    AtomicReference<CircuitBreakerPrimitive<Integer, Integer>> current = new AtomicReference<>();
    CyclicBarrier go = new CyclicBarrier(2);
    CyclicBarrier done = new CyclicBarrier(2);
    AtomicBoolean stop = new AtomicBoolean();
    Thread failing =
        new Thread(
            () -> {
              try {
                while (true) {
                  go.await(30, TimeUnit.SECONDS);
                  if (stop.get()) {
                    return;
                  }
                  current.get().execute(1, context); // fails
                  done.await(30, TimeUnit.SECONDS);
                }
              } catch (Exception e) {
                // the main thread reports a broken barrier
              }
            },
            "h-race-failing");
    failing.setDaemon(true);
    failing.start();
    List<String> hits = new ArrayList<>();
    long trials = 0;
    long start = System.nanoTime();
    try {
      while (hits.size() < HITS && Stress.millisSince(start) < BUDGET_MILLIS) {
        CircuitBreakerPrimitive<Integer, Integer> breaker =
            CircuitBreakerPrimitive.of(backend, policy);
        current.set(breaker);
        go.await(30, TimeUnit.SECONDS);
        breaker.execute(0, context); // succeeds, at the same moment
        done.await(30, TimeUnit.SECONDS);
        trials++;
        CircuitBreakerStats stats = breaker.stats();
        if (stats.state() == CircuitState.CLOSED) {
          hits.add("trial " + trials + ": " + stats);
        }
      }
    } finally {
      stop.set(true);
      go.reset();
    }
    Stress.print(
        "h races",
        "minimumCalls 2, rate 0.5, a failure and a success at once on a fresh breaker: %d trials,"
            + " %d left it closed at 1 failure of 2 (first %s); %d ms",
        trials,
        hits.size(),
        hits.isEmpty() ? "-" : hits.get(0),
        Stress.millisSince(start));
    assertTrue(
        hits.isEmpty(),
        "the breaker stayed closed with its failure rate at the"
            + " threshold and minimumCalls kept, in "
            + hits.size()
            + " of "
            + trials
            + " trials: "
            + hits);
  }

  @Test
  void aSnapshotWhileTheWindowFillsNeverCountsMoreFailuresThanCalls() throws Exception {
    int window = StressScale.pick(400_000, 4_000_000); // every snapshot is taken while it fills
    CircuitBreakerPolicy policy =
        CircuitBreakerPolicy.builder()
            .failureRate(1.0) // never reached: one call in 100 succeeds
            .window(window)
            .minimumCalls(window)
            .openFor(Duration.ofSeconds(30))
            .halfOpenCalls(1)
            .build();
    WorkflowContext context = WorkflowContext.create("race", new VirtualTime().runtime());
    WorkflowPrimitive<Integer, Integer> backend = succeedingEvery(100);
    List<String> hits = new ArrayList<>();
    long reads = 0;
    long calls = 0;
    long start = System.nanoTime();
    while (hits.size() < HITS && Stress.millisSince(start) < BUDGET_MILLIS) {
      CircuitBreakerPrimitive<Integer, Integer> breaker =
          CircuitBreakerPrimitive.of(backend, policy);
      int perCaller = window / 3;
      List<Thread> callers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        Thread caller =
            new Thread(
                () -> {
                  for (int i = 0; i < perCaller; i++) {
                    breaker.execute(i, context);
                  }
                },
                "h-race-caller-" + t);
        caller.setDaemon(true);
        callers.add(caller);
        caller.start();
      }
      while (callers.get(0).isAlive() || callers.get(1).isAlive()) {
        CircuitBreakerStats stats = breaker.stats();
        reads++;
        if (stats.failedCalls() > stats.calls() || stats.failureRate() > 1.0) {
          if (hits.size() < HITS) {
            hits.add(stats.toString());
          }
        }
      }
      for (Thread caller : callers) {
        caller.join(30_000);
      }
      calls += 2L * perCaller;
    }
    Stress.print(
        "h races",
        "window %d filling, 2 threads calling (99 in 100 failing) and 1 taking snapshots: %d calls,"
            + " %d snapshots, %d with failedCalls > calls (first %s); %d ms",
        window,
        calls,
        reads,
        hits.size(),
        hits.isEmpty() ? "-" : hits.get(0),
        Stress.millisSince(start));
    assertTrue(
        hits.isEmpty(),
        "stats() gave "
            + hits.size()
            + " snapshots with more failed calls than calls, of "
            + reads
            + ": "
            + hits);
  }
}

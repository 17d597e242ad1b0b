package dev.tta.primitives.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tta.primitives.CachePrimitive;
import dev.tta.primitives.FallbackPrimitive;
import dev.tta.primitives.LambdaPrimitive;
import dev.tta.primitives.ParallelPrimitive;
import dev.tta.primitives.RetryPolicy;
import dev.tta.primitives.RetryPrimitive;
import dev.tta.primitives.SequentialPrimitive;
import dev.tta.primitives.StepPrimitive;
import dev.tta.primitives.TimeoutPrimitive;
import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowException;
import dev.tta.primitives.WorkflowListener;
import dev.tta.primitives.WorkflowPrimitive;
import dev.tta.primitives.WorkflowRunner;
import dev.tta.primitives.WorkflowRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * (e) Many runs of one workflow with every primitive in it and faults injected by plan: failures
 * that retries absorb or that exhaust them, failures retries abort on, calls that never answer and
 * time out, failures a fallback covers, parallel stages, a for-each and a cache. Each run completes
 * exactly once with the planned value or the planned failure; each step body runs as often as the
 * plan says; the events match; and the runtime's threads go back to their baseline.
 */
class MixedFaultsStressTest {

  private static final int IN_FLIGHT = 256;
  private static final int MAX_ATTEMPTS = 3;
  private static final Duration SLOW_TIMEOUT = Duration.ofMillis(500);
  private static final long PATIENCE_MILLIS = 30_000;
  private static final long KEEP_ALIVE_MILLIS = 200;

  private enum Outcome {
    VALUE,
    RETRIES_EXHAUSTED,
    ABORTED,
    TIMED_OUT,
    UNEXPECTED
  }

  /** The faults planned for each run. */
  private static final class Plan {
    final int[] fetchFailures; // failing attempts of "fetch" before it succeeds
    final boolean[] fatal; // "fetch" fails with a FatalFault, which is not retried
    final boolean[] hang; // "slow" never answers and times out
    final boolean[] primaryFails; // "finish" fails and its fallback answers

    Plan(int runs, long seed) {
      fetchFailures = new int[runs];
      fatal = new boolean[runs];
      hang = new boolean[runs];
      primaryFails = new boolean[runs];
      SplittableRandom random = new SplittableRandom(seed);
      for (int i = 0; i < runs; i++) {
        int dice = random.nextInt(100);
        fetchFailures[i] = dice < 75 ? 0 : dice < 87 ? 1 : dice < 93 ? 2 : dice < 97 ? 3 : 0;
        fatal[i] = dice >= 97;
        hang[i] = random.nextInt(100) < 2;
        primaryFails[i] = random.nextInt(100) < 20;
      }
    }

    Outcome outcome(int i) {
      if (fatal[i]) {
        return Outcome.ABORTED;
      }
      if (fetchFailures[i] >= MAX_ATTEMPTS) {
        return Outcome.RETRIES_EXHAUSTED;
      }
      return hang[i] ? Outcome.TIMED_OUT : Outcome.VALUE;
    }

    int fetchAttempts(int i) {
      return fatal[i] ? 1 : Math.min(fetchFailures[i] + 1, MAX_ATTEMPTS);
    }

    int retries(int i) {
      return fatal[i] ? 0 : Math.min(fetchFailures[i], MAX_ATTEMPTS - 1);
    }

    static long value(int i, boolean primaryFails) {
      long v = 2L * i; // fetch
      v = v + 1; // slow
      v = 3 * v + (v + 7); // fan, combine
      v = 2 * (v + (v + 1) + (v + 2)); // split, each, sum
      v = v + ((v % 64) * (v % 64) + 1); // cached lookup, mix
      return primaryFails ? v + 11 : v + 5; // finish, or its fallback
    }
  }

  private static int runOf(WorkflowContext context) {
    return Integer.parseInt(context.metadata().get("run"));
  }

  // Issue 11: what held must keep holding (nothing lost or duplicated; threads back to baseline).
  @Test
  void everyRunEndsOnceAsPlannedAndThePoolGoesBackToItsBaseline() throws Exception {
    int runs = StressScale.pick(15_000, 200_000);
    Plan plan = new Plan(runs, 7);
    AtomicIntegerArray fetchCalls = new AtomicIntegerArray(runs);
    AtomicIntegerArray splitCalls = new AtomicIntegerArray(runs);
    AtomicIntegerArray finishCalls = new AtomicIntegerArray(runs);
    AtomicIntegerArray completions = new AtomicIntegerArray(runs);
    AtomicIntegerArray endEvents = new AtomicIntegerArray(runs);
    LongAdder retryEvents = new LongAdder();
    LongAdder timeoutEvents = new LongAdder();
    LongAdder fallbackEvents = new LongAdder();
    Map<Outcome, LongAdder> outcomes = new ConcurrentHashMap<>();
    List<String> wrong = new ArrayList<>();
    LongAdder wrongCount = new LongAdder();
    WorkflowListener events =
        new WorkflowListener() {
          @Override
          public void onWorkflowSuccess(WorkflowContext context, Duration elapsed) {
            endEvents.incrementAndGet(runOf(context));
          }

          @Override
          public void onWorkflowFailure(
              WorkflowContext context, Throwable failure, Duration elapsed) {
            endEvents.incrementAndGet(runOf(context));
          }

          @Override
          public void onRetry(
              WorkflowContext context, String step, int next, Throwable failure, Duration delay) {
            retryEvents.increment();
          }

          @Override
          public void onTimeout(WorkflowContext context, String step, Duration timeout) {
            timeoutEvents.increment();
          }

          @Override
          public void onFallback(WorkflowContext context, String step, Throwable cause) {
            fallbackEvents.increment();
          }
        };

    long start;
    long elapsedMillis;
    int baseline;
    int largest;
    int poolAfter;
    int activeAfter;
    try (StressPools pools = new StressPools("e", KEEP_ALIVE_MILLIS)) {
      ThreadPoolExecutor workers = pools.workers();
      baseline = workers.getPoolSize();
      WorkflowRuntime runtime = pools.runtime(events);

      RetryPolicy policy =
          RetryPolicy.builder()
              .maxAttempts(MAX_ATTEMPTS)
              .delay(Duration.ofMillis(1))
              .backoff(1)
              .jitter(0)
              .retryOn(InjectedFault.class)
              .abortOn(FatalFault.class)
              .build();
      WorkflowPrimitive<Long, Long> fetch =
          StepPrimitive.of(
              "fetch",
              RetryPrimitive.of(
                  TimeoutPrimitive.of(
                      LambdaPrimitive.<Long, Long>ofAsync(
                          "fetch",
                          (v, ctx) -> {
                            int run = runOf(ctx);
                            int attempt = fetchCalls.incrementAndGet(run);
                            if (plan.fatal[run]) {
                              return pools.failSoon(new FatalFault("run " + run), 50);
                            }
                            if (attempt <= plan.fetchFailures[run]) {
                              return pools.failSoon(new InjectedFault("attempt " + attempt), 50);
                            }
                            return pools.completeSoon(() -> 2 * v, 50);
                          }),
                      Duration.ofSeconds(5)),
                  policy));
      WorkflowPrimitive<Long, Long> slow =
          StepPrimitive.of(
              "slow",
              TimeoutPrimitive.of(
                  LambdaPrimitive.<Long, Long>ofAsync(
                      "slow",
                      (v, ctx) ->
                          plan.hang[runOf(ctx)]
                              ? new CompletableFuture<>() // never answers
                              : pools.completeSoon(() -> v + 1, 20)),
                  SLOW_TIMEOUT));
      WorkflowPrimitive<Long, List<Long>> fan =
          StepPrimitive.of(
              "fan",
              ParallelPrimitive.<Long, Long>of(
                  LambdaPrimitive.of("triple", (Long v) -> 3 * v),
                  LambdaPrimitive.<Long, Long>ofAsync(
                      "plusSeven", (v, ctx) -> pools.completeSoon(() -> v + 7, 0))));
      WorkflowPrimitive<List<Long>, Long> combine =
          StepPrimitive.of(
              "combine", LambdaPrimitive.of("combine", (List<Long> l) -> l.get(0) + l.get(1)));
      WorkflowPrimitive<Long, List<Long>> split =
          StepPrimitive.of(
              "split",
              LambdaPrimitive.<Long, List<Long>>of(
                  "split",
                  (v, ctx) -> {
                    splitCalls.incrementAndGet(runOf(ctx));
                    return List.of(v, v + 1, v + 2);
                  }));
      WorkflowPrimitive<Iterable<? extends Long>, List<Long>> each =
          ParallelPrimitive.forEach(
              StepPrimitive.of(
                  "double",
                  LambdaPrimitive.<Long, Long>ofAsync(
                      "double", (x, ctx) -> pools.completeSoon(() -> 2 * x, 0))),
              2);
      WorkflowPrimitive<List<Long>, Long> sum =
          StepPrimitive.of(
              "sum",
              LambdaPrimitive.of(
                  "sum", (List<Long> l) -> l.stream().mapToLong(Long::longValue).sum()));
      CachePrimitive<Long, Long> cache =
          CachePrimitive.<Long, Long>builder(
                  LambdaPrimitive.<Long, Long>ofAsync(
                      "lookup",
                      (v, ctx) -> {
                        long k = v % 64;
                        return pools.completeSoon(() -> k * k + 1, 20);
                      }))
              .key(v -> v % 64)
              .ttl(Duration.ofMillis(5))
              .build(runtime);
      WorkflowPrimitive<Long, List<Long>> cached =
          StepPrimitive.of(
              "cached",
              ParallelPrimitive.<Long, Long>of(
                  StepPrimitive.of("lookup", cache),
                  LambdaPrimitive.<Long, Long>ofAsync(
                      "same", (v, ctx) -> CompletableFuture.completedFuture(v))));
      WorkflowPrimitive<List<Long>, Long> mix =
          StepPrimitive.of("mix", LambdaPrimitive.of("mix", (List<Long> l) -> l.get(0) + l.get(1)));
      WorkflowPrimitive<Long, Long> finish =
          StepPrimitive.of(
              "finish",
              FallbackPrimitive.<Long, Long>builder(
                      LambdaPrimitive.<Long, Long>ofAsync(
                          "finish",
                          (v, ctx) -> {
                            int run = runOf(ctx);
                            finishCalls.incrementAndGet(run);
                            return plan.primaryFails[run]
                                ? pools.failSoon(new InjectedFault("finish"), 20)
                                : pools.completeSoon(() -> v + 5, 20);
                          }))
                  .applyOn(InjectedFault.class)
                  .to(
                      LambdaPrimitive.<Long, Long>ofAsync(
                          "lastKnown", (v, ctx) -> pools.completeSoon(() -> v + 11, 20))));
      WorkflowRunner<Long, Long> workflow =
          WorkflowRunner.of(
              "mixed",
              SequentialPrimitive.<Long, Long>ofUnchecked(
                  List.of(fetch, slow, fan, combine, split, each, sum, cached, mix, finish)),
              runtime);

      Semaphore slots = new Semaphore(IN_FLIGHT);
      start = System.nanoTime();
      for (int n = 0; n < runs; n++) {
        if (!slots.tryAcquire(PATIENCE_MILLIS, TimeUnit.MILLISECONDS)) {
          fail(
              "stalled: "
                  + IN_FLIGHT
                  + " runs in flight and none ended within "
                  + PATIENCE_MILLIS
                  + " ms; "
                  + n
                  + " of "
                  + runs
                  + " started, "
                  + outcomes
                  + " ended");
        }
        int i = n;
        WorkflowContext context =
            WorkflowContext.create("mixed", runtime).withMetadata("run", Integer.toString(i));
        workflow
            .runAsync((long) i, context)
            .whenComplete(
                (value, error) -> {
                  completions.incrementAndGet(i);
                  Outcome actual = classify(value, error);
                  boolean primaryFails = plan.primaryFails[i];
                  Outcome planned = plan.outcome(i);
                  boolean right =
                      actual == planned
                          && (actual != Outcome.VALUE || value == Plan.value(i, primaryFails));
                  outcomes.computeIfAbsent(actual, k -> new LongAdder()).increment();
                  if (!right) {
                    wrongCount.increment();
                    synchronized (wrong) {
                      if (wrong.size() < 10) {
                        wrong.add(
                            "run "
                                + i
                                + ": planned "
                                + planned
                                + (planned == Outcome.VALUE
                                    ? " " + Plan.value(i, primaryFails)
                                    : "")
                                + ", got "
                                + (error == null ? value : Stress.describe(error)));
                      }
                    }
                  }
                  slots.release();
                });
      }
      if (!slots.tryAcquire(IN_FLIGHT, PATIENCE_MILLIS, TimeUnit.MILLISECONDS)) {
        fail(
            (IN_FLIGHT - slots.availablePermits())
                + " runs did not end within "
                + PATIENCE_MILLIS
                + " ms of the last start; ended: "
                + outcomes);
      }
      elapsedMillis = Math.max(1, Stress.millisSince(start));
      largest = workers.getLargestPoolSize();
      if (!pools.awaitIdle(PATIENCE_MILLIS)) {
        fail(
            "the pools did not go idle within "
                + PATIENCE_MILLIS
                + " ms; "
                + pools.pending()
                + " tasks pending");
      }
      long end =
          System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(KEEP_ALIVE_MILLIS + PATIENCE_MILLIS);
      while (workers.getPoolSize() > baseline && System.nanoTime() < end) {
        Thread.sleep(10); // idle workers die after the keep-alive: nothing to wait on but time
      }
      poolAfter = workers.getPoolSize();
      activeAfter = workers.getActiveCount();
    }

    long lost = 0;
    long duplicated = 0;
    long wrongCalls = 0;
    List<String> wrongCallExamples = new ArrayList<>();
    long plannedRetries = 0;
    long plannedTimeouts = 0;
    long plannedFallbacks = 0;
    Map<Outcome, Long> planned = new TreeMap<>();
    for (int i = 0; i < runs; i++) {
      Outcome o = plan.outcome(i);
      planned.merge(o, 1L, Long::sum);
      // The future completes once by construction; the runner's end event tells of a run that
      // ended twice (or never).
      int c = completions.get(i);
      int ends = endEvents.get(i);
      if (c == 0 || ends == 0) {
        lost++;
      } else if (c > 1 || ends > 1) {
        duplicated++;
      }
      boolean reachesSplit = o == Outcome.VALUE;
      plannedRetries += plan.retries(i);
      plannedTimeouts += o == Outcome.TIMED_OUT ? 1 : 0;
      plannedFallbacks += reachesSplit && plan.primaryFails[i] ? 1 : 0;
      String calls =
          check("fetch", fetchCalls.get(i), plan.fetchAttempts(i))
              + check("split", splitCalls.get(i), reachesSplit ? 1 : 0)
              + check("finish", finishCalls.get(i), reachesSplit ? 1 : 0);
      if (!calls.isEmpty()) {
        wrongCalls++;
        if (wrongCallExamples.size() < 5) {
          wrongCallExamples.add("run " + i + " (" + o + "):" + calls);
        }
      }
    }
    Map<Outcome, Long> actual = new TreeMap<>();
    outcomes.forEach((k, v) -> actual.put(k, v.sum()));
    Stress.print(
        "e",
        "%d mixed runs (%d in flight): %.0f runs/s; outcomes %s, planned %s; %d wrong, %d lost"
            + " (no outcome or no end event), %d ended twice, %d with wrong step call counts",
        runs,
        IN_FLIGHT,
        runs * 1000.0 / elapsedMillis,
        actual,
        planned,
        wrongCount.sum(),
        lost,
        duplicated,
        wrongCalls);
    Stress.print(
        "e",
        "events: onRetry %d (planned %d), onTimeout %d (planned %d), onFallback %d (planned %d);"
            + " worker threads: baseline %d, largest %d, after %d (%d active); %d ms",
        retryEvents.sum(),
        plannedRetries,
        timeoutEvents.sum(),
        plannedTimeouts,
        fallbackEvents.sum(),
        plannedFallbacks,
        baseline,
        largest,
        poolAfter,
        activeAfter,
        elapsedMillis);
    assertEquals(0, lost, lost + " runs never ended");
    assertEquals(0, duplicated, duplicated + " runs ended more than once");
    assertTrue(
        wrongCount.sum() == 0,
        wrongCount.sum()
            + " runs ended other than planned ("
            + actual
            + " vs "
            + planned
            + "): "
            + wrong);
    assertTrue(
        wrongCalls == 0,
        wrongCalls + " runs called their steps other than planned: " + wrongCallExamples);
    assertEquals(plannedRetries, retryEvents.sum(), "onRetry events");
    assertEquals(plannedTimeouts, timeoutEvents.sum(), "onTimeout events");
    assertEquals(plannedFallbacks, fallbackEvents.sum(), "onFallback events");
    assertTrue(
        poolAfter <= baseline && activeAfter == 0,
        "worker threads did not go back to the baseline of "
            + baseline
            + ": "
            + poolAfter
            + " alive, "
            + activeAfter
            + " active, "
            + (KEEP_ALIVE_MILLIS + PATIENCE_MILLIS)
            + " ms after the pools went idle");
  }

  private static String check(String step, int calls, int planned) {
    return calls == planned ? "" : " " + step + " ran " + calls + "x, planned " + planned + "x;";
  }

  private static Outcome classify(Long value, Throwable error) {
    if (error == null) {
      return value == null ? Outcome.UNEXPECTED : Outcome.VALUE;
    }
    Throwable failure = Stress.unwrap(error);
    if (!(failure instanceof WorkflowException)) {
      return Outcome.UNEXPECTED;
    }
    WorkflowException e = (WorkflowException) failure;
    Throwable cause = Stress.rootCause(e);
    if (e.step().equals("fetch")
        && cause instanceof InjectedFault
        && e.attempts() == MAX_ATTEMPTS) {
      return Outcome.RETRIES_EXHAUSTED;
    }
    if (e.step().equals("fetch") && cause instanceof FatalFault && e.attempts() == 1) {
      return Outcome.ABORTED;
    }
    if (e.step().equals("slow") && cause instanceof TimeoutException) {
      return Outcome.TIMED_OUT;
    }
    return Outcome.UNEXPECTED;
  }
}

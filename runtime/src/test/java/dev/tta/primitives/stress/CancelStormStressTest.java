package dev.tta.primitives.stress;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tta.primitives.LambdaPrimitive;
import dev.tta.primitives.ParallelPrimitive;
import dev.tta.primitives.RetryPolicy;
import dev.tta.primitives.RetryPrimitive;
import dev.tta.primitives.SequentialPrimitive;
import dev.tta.primitives.StepPrimitive;
import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowException;
import dev.tta.primitives.WorkflowListener;
import dev.tta.primitives.WorkflowPrimitive;
import dev.tta.primitives.WorkflowRunner;
import dev.tta.primitives.WorkflowRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;

/**
 * (b) 1,000 runs in flight at once, half of them cancelled at random moments from another thread.
 * Once {@code cancel()} has returned, no step body of that run may start and no retry of it may be
 * announced; every run that was not cancelled completes, with its value or its planned failure. A
 * body whose thread had come to its primitive before the cancel returned, and whose first line ran
 * after, is counted apart: nothing can stop a thread that is between the runtime's last look at the
 * run and the user's first line from being preempted there.
 */
class CancelStormStressTest {

  private static final int RUNS = 1_000;
  private static final int MAX_ATTEMPTS = 4;
  private static final long PATIENCE_MILLIS = 30_000;

  /** The shapes of run, by run index modulo their number. */
  private enum Kind {
    SYNC,
    ASYNC,
    RETRY_SYNC,
    RETRY_ASYNC,
    PARALLEL
  }

  /**
   * Something a run did at {@code nanos}; for a body's entry, {@code approachNanos} is when its
   * thread came to the primitive that calls it (before the runtime's last look at the run's scope).
   */
  private record Event(String what, long nanos, long approachNanos) {}

  /** When this thread last came to a step's lambda primitive ({@link Approach}). */
  private static final ThreadLocal<long[]> APPROACH = ThreadLocal.withInitial(() -> new long[1]);

  /**
   * Stamps the time, then hands over to the lambda primitive, which looks at the run's scope and
   * calls the body. A body entered after cancel() returned whose approach came before was on its
   * way (a thread preempted, or stopped for a safepoint, between that look and the body's first
   * line); one whose approach came after would be a cancel the runtime missed.
   */
  private record Approach<I, O>(WorkflowPrimitive<I, O> lambda) implements WorkflowPrimitive<I, O> {
    @Override
    public CompletableFuture<O> execute(I input, WorkflowContext context) {
      APPROACH.get()[0] = System.nanoTime();
      return lambda.execute(input, context);
    }

    @Override
    public String name() {
      return lambda.name();
    }

    @Override
    public boolean isBlocking() {
      return lambda.isBlocking();
    }
  }

  /** What one round of runs recorded; the bodies find it through {@link #round}. */
  private static final class Round {
    final int[] failures = new int[RUNS]; // the planned failing attempts of each run's flaky step
    final long[] millis = new long[RUNS]; // each run's step duration
    final AtomicIntegerArray attempts = new AtomicIntegerArray(RUNS);
    final List<ConcurrentLinkedQueue<Event>> entries = new ArrayList<>(RUNS);
    final List<ConcurrentLinkedQueue<Event>> retries = new ArrayList<>(RUNS);
    final AtomicReferenceArray<CompletableFuture<Integer>> futures =
        new AtomicReferenceArray<>(RUNS);
    // Written by the canceller before it ends; read after it was joined.
    final long[] cancelReturnedAt = new long[RUNS];
    final boolean[] cancelAsked = new boolean[RUNS];
    final boolean[] cancelled = new boolean[RUNS];

    Round(SplittableRandom random) {
      for (int i = 0; i < RUNS; i++) {
        entries.add(new ConcurrentLinkedQueue<>());
        retries.add(new ConcurrentLinkedQueue<>());
        int dice = random.nextInt(100);
        failures[i] = dice < 50 ? 0 : dice < 70 ? 1 : dice < 85 ? 2 : dice < 93 ? 3 : 5;
        millis[i] = 1 + random.nextInt(5);
      }
    }
  }

  private final AtomicReference<Round> round = new AtomicReference<>();

  private static int runOf(WorkflowContext context) {
    return Integer.parseInt(context.metadata().get("run"));
  }

  /** Records a body's entry; the time is read first, before anything else the body does. */
  private int enter(WorkflowContext context, String step) {
    long now = System.nanoTime();
    long approach = APPROACH.get()[0];
    int run = runOf(context);
    round.get().entries.get(run).add(new Event(step, now, approach));
    return run;
  }

  private WorkflowPrimitive<Integer, Integer> syncStep(String name, int add) {
    return StepPrimitive.of(
        name,
        new Approach<>(
            LambdaPrimitive.<Integer, Integer>of(
                name,
                (v, ctx) -> {
                  int run = enter(ctx, name);
                  Thread.sleep(round.get().millis[run]); // blocking work; an interrupt ends it
                  return v + add;
                })));
  }

  private WorkflowPrimitive<Integer, Integer> asyncStep(
      StressPools pools, String name, int factor, int add) {
    return StepPrimitive.of(
        name,
        new Approach<>(
            LambdaPrimitive.<Integer, Integer>ofAsync(
                name,
                (v, ctx) -> {
                  int run = enter(ctx, name);
                  return pools.completeSoon(
                      () -> v * factor + add, 1_000 * round.get().millis[run]);
                })));
  }

  /** Fails its first {@code failures[run]} attempts, then adds 10. */
  private WorkflowPrimitive<Integer, Integer> flakyStep(
      StressPools pools, String name, boolean sync) {
    RetryPolicy policy =
        RetryPolicy.builder()
            .maxAttempts(MAX_ATTEMPTS)
            .delay(Duration.ofMillis(2))
            .backoff(1.5)
            .jitter(0.2)
            .build(); // retries any Exception, as @Retry does by default
    WorkflowPrimitive<Integer, Integer> body =
        sync
            ? LambdaPrimitive.<Integer, Integer>of(
                name,
                (v, ctx) -> {
                  int run = enter(ctx, name);
                  Round r = round.get();
                  int attempt = r.attempts.incrementAndGet(run);
                  Thread.sleep(1);
                  if (attempt <= r.failures[run]) {
                    throw new InjectedFault("attempt " + attempt);
                  }
                  return v + 10;
                })
            : LambdaPrimitive.<Integer, Integer>ofAsync(
                name,
                (v, ctx) -> {
                  int run = enter(ctx, name);
                  Round r = round.get();
                  int attempt = r.attempts.incrementAndGet(run);
                  return attempt <= r.failures[run]
                      ? pools.failSoon(new InjectedFault("attempt " + attempt), 1_000)
                      : pools.completeSoon(() -> v + 10, 1_000);
                });
    return StepPrimitive.of(name, RetryPrimitive.of(new Approach<>(body), policy));
  }

  private Map<Kind, WorkflowRunner<Integer, Integer>> workflows(
      WorkflowRuntime runtime, StressPools pools) {
    Map<Kind, WorkflowRunner<Integer, Integer>> runners = new TreeMap<>();
    runners.put(
        Kind.SYNC,
        WorkflowRunner.of(
            "stormSync",
            SequentialPrimitive.<Integer, Integer>ofUnchecked(
                List.of(syncStep("sync1", 1), syncStep("sync2", 1), syncStep("sync3", 1))),
            runtime));
    runners.put(
        Kind.ASYNC,
        WorkflowRunner.of(
            "stormAsync",
            SequentialPrimitive.<Integer, Integer>ofUnchecked(
                List.of(
                    asyncStep(pools, "async1", 1, 1),
                    asyncStep(pools, "async2", 1, 1),
                    asyncStep(pools, "async3", 1, 1))),
            runtime));
    runners.put(
        Kind.RETRY_SYNC,
        WorkflowRunner.of(
            "stormRetrySync",
            SequentialPrimitive.<Integer, Integer>ofUnchecked(
                List.of(flakyStep(pools, "flakySync", true), asyncStep(pools, "after", 1, 1))),
            runtime));
    runners.put(
        Kind.RETRY_ASYNC,
        WorkflowRunner.of(
            "stormRetryAsync",
            SequentialPrimitive.<Integer, Integer>ofUnchecked(
                List.of(
                    syncStep("before", 0),
                    flakyStep(pools, "flakyAsync", false),
                    syncStep("after", 1))),
            runtime));
    WorkflowPrimitive<Integer, List<Integer>> fan =
        StepPrimitive.of(
            "fan",
            ParallelPrimitive.<Integer, Integer>of(
                syncStep("branchSync", 0),
                asyncStep(pools, "branchAsync", 2, 0),
                flakyStep(pools, "branchFlaky", false)));
    WorkflowPrimitive<List<Integer>, Integer> join =
        StepPrimitive.of(
            "join",
            new Approach<>(
                LambdaPrimitive.<List<Integer>, Integer>of(
                    "join",
                    (values, ctx) -> {
                      enter(ctx, "join");
                      return values.get(0) + values.get(1) + values.get(2);
                    })));
    runners.put(
        Kind.PARALLEL,
        WorkflowRunner.of(
            "stormParallel",
            SequentialPrimitive.<Integer, List<Integer>, Integer>of(fan, join),
            runtime));
    return runners;
  }

  /** The value run {@code run} ends with, or null if it ends with its flaky step's failure. */
  private static Integer expected(Kind kind, int run, Round r) {
    boolean exhausted = r.failures[run] >= MAX_ATTEMPTS;
    switch (kind) {
      case SYNC:
      case ASYNC:
        return run + 3;
      case RETRY_SYNC:
      case RETRY_ASYNC:
        return exhausted ? null : run + 11;
      case PARALLEL:
        return exhausted ? null : run + 2 * run + run + 10;
      default:
        throw new AssertionError(kind);
    }
  }

  /** A cancel that falls due some time after its run started. */
  private record DueCancel(int run, long dueNanos, boolean interrupt) implements Delayed {
    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }
  }

  // Issue 11, defects 10 and 2: step bodies and retries started after cancel() returned.
  @Test
  void noStepStartsAndNoRetryIsAnnouncedAfterCancelReturned() throws Exception {
    int rounds = StressScale.pick(4, 100);
    SplittableRandom random = new SplittableRandom(3);
    long started = System.nanoTime();
    long cancelledRuns = 0;
    long cancelTooLate = 0;
    long values = 0;
    long expectedFailures = 0;
    long bodyEntries = 0;
    long retryEvents = 0;
    long lateEntries = 0;
    long onTheirWay = 0;
    long worstOnTheirWayMicros = 0;
    long lateRetries = 0;
    long worstLateMicros = 0;
    Map<String, Integer> lateBySite = new TreeMap<>();
    List<String> wrongOutcomes = new ArrayList<>();
    List<String> examples = new ArrayList<>();
    WorkflowListener retriesSeen =
        new WorkflowListener() {
          @Override
          public void onRetry(
              WorkflowContext context,
              String step,
              int nextAttempt,
              Throwable failure,
              Duration delay) {
            long now = System.nanoTime();
            round
                .get()
                .retries
                .get(runOf(context))
                .add(new Event(step + " #" + nextAttempt, now, now));
          }
        };
    try (StressPools pools = new StressPools("b", 2_000)) {
      WorkflowRuntime runtime = pools.runtime(retriesSeen);
      Map<Kind, WorkflowRunner<Integer, Integer>> runners = workflows(runtime, pools);
      Kind[] kinds = Kind.values();
      for (int n = 0; n < rounds; n++) {
        Round r = new Round(random);
        round.set(r);
        DelayQueue<DueCancel> due = new DelayQueue<>();
        int toCancel = RUNS / 2;
        Thread canceller =
            new Thread(
                () -> {
                  try {
                    for (int c = 0; c < toCancel; c++) {
                      DueCancel next = due.poll(PATIENCE_MILLIS, TimeUnit.MILLISECONDS);
                      if (next == null) {
                        return; // the test fails on the missing cancels
                      }
                      boolean done = r.futures.get(next.run()).cancel(next.interrupt());
                      long now = System.nanoTime(); // after cancel() returned
                      r.cancelReturnedAt[next.run()] = now;
                      r.cancelled[next.run()] = done;
                      r.cancelAsked[next.run()] = true;
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "b-canceller");
        canceller.setDaemon(true);
        canceller.start();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
          order.add(i);
        }
        Collections.shuffle(order, new Random(random.nextLong()));
        boolean[] chosen = new boolean[RUNS];
        for (int i = 0; i < toCancel; i++) {
          chosen[order.get(i)] = true;
        }
        for (int i = 0; i < RUNS; i++) {
          WorkflowContext context =
              WorkflowContext.create("storm", runtime).withMetadata("run", Integer.toString(i));
          r.futures.set(i, runners.get(kinds[i % kinds.length]).runAsync(i, context));
          if (chosen[i]) {
            // Half of them early, while the run starts; the others any time in its first 25 ms.
            long delay =
                TimeUnit.MICROSECONDS.toNanos(
                    random.nextInt(random.nextBoolean() ? 3_000 : 25_000));
            due.add(new DueCancel(i, System.nanoTime() + delay, random.nextBoolean()));
          }
        }
        canceller.join(PATIENCE_MILLIS);
        if (canceller.isAlive()) {
          canceller.interrupt();
          fail("round " + n + ": the canceller did not finish within " + PATIENCE_MILLIS + " ms");
        }
        int asked = 0;
        for (int i = 0; i < RUNS; i++) {
          asked += r.cancelAsked[i] ? 1 : 0;
        }
        if (asked != toCancel) {
          fail("round " + n + ": the canceller made " + asked + " of " + toCancel + " cancels");
        }

        List<CompletableFuture<Integer>> open = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
          open.add(r.futures.get(i));
        }
        try {
          CompletableFuture.allOf(open.toArray(new CompletableFuture<?>[0]))
              .exceptionally(e -> null)
              .get(PATIENCE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          // reported below with the runs that hang
        }
        List<Integer> hanging = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
          if (!r.futures.get(i).isDone()) {
            hanging.add(i);
          }
        }
        if (!hanging.isEmpty()) {
          fail(
              "round "
                  + n
                  + ": "
                  + hanging.size()
                  + " runs not done "
                  + PATIENCE_MILLIS
                  + " ms after the last cancel (none of them cancelled: "
                  + hanging.stream().noneMatch(i -> r.cancelled[i])
                  + "), e.g. runs "
                  + CancelledForEachStressTest.first(
                      hanging.stream().map(i -> i + " " + kinds[i % kinds.length]).toList()));
        }
        if (!pools.awaitIdle(PATIENCE_MILLIS)) {
          fail(
              "round "
                  + n
                  + ": the pools did not go idle within "
                  + PATIENCE_MILLIS
                  + " ms after every run ended; "
                  + pools.pending()
                  + " tasks pending");
        }

        for (int i = 0; i < RUNS; i++) {
          Kind kind = kinds[i % kinds.length];
          bodyEntries += r.entries.get(i).size();
          retryEvents += r.retries.get(i).size();
          if (r.cancelled[i]) {
            cancelledRuns++;
            if (!r.futures.get(i).isCancelled()) {
              wrongOutcomes.add(
                  "run " + i + " " + kind + ": cancel() returned true, not cancelled");
            }
            long at = r.cancelReturnedAt[i];
            for (Event e : r.entries.get(i)) {
              if (e.nanos() > at && e.approachNanos() <= at) {
                onTheirWay++; // its look at the scope may have come before the cancel
                worstOnTheirWayMicros = Math.max(worstOnTheirWayMicros, (e.nanos() - at) / 1_000);
              } else if (e.nanos() > at) {
                lateEntries++;
                worstLateMicros = Math.max(worstLateMicros, (e.nanos() - at) / 1_000);
                lateBySite.merge(kind + " body " + e.what(), 1, Integer::sum);
                if (examples.size() < 5) {
                  examples.add(
                      "run "
                          + i
                          + " "
                          + kind
                          + ": body '"
                          + e.what()
                          + "' entered "
                          + (e.nanos() - at) / 1_000
                          + " us after cancel() returned, its approach "
                          + (e.nanos() - e.approachNanos()) / 1_000
                          + " us before that");
                }
              }
            }
            for (Event e : r.retries.get(i)) {
              if (e.nanos() > at) {
                lateRetries++;
                worstLateMicros = Math.max(worstLateMicros, (e.nanos() - at) / 1_000);
                lateBySite.merge(
                    kind + " onRetry " + e.what().replaceAll(" #.*", ""), 1, Integer::sum);
                if (examples.size() < 5) {
                  examples.add(
                      "run "
                          + i
                          + " "
                          + kind
                          + ": onRetry '"
                          + e.what()
                          + "' "
                          + (e.nanos() - at) / 1_000
                          + " us after cancel() returned");
                }
              }
            }
            continue;
          }
          if (r.cancelAsked[i]) {
            cancelTooLate++; // it had completed already: cancel() returned false
          }
          Integer want = expected(kind, i, r);
          CompletableFuture<Integer> f = r.futures.get(i);
          if (f.isCompletedExceptionally()) {
            Throwable error = f.handle((v, e) -> e).join();
            boolean planned =
                want == null
                    && Stress.unwrap(error) instanceof WorkflowException
                    && Stress.rootCause(error) instanceof InjectedFault;
            if (planned) {
              expectedFailures++;
            } else if (wrongOutcomes.size() < 20) {
              wrongOutcomes.add(
                  "run "
                      + i
                      + " "
                      + kind
                      + ": wanted "
                      + (want == null ? "its InjectedFault" : want)
                      + ", failed with "
                      + Stress.describe(error));
            }
          } else if (want != null && want.equals(f.join())) {
            values++;
          } else if (wrongOutcomes.size() < 20) {
            wrongOutcomes.add(
                "run "
                    + i
                    + " "
                    + kind
                    + ": wanted "
                    + (want == null ? "its InjectedFault" : want)
                    + ", got "
                    + f.join());
          }
        }
      }
    }
    long total = (long) rounds * RUNS;
    Stress.print(
        "b",
        "%d rounds of %d runs in flight (%s): %d cancelled, %d cancels came after the end; of"
            + " the rest %d values, %d planned failures, %d wrong; %d step bodies, %d onRetry"
            + " events; %d ms",
        rounds,
        RUNS,
        "sync, async, sync+retry, async+retry, parallel",
        cancelledRuns,
        cancelTooLate,
        values,
        expectedFailures,
        wrongOutcomes.size(),
        bodyEntries,
        retryEvents,
        Stress.millisSince(started));
    Stress.print(
        "b",
        "after cancel() returned: %d step bodies entered, %d onRetry events (worst %d us late);"
            + " by site %s; %d bodies already on their way (the last look at the scope before"
            + " the cancel, the body's first line after it: worst %d us)",
        lateEntries,
        lateRetries,
        worstLateMicros,
        lateBySite,
        onTheirWay,
        worstOnTheirWayMicros);
    assertTrue(
        wrongOutcomes.isEmpty(),
        wrongOutcomes.size()
            + " of "
            + total
            + " runs ended wrong: "
            + CancelledForEachStressTest.first(wrongOutcomes));
    assertTrue(
        lateEntries == 0 && lateRetries == 0,
        "of "
            + cancelledRuns
            + " cancelled runs, "
            + lateEntries
            + " step bodies entered and "
            + lateRetries
            + " onRetry events came after cancel() returned (worst "
            + worstLateMicros
            + " us late; by site "
            + lateBySite
            + "), e.g. "
            + examples);
  }
}

package dev.tta.primitives.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tta.primitives.LambdaPrimitive;
import dev.tta.primitives.RateLimitExceededException;
import dev.tta.primitives.RateLimitPolicy;
import dev.tta.primitives.RateLimitPrimitive;
import dev.tta.primitives.StepPrimitive;
import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowException;
import dev.tta.primitives.WorkflowRunner;
import dev.tta.primitives.WorkflowRuntime;
import dev.tta.primitives.testing.VirtualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;

/**
 * (g) One rate limit (5 starts per 100 ms, a 250 ms max wait) on {@link VirtualTime}, called at
 * once by three threads, through {@code execute}, through runs, and in place ({@code enterInPlace},
 * else {@code execute}, as a generated direct run does), while a driver thread moves the clock in
 * steps. The driver moves it only while every caller is parked on a barrier, so the clock stands
 * still while calls are admitted and a body's start time is the time its permit was taken: a body
 * that starts at once reads the clock the limit read, and one that waited starts on the driver's
 * thread, in the timer that {@code advance} runs at its due time. The callers cancel some of their
 * waiting calls while the clock stands still; a fourth thread cancels waiting runs while the clock
 * moves and the timer starts calls. No half-open interval {@code [t, t + 100 ms)} holds more than 5
 * starts; a caller's calls start in the order it made them; a cancelled call never starts after its
 * {@code cancel()} returned; no caller is ever held (each comes back to the barrier), one timer
 * serves all waiting calls, and every call ends: with its value, a {@link
 * RateLimitExceededException} naming a wait longer than the max wait, or its cancellation.
 */
class RateLimitStressTest {

  private static final int PERMITS = 5;
  private static final Duration PER = Duration.ofMillis(100);
  private static final Duration MAX_WAIT = Duration.ofMillis(250);
  private static final int CALLERS = 3;
  private static final int MOST_ACTIONS = 6; // per caller and phase
  private static final long PATIENCE_MILLIS = 30_000;
  private static final long[] STEPS_MILLIS = {0, 1, 7, 20, 33, 50, 99, 100, 170};

  private static final int EXECUTE = 0;
  private static final int RUN = 1;
  private static final int IN_PLACE = 2;
  private static final String[] KINDS = {"execute", "run", "in place"};

  /** What every call did; indexed by the call's number, which is also its input. */
  private static final class Calls {
    final AtomicReferenceArray<CompletableFuture<Integer>> futures;
    final int[] kind;
    final int[] caller;
    final long[] submittedAt; // virtual
    final AtomicIntegerArray bodies;
    final AtomicLongArray startedAt; // virtual
    final AtomicLongArray enteredAt; // System.nanoTime
    final AtomicLongArray approachedAt;
    final AtomicLongArray order; // the body's place among all starts
    final AtomicIntegerArray cancelAsked;
    final AtomicIntegerArray cancelled; // cancel() returned true
    final AtomicLongArray cancelReturnedAt; // System.nanoTime
    final AtomicIntegerArray racingCancel; // cancelled while the clock moved
    final AtomicInteger next = new AtomicInteger();
    final AtomicLong starts = new AtomicLong();
    final AtomicLong inPlace = new AtomicLong(); // calls that took their permit in place

    Calls(int capacity) {
      futures = new AtomicReferenceArray<>(capacity);
      kind = new int[capacity];
      caller = new int[capacity];
      submittedAt = new long[capacity];
      bodies = new AtomicIntegerArray(capacity);
      startedAt = new AtomicLongArray(capacity);
      enteredAt = new AtomicLongArray(capacity);
      approachedAt = new AtomicLongArray(capacity);
      order = new AtomicLongArray(capacity);
      cancelAsked = new AtomicIntegerArray(capacity);
      cancelled = new AtomicIntegerArray(capacity);
      cancelReturnedAt = new AtomicLongArray(capacity);
      racingCancel = new AtomicIntegerArray(capacity);
    }

    /** A body starts: its times are read first thing. */
    void started(int call, WorkflowContext context) {
      long now = System.nanoTime();
      long approach = Approach.last();
      long virtual = context.runtime().clock().nanoTime();
      bodies.incrementAndGet(call);
      startedAt.set(call, virtual);
      enteredAt.set(call, now);
      approachedAt.set(call, approach);
      order.set(call, starts.incrementAndGet());
    }

    void cancel(int call, boolean interrupt, boolean racing) {
      if (!cancelAsked.compareAndSet(call, 0, 1)) {
        return;
      }
      racingCancel.set(call, racing ? 1 : 0);
      boolean done = futures.get(call).cancel(interrupt);
      cancelReturnedAt.set(call, System.nanoTime()); // after cancel() returned
      cancelled.set(call, done ? 1 : 0);
    }
  }

  @Test
  void noIntervalHoldsMoreThanItsPermitsAndNothingCancelledStartsOrHangs() throws Exception {
    int phases = StressScale.pick(1_000, 100_000);
    Calls calls = new Calls(phases * CALLERS * MOST_ACTIONS);
    VirtualTime time = new VirtualTime();
    // Runs start on the caller's thread: a run's call is admitted (or lined up) before runAsync
    // returns, while the clock stands still.
    WorkflowRuntime runtime = time.runtime().toBuilder().executor(Runnable::run).build();
    RateLimitPolicy policy =
        RateLimitPolicy.builder().permits(PERMITS).per(PER).maxWait(MAX_WAIT).build();
    RateLimitPrimitive<Integer, Integer> limit =
        RateLimitPrimitive.of(
            new Approach<>(
                LambdaPrimitive.<Integer, Integer>ofAsync(
                    "call",
                    (call, ctx) -> {
                      calls.started(call, ctx);
                      return CompletableFuture.completedFuture(call);
                    })),
            policy);
    WorkflowRunner<Integer, Integer> runner =
        WorkflowRunner.of("limited", StepPrimitive.of("call", limit), runtime);

    CyclicBarrier go = new CyclicBarrier(CALLERS + 1);
    CyclicBarrier done = new CyclicBarrier(CALLERS + 1);
    AtomicReference<Throwable> callerFailure = new AtomicReference<>();
    List<List<Integer>> pendingOf = new ArrayList<>(); // each caller's calls not done; at barriers
    List<Thread> callers = new ArrayList<>();
    for (int c = 0; c < CALLERS; c++) {
      int me = c;
      List<Integer> pending = new ArrayList<>();
      pendingOf.add(pending);
      SplittableRandom random = new SplittableRandom(100 + c);
      Thread caller =
          new Thread(
              () -> {
                try {
                  for (int p = 0; p < phases; p++) {
                    go.await(PATIENCE_MILLIS, TimeUnit.MILLISECONDS);
                    pending.removeIf(call -> calls.futures.get(call).isDone());
                    // Stretches of 50 phases asking for more than the limit gives, and for less.
                    boolean busy = p / 50 % 2 == 1;
                    int actions = random.nextInt(busy ? MOST_ACTIONS + 1 : 2);
                    for (int a = 0; a < actions; a++) {
                      if (!pending.isEmpty() && random.nextInt(8) == 0) {
                        int victim = pending.get(random.nextInt(pending.size()));
                        calls.cancel(victim, random.nextBoolean(), false);
                        continue;
                      }
                      int call = calls.next.getAndIncrement();
                      int kind = random.nextInt(3);
                      calls.kind[call] = kind;
                      calls.caller[call] = me;
                      calls.submittedAt[call] = runtime.clock().nanoTime();
                      WorkflowContext context =
                          WorkflowContext.create("limited", runtime)
                              .withMetadata("call", Integer.toString(call));
                      CompletableFuture<Integer> future;
                      if (kind == RUN) {
                        // Published before it can be cancelled: the run has started by now.
                        future = runner.runAsync(call, context);
                      } else if (kind == IN_PLACE && limit.enterInPlace(runtime)) {
                        calls.started(call, context);
                        calls.inPlace.incrementAndGet();
                        future = CompletableFuture.completedFuture(call);
                      } else {
                        future = limit.execute(call, context);
                      }
                      calls.futures.set(call, future);
                      if (!future.isDone()) {
                        pending.add(call);
                      }
                    }
                    done.await(PATIENCE_MILLIS, TimeUnit.MILLISECONDS);
                  }
                } catch (Throwable t) {
                  callerFailure.compareAndSet(null, t);
                  go.reset();
                  done.reset();
                }
              },
              "g-caller-" + c);
      caller.setDaemon(true);
      callers.add(caller);
    }
    BlockingQueue<List<Integer>> toCancel = new ArrayBlockingQueue<>(1);
    BlockingQueue<Integer> cancelsDone = new ArrayBlockingQueue<>(1);
    Thread canceller =
        new Thread(
            () -> {
              try {
                while (true) {
                  List<Integer> batch = toCancel.take();
                  if (batch.isEmpty()) {
                    return;
                  }
                  for (int call : batch) {
                    calls.cancel(call, (call & 1) == 0, true);
                  }
                  cancelsDone.put(batch.size());
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "g-racing-canceller");
    canceller.setDaemon(true);

    SplittableRandom random = new SplittableRandom(7);
    long wrongWaiting = 0;
    long wrongTimers = 0;
    List<String> barrierExamples = new ArrayList<>();
    long racingCancels = 0;
    long maxWaitingSeen = 0;
    long start = System.nanoTime();
    for (Thread caller : callers) {
      caller.start();
    }
    canceller.start();
    try {
      for (int p = 0; p < phases; p++) {
        await(go, "go", p, callerFailure);
        await(done, "done", p, callerFailure); // the callers made their calls: none was held
        // Quiet: the clock stands still and nobody calls. Every call not done waits for a permit.
        int notDone = 0;
        List<Integer> runsWaiting = new ArrayList<>();
        for (List<Integer> pending : pendingOf) {
          for (int call : pending) {
            if (!calls.futures.get(call).isDone()) {
              notDone++;
              if (calls.kind[call] == RUN) {
                runsWaiting.add(call);
              }
            }
          }
        }
        int waiting = limit.waiting();
        int timers = time.pendingTasks();
        maxWaitingSeen = Math.max(maxWaitingSeen, waiting);
        if (waiting != notDone) {
          wrongWaiting++;
        }
        if (timers != (waiting > 0 ? 1 : 0)) {
          wrongTimers++;
        }
        if ((waiting != notDone || timers != (waiting > 0 ? 1 : 0)) && barrierExamples.size() < 5) {
          barrierExamples.add(
              "phase "
                  + p
                  + ": "
                  + waiting
                  + " waiting, "
                  + notDone
                  + " calls not done, "
                  + timers
                  + " timers");
        }
        // The clock moves; the timer starts calls on this thread, while another cancels runs.
        List<Integer> batch = new ArrayList<>();
        for (int call : runsWaiting) {
          if (random.nextInt(6) == 0) {
            batch.add(call);
          }
        }
        if (!batch.isEmpty()) {
          toCancel.put(batch);
          racingCancels += batch.size();
        }
        time.advance(Duration.ofMillis(STEPS_MILLIS[random.nextInt(STEPS_MILLIS.length)]));
        if (!batch.isEmpty() && cancelsDone.poll(PATIENCE_MILLIS, TimeUnit.MILLISECONDS) == null) {
          fail("phase " + p + ": the racing canceller did not finish its cancels");
        }
      }
      // Every call still waiting gets its permit (or was rejected): no more than the max wait.
      time.advance(MAX_WAIT.plus(PER));
    } finally {
      toCancel.offer(List.of());
      for (Thread caller : callers) {
        caller.join(PATIENCE_MILLIS);
      }
      canceller.join(PATIENCE_MILLIS);
    }
    long elapsedMillis = Math.max(1, Stress.millisSince(start));
    if (callerFailure.get() != null) {
      throw new AssertionError("a caller failed", callerFailure.get());
    }
    int total = calls.next.get();
    long virtualEnd = runtime.clock().nanoTime();

    // The rule: sorted start times s, s[k + permits] - s[k] >= per for every k.
    long perNanos = PER.toNanos();
    List<Long> startTimes = new ArrayList<>();
    Map<String, Long> outcomes = new TreeMap<>();
    List<String> wrong = new ArrayList<>();
    long wrongCount = 0;
    long hanging = 0;
    long late = 0;
    long onTheirWay = 0;
    long worstLateMicros = 0;
    long waited = 0;
    long longestWait = 0;
    long overlong = 0;
    long fifoBroken = 0;
    long cancelsAsked = 0;
    long cancelsTookEffect = 0;
    long racingTookEffect = 0;
    long[] lastOrder = new long[CALLERS];
    for (int call = 0; call < total; call++) {
      CompletableFuture<Integer> f = calls.futures.get(call);
      int ran = calls.bodies.get(call);
      if (ran > 0) {
        startTimes.add(calls.startedAt.get(call));
        long wait = calls.startedAt.get(call) - calls.submittedAt[call];
        if (wait > 0) {
          waited++;
          longestWait = Math.max(longestWait, wait);
          if (wait > MAX_WAIT.toNanos()) {
            overlong++; // admitted to wait no longer than maxWait, on a clock that is never late
          }
        }
        // A caller's calls start in the order it made them (calls are numbered in that order).
        int c = calls.caller[call];
        long order = calls.order.get(call);
        if (order < lastOrder[c]) {
          fifoBroken++;
        }
        lastOrder[c] = Math.max(lastOrder[c], order);
      }
      cancelsAsked += calls.cancelAsked.get(call);
      cancelsTookEffect += calls.cancelled.get(call);
      racingTookEffect += calls.cancelled.get(call) & calls.racingCancel.get(call);
      if (calls.cancelled.get(call) == 1 && ran > 0) {
        long at = calls.cancelReturnedAt.get(call);
        long entered = calls.enteredAt.get(call);
        if (entered > at && calls.approachedAt.get(call) <= at) {
          onTheirWay++; // only a racing cancel of a run can meet a body on its way
        } else if (entered > at) {
          late++;
          worstLateMicros = Math.max(worstLateMicros, (entered - at) / 1_000);
        }
      }
      String outcome;
      if (!f.isDone()) {
        hanging++;
        outcome = "hanging";
      } else if (f.isCancelled()) {
        outcome = calls.cancelled.get(call) == 1 ? "cancelled" : null;
      } else {
        Throwable error = f.handle((v, e) -> e).join();
        if (error == null) {
          outcome = ran == 1 && f.join() == call ? "value" : null;
        } else {
          Throwable failure = Stress.unwrap(error);
          Throwable root = Stress.rootCause(failure);
          boolean wrapped = calls.kind[call] == RUN;
          outcome =
              root instanceof RateLimitExceededException
                      && ran == 0
                      && wrapped == (failure instanceof WorkflowException)
                      && ((RateLimitExceededException) root).waitNeeded().compareTo(MAX_WAIT) > 0
                  ? "rejected"
                  : null;
        }
      }
      if (outcome == null || outcome.equals("hanging")) {
        wrongCount += outcome == null ? 1 : 0;
        if (wrong.size() < 10) {
          wrong.add(
              "call "
                  + call
                  + " ("
                  + KINDS[calls.kind[call]]
                  + ", "
                  + ran
                  + " bodies, cancel "
                  + (calls.cancelAsked.get(call) == 0
                      ? "none"
                      : calls.cancelled.get(call) == 1 ? "took effect" : "too late")
                  + "): "
                  + (f.isDone()
                      ? f.handle((v, e) -> e == null ? "value " + v : Stress.describe(e)).join()
                      : "not done"));
        }
        outcome = outcome == null ? "wrong" : outcome;
      }
      outcomes.merge(KINDS[calls.kind[call]] + " " + outcome, 1L, Long::sum);
    }
    long[] sorted = startTimes.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    long crowded = 0;
    long fullest = 0;
    for (int k = 0; k < sorted.length; k++) {
      int in = 0;
      for (int j = k; j < sorted.length && sorted[j] - sorted[k] < perNanos; j++) {
        in++;
      }
      fullest = Math.max(fullest, in);
      if (in > PERMITS) {
        crowded++;
      }
    }
    int waitingAfter = limit.waiting();
    int timersAfter = time.pendingTasks();
    Stress.print(
        "g",
        "%d phases, %d calls by %d threads on virtual time (%d starts per %d ms, maxWait %d ms;"
            + " %.1f s of it): %d started (%d after a wait, the longest %d ms, %d longer than"
            + " maxWait; %d in place), the fullest [t, t+%d ms) holding %d;"
            + " %d intervals over %d; %d calls started out of their caller's order; %d ms",
        phases,
        total,
        CALLERS,
        PERMITS,
        PER.toMillis(),
        MAX_WAIT.toMillis(),
        virtualEnd / 1e9,
        sorted.length,
        waited,
        longestWait / 1_000_000,
        overlong,
        calls.inPlace.get(),
        PER.toMillis(),
        fullest,
        crowded,
        PERMITS,
        fifoBroken,
        elapsedMillis);
    Stress.print(
        "g",
        "outcomes %s; %d wrong, %d hanging; cancels %d asked (%d while the clock moved), %d took"
            + " effect (%d of those); after cancel() returned %d bodies started (worst %d us),"
            + " %d on their way; at the barriers: up to %d waiting, %d times waiting() differed"
            + " from the calls not done, %d times not one timer for them; at the end %d waiting,"
            + " %d timers",
        outcomes,
        wrongCount,
        hanging,
        cancelsAsked,
        racingCancels,
        cancelsTookEffect,
        racingTookEffect,
        late,
        worstLateMicros,
        onTheirWay,
        maxWaitingSeen,
        wrongWaiting,
        wrongTimers,
        waitingAfter,
        timersAfter);
    assertEquals(0, crowded, crowded + " intervals of " + PER + " hold more than " + PERMITS);
    assertEquals(0, late, late + " cancelled calls started after cancel() returned");
    assertEquals(0, overlong, overlong + " calls waited longer than maxWait");
    assertEquals(0, hanging, hanging + " calls never ended: " + wrong);
    assertTrue(wrongCount == 0, wrongCount + " calls ended other than planned: " + wrong);
    assertEquals(0, fifoBroken, fifoBroken + " calls started before an earlier one of theirs");
    assertTrue(
        wrongWaiting == 0 && wrongTimers == 0,
        "waiting() or the timers did not match the calls waiting: " + barrierExamples);
    assertEquals(0, waitingAfter, "calls still waiting at the end");
    assertEquals(0, timersAfter, "timers still set at the end");
    assertTrue(waited > 0 && cancelsTookEffect > 0, "the scenario made no call wait or cancel");
  }

  private static void await(
      CyclicBarrier barrier, String name, int phase, AtomicReference<Throwable> callerFailure)
      throws InterruptedException {
    try {
      barrier.await(PATIENCE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (BrokenBarrierException | TimeoutException e) {
      throw new AssertionError(
          "phase "
              + phase
              + ": the callers did not all come to the '"
              + name
              + "' barrier within "
              + PATIENCE_MILLIS
              + " ms (one held by a call, or failed)",
          callerFailure.get() != null ? callerFailure.get() : e);
    }
  }
}

package dev.tta.primitives.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tta.primitives.BulkheadFullException;
import dev.tta.primitives.BulkheadPolicy;
import dev.tta.primitives.BulkheadPrimitive;
import dev.tta.primitives.LambdaPrimitive;
import dev.tta.primitives.StepPrimitive;
import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowException;
import dev.tta.primitives.WorkflowRunner;
import dev.tta.primitives.WorkflowRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * (f) Many runs through one bulkhead (4 in flight, 32 waiting, a 2 ms max wait), its slots shared
 * by name between a blocking step that spins and an asynchronous one whose calls an "io" pool
 * completes; a fifth of the runs cancelled at random moments, a tenth failing with an injected
 * fault, and two threads of their own calling in place the way a generated direct run does ({@code
 * enterInPlace}/{@code exitInPlace}, else {@code execute}). Never more than 4 bodies the bulkhead
 * counts are inside at once; no body of a run starts after the run's {@code cancel()} returned;
 * every run ends, with its value, its fault, a {@link BulkheadFullException} (the queue full, or
 * the max wait over) or the cancellation asked for; and at the end no slot is held and no call
 * waits.
 */
class BulkheadStressTest {

  private static final int VALUE = 4;
  private static final int QUEUE = 32;
  private static final Duration MAX_WAIT = Duration.ofMillis(2);
  private static final int IN_FLIGHT = 64; // runs started and not ended: more than value + queue
  private static final int IN_PLACE_THREADS = 2;
  private static final int IN_PLACE_MICROS = 20;
  private static final long PATIENCE_MILLIS = 30_000;

  private enum Outcome {
    VALUE,
    FAULT,
    QUEUE_FULL,
    MAX_WAIT_OVER,
    CANCELLED,
    WRONG
  }

  /** What each run does, drawn before it starts. */
  private static final class Plan {
    final boolean[] async;
    final boolean[] fault;
    final boolean[] cancel;
    final int[] micros; // the body's work
    final int[] cancelAfterMicros;
    final boolean[] interrupt;

    Plan(int runs, SplittableRandom random) {
      async = new boolean[runs];
      fault = new boolean[runs];
      cancel = new boolean[runs];
      micros = new int[runs];
      cancelAfterMicros = new int[runs];
      interrupt = new boolean[runs];
      for (int i = 0; i < runs; i++) {
        async[i] = random.nextBoolean();
        fault[i] = random.nextInt(100) < 10;
        cancel[i] = random.nextInt(100) < 20;
        micros[i] = async[i] ? 50 + random.nextInt(450) : 5 + random.nextInt(55);
        cancelAfterMicros[i] = random.nextInt(random.nextBoolean() ? 200 : 2_000);
        interrupt[i] = random.nextBoolean();
      }
    }
  }

  /**
   * The bodies inside the bulkhead now. A body of a run whose cancel was asked for may have had its
   * slot given back already (a cancelled call is no longer counted, however long its thread takes
   * to leave): it is counted apart from the live ones.
   */
  private static final class Inside {
    private final List<int[]> bodies = new ArrayList<>(); // guarded by this; the run of each, -1
    private final AtomicIntegerArray cancelAsked;
    private int mostLive; // guarded by this
    private int mostAll; // guarded by this

    Inside(AtomicIntegerArray cancelAsked) {
      this.cancelAsked = cancelAsked;
    }

    synchronized Object enter(int run) {
      int[] token = {run};
      bodies.add(token);
      int live = 0;
      for (int[] body : bodies) {
        if (body[0] < 0 || cancelAsked.get(body[0]) == 0) {
          live++;
        }
      }
      mostLive = Math.max(mostLive, live);
      mostAll = Math.max(mostAll, bodies.size());
      return token;
    }

    synchronized void exit(Object token) {
      for (int i = 0; i < bodies.size(); i++) {
        if (bodies.get(i) == token) {
          bodies.remove(i);
          return;
        }
      }
      throw new AssertionError("a body left twice");
    }

    synchronized int now() {
      return bodies.size();
    }

    synchronized int mostLive() {
      return mostLive;
    }

    synchronized int mostAll() {
      return mostAll;
    }
  }

  /** An asynchronous body's future: it leaves the bulkhead before it completes or is cancelled. */
  private static final class Tracked<T> extends CompletableFuture<T> {
    private final Inside inside;
    private final Object token;
    private final AtomicBoolean left = new AtomicBoolean();

    Tracked(Inside inside, Object token) {
      this.inside = inside;
      this.token = token;
    }

    private void leave() {
      if (left.compareAndSet(false, true)) {
        inside.exit(token);
      }
    }

    void finish(T value, Throwable error) {
      leave();
      if (error == null) {
        complete(value);
      } else {
        completeExceptionally(Stress.unwrap(error));
      }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      leave();
      return super.cancel(mayInterruptIfRunning);
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

  private static int runOf(WorkflowContext context) {
    String run = context.metadata().get("run");
    return run == null ? -1 : Integer.parseInt(run);
  }

  /** Busy work that ends early, with an InterruptedException, when the thread is interrupted. */
  private static void spin(long micros) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(micros);
    while (System.nanoTime() - end < 0) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("interrupted while working");
      }
      Thread.onSpinWait();
    }
  }

  @Test
  void neverMoreThanValueInsideNoBodyAfterCancelAndNothingLeftHeld() throws Exception {
    int runs = StressScale.pick(8_000, 200_000);
    int inPlaceCalls = StressScale.pick(500, 5_000); // per in-place thread, at least
    Plan plan = new Plan(runs, new SplittableRandom(11));
    AtomicIntegerArray cancelAsked = new AtomicIntegerArray(runs);
    AtomicIntegerArray cancelled = new AtomicIntegerArray(runs); // cancel() returned true
    AtomicLongArray cancelReturnedAt = new AtomicLongArray(runs);
    AtomicIntegerArray bodies = new AtomicIntegerArray(runs);
    AtomicLongArray enteredAt = new AtomicLongArray(runs);
    AtomicLongArray approachedAt = new AtomicLongArray(runs);
    AtomicIntegerArray completions = new AtomicIntegerArray(runs);
    AtomicReferenceArray<CompletableFuture<Integer>> futures = new AtomicReferenceArray<>(runs);
    Inside inside = new Inside(cancelAsked);
    AtomicBoolean submitted = new AtomicBoolean();
    LongAdder inPlaceCallsMade = new LongAdder();
    LongAdder inPlaceTaken = new LongAdder();
    LongAdder inPlaceViaExecute = new LongAdder();
    LongAdder inPlaceRejected = new LongAdder();
    LongAdder inPlaceWrong = new LongAdder();
    LongAdder inPlaceHung = new LongAdder();
    List<String> inPlaceExamples = new ArrayList<>();

    int toCancel = 0;
    for (int i = 0; i < runs; i++) {
      toCancel += plan.cancel[i] ? 1 : 0;
    }
    int mostInFlight = 0; // inFlight() and waiting() as the submitting thread saw them
    int mostWaiting = 0;
    long start;
    long elapsedMillis;
    int largestPool;
    int inFlightAfter;
    int waitingAfter;
    int insideAfter;
    try (StressPools pools = new StressPools("f", 2_000)) {
      WorkflowRuntime runtime = pools.runtime();
      BulkheadPolicy policy =
          BulkheadPolicy.builder().value(VALUE).queue(QUEUE).maxWait(MAX_WAIT).build();
      LambdaPrimitive<Integer, Integer> spinning =
          LambdaPrimitive.of(
              "spin",
              (Integer v, WorkflowContext ctx) -> {
                long now = System.nanoTime(); // first, before anything else
                long approach = Approach.last();
                int run = runOf(ctx);
                if (run >= 0) {
                  bodies.incrementAndGet(run);
                  enteredAt.set(run, now);
                  approachedAt.set(run, approach);
                }
                Object token = inside.enter(run);
                try {
                  spin(run < 0 ? IN_PLACE_MICROS : plan.micros[run]);
                  if (run >= 0 && plan.fault[run]) {
                    throw new InjectedFault("run " + run);
                  }
                  return v + 1;
                } finally {
                  inside.exit(token);
                }
              });
      LambdaPrimitive<Integer, Integer> answering =
          LambdaPrimitive.ofAsync(
              "answer",
              (Integer v, WorkflowContext ctx) -> {
                long now = System.nanoTime();
                long approach = Approach.last();
                int run = runOf(ctx);
                bodies.incrementAndGet(run);
                enteredAt.set(run, now);
                approachedAt.set(run, approach);
                Tracked<Integer> result = new Tracked<>(inside, inside.enter(run));
                CompletableFuture<Integer> io =
                    plan.fault[run]
                        ? pools.failSoon(new InjectedFault("run " + run), plan.micros[run])
                        : pools.completeSoon(() -> v + 1, plan.micros[run]);
                io.whenComplete(result::finish);
                return result;
              });
      BulkheadPrimitive<Integer, Integer> syncBulkhead =
          BulkheadPrimitive.shared(new Approach<>(spinning), policy, "backend", runtime);
      BulkheadPrimitive<Integer, Integer> asyncBulkhead =
          BulkheadPrimitive.shared(new Approach<>(answering), policy, "backend", runtime);
      WorkflowRunner<Integer, Integer> syncRunner =
          WorkflowRunner.of("bulkheadSync", StepPrimitive.of("spin", syncBulkhead), runtime);
      WorkflowRunner<Integer, Integer> asyncRunner =
          WorkflowRunner.of("bulkheadAsync", StepPrimitive.of("answer", asyncBulkhead), runtime);

      int cancels = toCancel;
      DelayQueue<DueCancel> due = new DelayQueue<>();
      Thread canceller =
          new Thread(
              () -> {
                try {
                  for (int c = 0; c < cancels; c++) {
                    DueCancel next = due.poll(PATIENCE_MILLIS, TimeUnit.MILLISECONDS);
                    if (next == null) {
                      return; // the test fails on the missing cancels
                    }
                    int run = next.run();
                    cancelAsked.set(run, 1); // before the cancel can give a slot back
                    boolean done = futures.get(run).cancel(next.interrupt());
                    cancelReturnedAt.set(run, System.nanoTime()); // after cancel() returned
                    cancelled.set(run, done ? 1 : 0);
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "f-canceller");
      canceller.setDaemon(true);

      List<Thread> inPlace = new ArrayList<>();
      for (int t = 0; t < IN_PLACE_THREADS; t++) {
        Thread caller =
            new Thread(
                () -> {
                  WorkflowContext context = WorkflowContext.create("inPlace", runtime);
                  // Until every run has started, and at least inPlaceCalls: amid the queued calls.
                  for (int k = 0; k < inPlaceCalls || !submitted.get(); k++) {
                    inPlaceCallsMade.increment();
                    if (syncBulkhead.enterInPlace()) {
                      inPlaceTaken.increment();
                      try {
                        Object token = inside.enter(-1);
                        try {
                          spin(IN_PLACE_MICROS);
                        } finally {
                          inside.exit(token);
                        }
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                      } finally {
                        syncBulkhead.exitInPlace();
                      }
                      continue;
                    }
                    inPlaceViaExecute.increment();
                    CompletableFuture<Integer> call = syncBulkhead.execute(k, context);
                    String wrong = null;
                    try {
                      Integer value = call.get(PATIENCE_MILLIS, TimeUnit.MILLISECONDS);
                      if (value != k + 1) {
                        wrong = "in-place call " + k + ": got " + value;
                      }
                    } catch (ExecutionException e) {
                      if (Stress.unwrap(e) instanceof BulkheadFullException) {
                        inPlaceRejected.increment();
                      } else {
                        wrong = "in-place call " + k + ": failed with " + Stress.describe(e);
                      }
                    } catch (TimeoutException e) {
                      inPlaceHung.increment();
                      return;
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                      return;
                    }
                    if (wrong != null) {
                      inPlaceWrong.increment();
                      synchronized (inPlaceExamples) {
                        if (inPlaceExamples.size() < 5) {
                          inPlaceExamples.add(wrong);
                        }
                      }
                    }
                  }
                },
                "f-in-place-" + t);
        caller.setDaemon(true);
        inPlace.add(caller);
      }

      Semaphore slots = new Semaphore(IN_FLIGHT);
      SplittableRandom timing = new SplittableRandom(12);
      start = System.nanoTime();
      canceller.start();
      for (Thread caller : inPlace) {
        caller.start();
      }
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
                  + " started; bulkhead: "
                  + syncBulkhead.inFlight()
                  + " in flight, "
                  + syncBulkhead.waiting()
                  + " waiting");
        }
        int i = n;
        WorkflowContext context =
            WorkflowContext.create("bulkhead", runtime).withMetadata("run", Integer.toString(i));
        CompletableFuture<Integer> run =
            (plan.async[i] ? asyncRunner : syncRunner).runAsync(i, context);
        futures.set(i, run);
        mostInFlight = Math.max(mostInFlight, syncBulkhead.inFlight());
        mostWaiting = Math.max(mostWaiting, asyncBulkhead.waiting());
        if (plan.cancel[i]) {
          long delay = TimeUnit.MICROSECONDS.toNanos(plan.cancelAfterMicros[i]);
          due.add(new DueCancel(i, System.nanoTime() + delay, plan.interrupt[i]));
        }
        run.whenComplete(
            (value, error) -> {
              completions.incrementAndGet(i);
              slots.release();
            });
        if (timing.nextInt(64) == 0) {
          Thread.yield(); // now and then let the queue drain a little, so waits end both ways
        }
      }
      submitted.set(true);
      if (!slots.tryAcquire(IN_FLIGHT, PATIENCE_MILLIS, TimeUnit.MILLISECONDS)) {
        int hanging = 0;
        for (int i = 0; i < runs; i++) {
          hanging += futures.get(i).isDone() ? 0 : 1;
        }
        fail(
            hanging
                + " runs did not end within "
                + PATIENCE_MILLIS
                + " ms of the last start; bulkhead: "
                + syncBulkhead.inFlight()
                + " in flight, "
                + syncBulkhead.waiting()
                + " waiting");
      }
      canceller.join(PATIENCE_MILLIS);
      for (Thread caller : inPlace) {
        caller.join(PATIENCE_MILLIS);
        if (caller.isAlive()) {
          fail(caller.getName() + " did not finish within " + PATIENCE_MILLIS + " ms");
        }
      }
      if (canceller.isAlive()) {
        canceller.interrupt();
        fail("the canceller did not finish within " + PATIENCE_MILLIS + " ms");
      }
      elapsedMillis = Math.max(1, Stress.millisSince(start));
      if (!pools.awaitIdle(PATIENCE_MILLIS)) {
        fail(
            "the pools did not go idle within "
                + PATIENCE_MILLIS
                + " ms after every run ended; "
                + pools.pending()
                + " tasks pending");
      }
      largestPool = pools.workers().getLargestPoolSize();
      inFlightAfter = syncBulkhead.inFlight();
      waitingAfter = syncBulkhead.waiting();
      insideAfter = inside.now();
    }

    Map<Outcome, Long> outcomes = new TreeMap<>();
    List<String> wrong = new ArrayList<>();
    long wrongCount = 0;
    long asked = 0;
    long tookEffect = 0;
    long bodyCount = 0;
    long duplicated = 0;
    long late = 0;
    long onTheirWay = 0;
    long worstLateMicros = 0;
    long worstOnTheirWayMicros = 0;
    for (int i = 0; i < runs; i++) {
      asked += cancelAsked.get(i);
      tookEffect += cancelled.get(i);
      int ran = bodies.get(i);
      bodyCount += ran;
      if (ran > 1 || completions.get(i) != 1) {
        duplicated++;
      }
      if (cancelled.get(i) == 1 && ran > 0) {
        long at = cancelReturnedAt.get(i);
        long entered = enteredAt.get(i);
        if (entered > at && approachedAt.get(i) <= at) {
          onTheirWay++;
          worstOnTheirWayMicros = Math.max(worstOnTheirWayMicros, (entered - at) / 1_000);
        } else if (entered > at) {
          late++;
          worstLateMicros = Math.max(worstLateMicros, (entered - at) / 1_000);
        }
      }
      CompletableFuture<Integer> f = futures.get(i);
      Outcome o = classify(f, i, plan, cancelled.get(i) == 1, ran);
      outcomes.merge(o, 1L, Long::sum);
      if (o == Outcome.WRONG) {
        wrongCount++;
        if (wrong.size() < 10) {
          wrong.add(
              "run "
                  + i
                  + (plan.async[i] ? " async" : " sync")
                  + (plan.fault[i] ? " (fault planned)" : "")
                  + ", "
                  + ran
                  + " bodies, cancel "
                  + (cancelAsked.get(i) == 1
                      ? cancelled.get(i) == 1 ? "took effect" : "late"
                      : "none")
                  + ": "
                  + f.handle((v, e) -> e == null ? "value " + v : Stress.describe(e)).join());
        }
      }
    }
    long inPlaceTotal = inPlaceCallsMade.sum();
    Stress.print(
        "f",
        "%d runs through one bulkhead (value %d, queue %d, maxWait %d ms; %d runs in flight, sync"
            + " and async steps sharing it): %.0f runs/s; outcomes %s; %d wrong, %d ended twice or"
            + " ran twice; cancels %d asked, %d took effect; %d bodies; worker threads largest %d;"
            + " %d ms",
        runs,
        VALUE,
        QUEUE,
        MAX_WAIT.toMillis(),
        IN_FLIGHT,
        runs * 1000.0 / elapsedMillis,
        outcomes,
        wrongCount,
        duplicated,
        asked,
        tookEffect,
        bodyCount,
        largestPool,
        elapsedMillis);
    Stress.print(
        "f",
        "inFlight() at most %d, waiting() at most %d; inside at once: at most %d counted by the"
            + " bulkhead (at most %d with the bodies of"
            + " cancelled calls still leaving); after cancel() returned: %d bodies entered (worst"
            + " %d us late), %d already on their way (worst %d us); in place: %d calls on %d"
            + " threads, %d took a slot in place, %d went through execute (%d rejected), %d wrong,"
            + " %d hung; at the end %d in flight, %d waiting, %d bodies inside",
        mostInFlight,
        mostWaiting,
        inside.mostLive(),
        inside.mostAll(),
        late,
        worstLateMicros,
        onTheirWay,
        worstOnTheirWayMicros,
        inPlaceTotal,
        IN_PLACE_THREADS,
        inPlaceTaken.sum(),
        inPlaceViaExecute.sum(),
        inPlaceRejected.sum(),
        inPlaceWrong.sum(),
        inPlaceHung.sum(),
        inFlightAfter,
        waitingAfter,
        insideAfter);
    assertTrue(
        inside.mostLive() <= VALUE,
        inside.mostLive() + " bodies the bulkhead counts were inside at once, more than " + VALUE);
    assertEquals(0, late, late + " bodies started after their run's cancel() returned");
    assertTrue(
        mostInFlight <= VALUE && mostWaiting <= QUEUE,
        "inFlight() " + mostInFlight + ", waiting() " + mostWaiting + " seen");
    assertTrue(wrongCount == 0, wrongCount + " runs ended other than planned: " + wrong);
    assertEquals(0, duplicated, duplicated + " runs ended more than once or ran their body twice");
    assertEquals(toCancel, asked, "cancels made");
    assertEquals(tookEffect, outcomes.getOrDefault(Outcome.CANCELLED, 0L), "cancelled runs");
    assertTrue(
        inPlaceWrong.sum() == 0 && inPlaceHung.sum() == 0,
        inPlaceWrong.sum()
            + " in-place calls wrong, "
            + inPlaceHung.sum()
            + " hung: "
            + inPlaceExamples);
    assertEquals(inPlaceTotal, inPlaceTaken.sum() + inPlaceViaExecute.sum(), "in-place calls");
    assertEquals(0, inFlightAfter, "slots still held at the end");
    assertEquals(0, waitingAfter, "calls still waiting at the end");
    assertEquals(0, insideAfter, "bodies still inside at the end");
  }

  private static Outcome classify(
      CompletableFuture<Integer> f, int run, Plan plan, boolean cancelled, int bodies) {
    if (!f.isDone()) {
      return Outcome.WRONG;
    }
    if (f.isCancelled()) {
      return cancelled ? Outcome.CANCELLED : Outcome.WRONG;
    }
    Throwable error = f.handle((v, e) -> e).join();
    if (error == null) {
      Integer value = f.join();
      return value != null && value == run + 1 && !plan.fault[run] && bodies == 1
          ? Outcome.VALUE
          : Outcome.WRONG;
    }
    Throwable failure = Stress.unwrap(error);
    Throwable root = Stress.rootCause(failure);
    if (!(failure instanceof WorkflowException)) {
      return Outcome.WRONG;
    }
    if (root instanceof BulkheadFullException && bodies == 0) {
      String why = String.valueOf(root.getMessage());
      return why.contains("maxWait") ? Outcome.MAX_WAIT_OVER : Outcome.QUEUE_FULL;
    }
    if (root instanceof InjectedFault && plan.fault[run] && bodies == 1) {
      return Outcome.FAULT;
    }
    return Outcome.WRONG;
  }
}

package dev.tta.primitives.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tta.primitives.HedgePrimitive;
import dev.tta.primitives.LambdaPrimitive;
import dev.tta.primitives.StepPrimitive;
import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowException;
import dev.tta.primitives.WorkflowRunner;
import dev.tta.primitives.WorkflowRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * (i) Many hedged runs at once (3 calls at most, the next after 300 us), of a blocking step and of
 * an asynchronous one, each call quick and right, quick and failing, or slow: a slow call ends only
 * when it is cancelled (a blocking one waits on a latch that opens only at the end of the test; an
 * asynchronous one's future is never completed). A quarter of the runs are cancelled at random
 * moments. Every run ends, with its value, its injected fault, or its cancellation; no call of a
 * run starts after its {@code cancel()} returned; and once every run has ended, every slow call has
 * been stopped: no loser is left running (the latch opens only after that count).
 */
class HedgeStressTest {

  private static final Duration DELAY = Duration.ofNanos(300_000);
  private static final int MAX = 3;
  private static final int IN_FLIGHT = 32;
  private static final long PATIENCE_MILLIS = 30_000;

  private static final int QUICK = 0;
  private static final int FAILING = 1;
  private static final int SLOW = 2;

  /** What each run's calls do, by the order they start in, drawn before the run starts. */
  private static final class Plan {
    final boolean[] blocking;
    final int[] calls; // [run * MAX + k]: QUICK, FAILING or SLOW; at least one QUICK per run
    final int[] micros; // the quick calls' work
    final boolean[] cancel;
    final int[] cancelAfterMicros;
    final boolean[] interrupt;

    Plan(int runs, SplittableRandom random) {
      blocking = new boolean[runs];
      calls = new int[runs * MAX];
      micros = new int[runs * MAX];
      cancel = new boolean[runs];
      cancelAfterMicros = new int[runs];
      interrupt = new boolean[runs];
      for (int i = 0; i < runs; i++) {
        blocking[i] = random.nextBoolean();
        boolean quick = false;
        for (int k = 0; k < MAX; k++) {
          int dice = random.nextInt(100);
          int kind = dice < 45 ? SLOW : dice < 85 ? QUICK : FAILING;
          if (k == MAX - 1 && !quick) {
            kind = QUICK; // a hedge whose calls are all slow would wait for ever, as it should
          }
          quick |= kind == QUICK;
          calls[i * MAX + k] = kind;
          micros[i * MAX + k] = 50 + random.nextInt(random.nextBoolean() ? 200 : 800);
        }
        cancel[i] = random.nextInt(4) == 0;
        cancelAfterMicros[i] = random.nextInt(1_500);
        interrupt[i] = random.nextInt(10) < (blocking[i] ? 8 : 5); // cancel(false) holds a thread
      }
    }
  }

  /** The slow calls not stopped yet, by run. */
  private static final class Slow {
    private final List<int[]> running = new ArrayList<>(); // guarded by this; each one's run

    synchronized Object enter(int run) {
      int[] token = {run};
      running.add(token);
      return token;
    }

    synchronized void exit(Object token) {
      for (int i = 0; i < running.size(); i++) {
        if (running.get(i) == token) {
          running.remove(i);
          notifyAll();
          return;
        }
      }
      throw new AssertionError("a slow call left twice");
    }

    /**
     * Waits until every slow call still running is {@code excused}; returns the runs of those that
     * are not, after {@code millis} at most.
     */
    synchronized List<Integer> awaitOnly(IntPredicate excused, long millis)
        throws InterruptedException {
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      while (true) {
        List<Integer> left = new ArrayList<>();
        for (int[] token : running) {
          if (!excused.test(token[0])) {
            left.add(token[0]);
          }
        }
        long wait = end - System.nanoTime();
        if (left.isEmpty() || wait <= 0) {
          return left;
        }
        TimeUnit.NANOSECONDS.timedWait(this, wait);
      }
    }

    synchronized int count() {
      return running.size();
    }
  }

  /** A slow asynchronous call's future: it stops running when it is cancelled. */
  private static final class Pending<T> extends CompletableFuture<T> {
    private final Slow slow;
    private final Object token;
    private final AtomicBoolean stopped = new AtomicBoolean();

    Pending(Slow slow, int run) {
      this.slow = slow;
      this.token = slow.enter(run);
    }

    private void stopped() {
      if (stopped.compareAndSet(false, true)) {
        slow.exit(token);
      }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      stopped();
      return super.cancel(mayInterruptIfRunning);
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
      stopped();
      return super.completeExceptionally(ex);
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
    return Integer.parseInt(context.metadata().get("run"));
  }

  @Test
  void everyHedgeEndsAndLeavesNoLoserRunning() throws Exception {
    int runs = StressScale.pick(4_000, 60_000);
    Plan plan = new Plan(runs, new SplittableRandom(21));
    AtomicIntegerArray started = new AtomicIntegerArray(runs); // calls started per run
    AtomicLongArray enteredAt = new AtomicLongArray(runs * MAX);
    AtomicLongArray approachedAt = new AtomicLongArray(runs * MAX);
    AtomicIntegerArray cancelAsked = new AtomicIntegerArray(runs);
    AtomicIntegerArray cancelled = new AtomicIntegerArray(runs);
    AtomicLongArray cancelReturnedAt = new AtomicLongArray(runs);
    AtomicReferenceArray<CompletableFuture<Integer>> futures = new AtomicReferenceArray<>(runs);
    Slow slow = new Slow();
    CountDownLatch grace = new CountDownLatch(1); // opens at the end, for slow calls not stopped

    int toCancel = 0;
    for (int i = 0; i < runs; i++) {
      toCancel += plan.cancel[i] ? 1 : 0;
    }
    long elapsedMillis;
    List<Integer> stuck;
    int excusedLeft;
    int largestPool;
    try (StressPools pools = new StressPools("i", 2_000)) {
      WorkflowRuntime runtime = pools.runtime();
      LambdaPrimitive<Integer, Integer> blocking =
          LambdaPrimitive.of(
              "blockingCall",
              (Integer v, WorkflowContext ctx) -> {
                long now = System.nanoTime();
                long approach = Approach.last();
                int run = runOf(ctx);
                int k = started.getAndIncrement(run);
                if (k >= MAX) {
                  throw new AssertionError("run " + run + ": call " + (k + 1) + " of " + MAX);
                }
                enteredAt.set(run * MAX + k, now);
                approachedAt.set(run * MAX + k, approach);
                int kind = plan.calls[run * MAX + k];
                if (kind == SLOW) {
                  Object token = slow.enter(run);
                  try {
                    grace.await(PATIENCE_MILLIS * 4, TimeUnit.MILLISECONDS); // or interrupted
                    throw new InjectedFault("slow call not stopped");
                  } finally {
                    slow.exit(token);
                  }
                }
                long end = now + TimeUnit.MICROSECONDS.toNanos(plan.micros[run * MAX + k]);
                while (System.nanoTime() - end < 0) {
                  LockSupport.parkNanos(end - System.nanoTime()); // the call's latency
                  if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("stopped while working");
                  }
                }
                if (kind == FAILING) {
                  throw new InjectedFault("run " + run + " call " + k);
                }
                return 2 * v;
              });
      LambdaPrimitive<Integer, Integer> async =
          LambdaPrimitive.ofAsync(
              "asyncCall",
              (Integer v, WorkflowContext ctx) -> {
                long now = System.nanoTime();
                long approach = Approach.last();
                int run = runOf(ctx);
                int k = started.getAndIncrement(run);
                if (k >= MAX) {
                  throw new AssertionError("run " + run + ": call " + (k + 1) + " of " + MAX);
                }
                enteredAt.set(run * MAX + k, now);
                approachedAt.set(run * MAX + k, approach);
                int kind = plan.calls[run * MAX + k];
                int micros = plan.micros[run * MAX + k];
                if (kind == SLOW) {
                  return new Pending<Integer>(slow, run);
                }
                return kind == FAILING
                    ? pools.failSoon(new InjectedFault("run " + run + " call " + k), micros)
                    : pools.completeSoon(() -> 2 * v, micros);
              });
      WorkflowRunner<Integer, Integer> blockingRunner =
          WorkflowRunner.of(
              "hedgedBlocking",
              StepPrimitive.of("call", HedgePrimitive.of(new Approach<>(blocking), DELAY, MAX)),
              runtime);
      WorkflowRunner<Integer, Integer> asyncRunner =
          WorkflowRunner.of(
              "hedgedAsync",
              StepPrimitive.of("call", HedgePrimitive.of(new Approach<>(async), DELAY, MAX)),
              runtime);

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
                    cancelAsked.set(next.run(), 1);
                    boolean done = futures.get(next.run()).cancel(next.interrupt());
                    cancelReturnedAt.set(next.run(), System.nanoTime());
                    cancelled.set(next.run(), done ? 1 : 0);
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "i-canceller");
      canceller.setDaemon(true);
      canceller.start();

      Semaphore slots = new Semaphore(IN_FLIGHT);
      long start = System.nanoTime();
      for (int n = 0; n < runs; n++) {
        if (!slots.tryAcquire(PATIENCE_MILLIS, TimeUnit.MILLISECONDS)) {
          fail(
              "stalled: "
                  + IN_FLIGHT
                  + " hedged runs in flight and none ended within "
                  + PATIENCE_MILLIS
                  + " ms; "
                  + n
                  + " of "
                  + runs
                  + " started");
        }
        int i = n;
        WorkflowContext context =
            WorkflowContext.create("hedge", runtime).withMetadata("run", Integer.toString(i));
        CompletableFuture<Integer> run =
            (plan.blocking[i] ? blockingRunner : asyncRunner).runAsync(i, context);
        futures.set(i, run);
        if (plan.cancel[i]) {
          long delay = TimeUnit.MICROSECONDS.toNanos(plan.cancelAfterMicros[i]);
          due.add(new DueCancel(i, System.nanoTime() + delay, plan.interrupt[i]));
        }
        run.whenComplete((value, error) -> slots.release());
      }
      if (!slots.tryAcquire(IN_FLIGHT, PATIENCE_MILLIS, TimeUnit.MILLISECONDS)) {
        int hanging = 0;
        for (int i = 0; i < runs; i++) {
          hanging += futures.get(i).isDone() ? 0 : 1;
        }
        grace.countDown();
        fail(hanging + " hedged runs did not end within " + PATIENCE_MILLIS + " ms");
      }
      elapsedMillis = Math.max(1, Stress.millisSince(start));
      canceller.join(PATIENCE_MILLIS);
      // Every run ended: its slow calls were all stopped, and leave once their threads see it;
      // but a cancel(false) interrupts no thread, so a blocking one of such a run may wait on.
      IntPredicate excused = i -> plan.blocking[i] && cancelled.get(i) == 1 && !plan.interrupt[i];
      stuck = slow.awaitOnly(excused, PATIENCE_MILLIS);
      excusedLeft = slow.count() - stuck.size();
      grace.countDown(); // releases them
      if (!pools.awaitIdle(PATIENCE_MILLIS)) {
        fail(
            "the pools did not go idle within "
                + PATIENCE_MILLIS
                + " ms after every run ended; "
                + pools.pending()
                + " tasks pending");
      }
      largestPool = pools.workers().getLargestPoolSize();
    }

    Map<String, Long> outcomes = new TreeMap<>();
    List<String> wrong = new ArrayList<>();
    long wrongCount = 0;
    long calls = 0;
    long slowStarted = 0;
    long late = 0;
    long onTheirWay = 0;
    long worstLateMicros = 0;
    long asked = 0;
    long tookEffect = 0;
    List<String> stuckExamples = new ArrayList<>();
    for (int i : stuck) {
      if (stuckExamples.size() < 10) {
        stuckExamples.add(
            "run "
                + i
                + (plan.blocking[i] ? " blocking " : " async ")
                + Arrays.toString(Arrays.copyOfRange(plan.calls, i * MAX, i * MAX + MAX))
                + " ("
                + QUICK
                + " quick, "
                + FAILING
                + " failing, "
                + SLOW
                + " slow), "
                + started.get(i)
                + " started, cancel "
                + (cancelAsked.get(i) == 0
                    ? "none"
                    : (cancelled.get(i) == 1 ? "took effect" : "too late")
                        + (plan.interrupt[i] ? " (interrupt)" : " (no interrupt)"))
                + ": "
                + futures
                    .get(i)
                    .handle((v, e) -> e == null ? "value " + v : Stress.describe(e))
                    .join());
      }
    }
    int[] byCalls = new int[MAX + 1];
    for (int i = 0; i < runs; i++) {
      int n = started.get(i);
      calls += n;
      byCalls[Math.min(n, MAX)]++;
      boolean anyQuick = false;
      boolean anyFailing = false;
      for (int k = 0; k < Math.min(n, MAX); k++) {
        int kind = plan.calls[i * MAX + k];
        slowStarted += kind == SLOW ? 1 : 0;
        anyQuick |= kind == QUICK;
        anyFailing |= kind == FAILING;
      }
      asked += cancelAsked.get(i);
      tookEffect += cancelled.get(i);
      if (cancelled.get(i) == 1) {
        long at = cancelReturnedAt.get(i);
        for (int k = 0; k < Math.min(n, MAX); k++) {
          long entered = enteredAt.get(i * MAX + k);
          if (entered > at && approachedAt.get(i * MAX + k) <= at) {
            onTheirWay++;
          } else if (entered > at) {
            late++;
            worstLateMicros = Math.max(worstLateMicros, (entered - at) / 1_000);
          }
        }
      }
      CompletableFuture<Integer> f = futures.get(i);
      String outcome;
      if (f.isCancelled()) {
        outcome = cancelled.get(i) == 1 ? "cancelled" : "wrong";
      } else {
        Throwable error = f.handle((v, e) -> e).join();
        if (error == null) {
          outcome = anyQuick && f.join() == 2 * i ? "value" : "wrong";
        } else {
          Throwable failure = Stress.unwrap(error);
          outcome =
              failure instanceof WorkflowException
                      && Stress.rootCause(failure) instanceof InjectedFault
                      && anyFailing
                  ? "fault"
                  : "wrong";
        }
      }
      if (n > MAX) {
        outcome = "wrong";
      }
      if (outcome.equals("wrong")) {
        wrongCount++;
        if (wrong.size() < 10) {
          wrong.add(
              "run "
                  + i
                  + (plan.blocking[i] ? " blocking" : " async")
                  + ", "
                  + n
                  + " calls started: "
                  + f.handle((v, e) -> e == null ? "value " + v : Stress.describe(e)).join());
        }
      }
      outcomes.merge((plan.blocking[i] ? "blocking " : "async ") + outcome, 1L, Long::sum);
    }
    Stress.print(
        "i",
        "%d hedged runs (%d calls at most, the next after %d us; %d in flight): %.0f runs/s;"
            + " outcomes %s; %d wrong; runs by calls started %s; %d calls, %d of them slow;"
            + " cancels %d asked, %d took effect; worker threads largest %d; %d ms",
        runs,
        MAX,
        DELAY.toNanos() / 1_000,
        IN_FLIGHT,
        runs * 1000.0 / elapsedMillis,
        outcomes,
        wrongCount,
        Arrays.toString(byCalls),
        calls,
        slowStarted,
        asked,
        tookEffect,
        largestPool,
        elapsedMillis);
    Stress.print(
        "i",
        "once every run had ended: %d slow calls still running (losers not stopped), and %d"
            + " blocking ones of runs cancelled without interrupting (cancel(false), as"
            + " documented); after cancel() returned: %d calls started (worst %d us late), %d on"
            + " their way",
        stuck.size(),
        excusedLeft,
        late,
        worstLateMicros,
        onTheirWay);
    assertTrue(
        stuck.isEmpty(),
        stuck.size()
            + " slow calls (losers) still ran after every run had ended: "
            + stuckExamples);
    assertEquals(0, late, late + " calls started after their run's cancel() returned");
    assertTrue(wrongCount == 0, wrongCount + " runs ended other than planned: " + wrong);
    assertEquals(toCancel, asked, "cancels made");
  }
}

package dev.tta.primitives;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The deadlines of one {@link TimeoutPrimitive} on one runtime, watched by one scheduled task.
 *
 * <p>Every deadline of a queue has the same duration, so arming them in order keeps them in
 * deadline order and only the head needs a timer. Arming appends and schedules a task only when
 * none is scheduled; disarming only claims the entry (the next arm, fire or compaction drops it).
 * The task, when it runs, expires the head if it is due and schedules one task for the next live
 * head. So calls that overlap share one timer instead of arming and cancelling one each, which on
 * the default scheduler also wakes the timer thread once per call.
 *
 * <p>When the last live deadline is disarmed the queue drops its entries at once. On the runtime's
 * own timer ({@link OwnTimer}) it keeps its task: a task that finds nothing costs one wake-up per
 * timeout at most, while cancelling it would cost a new timer (and a wake-up) on the next call. On
 * any other scheduler it cancels the task, so nothing is left pending on a scheduler it does not
 * own (a user's executor may wait for pending tasks when it shuts down; a test may count them).
 */
final class DeadlineQueue {

  /** Below this many settled entries behind a live head, compacting is not worth a scan. */
  static final int COMPACT_MIN = 32;

  private final long timeoutNanos;
  private final boolean oneCall;

  // Armed entries not yet claimed. Incremented under the lock, decremented by whoever claims.
  private final AtomicInteger live = new AtomicInteger();

  // Bound on first use, then fixed: its clock orders the deadlines, its scheduler fires them.
  private volatile WorkflowRuntime runtime;

  // Guarded by this: the armed entries in deadline order, settled ones among them.
  private final ArrayDeque<Entry<?>> entries;

  // Guarded by this: the one task scheduled (or being scheduled) for the head, or null.
  private Fire task;

  /** An unbound queue for the deadlines of one primitive. */
  DeadlineQueue(long timeoutNanos) {
    this.timeoutNanos = timeoutNanos;
    this.oneCall = false;
    this.entries = new ArrayDeque<>();
  }

  private DeadlineQueue(long timeoutNanos, WorkflowRuntime runtime) {
    this.timeoutNanos = timeoutNanos;
    this.oneCall = true;
    this.runtime = runtime;
    this.entries = new ArrayDeque<>(1);
  }

  /**
   * A queue for one call on a runtime other than the one a primitive's queue is bound to: one timer
   * armed for the call and cancelled when it ends, as if there were no queue.
   */
  static DeadlineQueue forOneCall(long timeoutNanos, WorkflowRuntime runtime) {
    return new DeadlineQueue(timeoutNanos, runtime);
  }

  /**
   * Binds this queue to {@code candidate} if it is not bound yet.
   *
   * @return whether the queue is bound to {@code candidate}
   */
  boolean bind(WorkflowRuntime candidate) {
    WorkflowRuntime bound = runtime;
    if (bound == null) {
      synchronized (this) {
        if (runtime == null) {
          runtime = candidate;
        }
        bound = runtime;
      }
    }
    return bound == candidate;
  }

  /**
   * Arms {@code entry}, whose call started at {@code start} on the runtime's clock: it expires
   * {@link #timeoutNanos} after that unless it is claimed first. The start is read before the call
   * starts, so time the caller spends starting it (or a clock that moved meanwhile) counts against
   * the deadline. If the scheduler throws, every call the failed task was to watch (this one
   * included) is stopped and fails with that exception.
   *
   * @throws RuntimeException if the clock throws; then nothing was armed
   */
  void arm(Entry<?> entry, long start) {
    Fire fire = null;
    long delay = 0;
    synchronized (this) {
      // The queue keeps deadline order: a start read before an entry armed ahead of it is taken
      // as that entry's (later by the few instructions between the two reads).
      Entry<?> tail = entries.peekLast();
      entry.start = tail != null && start - tail.start < 0 ? tail.start : start;
      dropSettledHead();
      int settled = entries.size() - live.get();
      if (settled > COMPACT_MIN && settled > live.get()) {
        // Settled entries behind a long-pending head: each scan removes more than it keeps.
        entries.removeIf(Entry::isClaimed);
      }
      entries.addLast(entry);
      live.incrementAndGet();
      if (task == null) {
        task = fire = new Fire(entry.start);
        long elapsed = runtime.clock().nanoTime() - entry.start;
        delay = Math.max(0, timeoutNanos - Math.max(0, elapsed));
      }
    }
    if (fire != null) {
      schedule(fire, delay);
    }
  }

  /** An entry was claimed (settled, cancelled or expired): it no longer needs the timer. */
  void disarmed() {
    if (live.decrementAndGet() == 0) {
      idle();
    }
  }

  private void idle() {
    ScheduledFuture<?> unneeded = null;
    synchronized (this) {
      if (live.get() != 0) {
        return; // armed again meanwhile
      }
      entries.clear(); // all settled: hold none of their results until the next fire
      if (task != null && (oneCall || !(runtime.scheduler() instanceof OwnTimer))) {
        unneeded = task.handle; // null while still being scheduled: schedule() cancels it then
        task = null;
      }
    }
    if (unneeded != null) {
      unneeded.cancel(false);
    }
  }

  /** The number of entries held, settled ones included; for tests of the bound. */
  synchronized int size() {
    return entries.size();
  }

  private void dropSettledHead() {
    Entry<?> head;
    while ((head = entries.peekFirst()) != null && head.isClaimed()) {
      entries.pollFirst();
    }
  }

  private void schedule(Fire fire, long delayNanos) {
    ScheduledFuture<?> handle;
    try {
      WorkflowScheduler scheduler = runtime.scheduler();
      // On the runtime's own timer a deadline fires on the timer thread itself: it never waits
      // for a free executor thread.
      handle =
          scheduler instanceof OwnTimer
              ? ((OwnTimer) scheduler).scheduleOnTimer(fire, delayNanos, TimeUnit.NANOSECONDS)
              : scheduler.schedule(fire, delayNanos, TimeUnit.NANOSECONDS);
    } catch (Throwable t) { // e.g. a scheduler that was shut down: no deadline can be kept
      abandon(fire, t);
      return;
    }
    synchronized (this) {
      if (task == fire) {
        fire.handle = handle;
        return;
      }
    }
    if (handle != null) {
      handle.cancel(false); // the queue went idle while scheduling (or it already ran: a no-op)
    }
  }

  /** Stops every call {@code fire} was to watch and fails it with {@code failure}. */
  private void abandon(Fire fire, Throwable failure) {
    List<Entry<?>> unwatched;
    synchronized (this) {
      if (task != fire) {
        return; // the queue went idle meanwhile: every entry the task watched is settled
      }
      task = null;
      unwatched = new ArrayList<>(entries);
      entries.clear();
    }
    for (Entry<?> entry : unwatched) {
      entry.abandon(failure); // a settled entry ignores it
    }
  }

  /**
   * The scheduled task. It trusts the scheduler for the deadline it was scheduled for (as a timer
   * per call did) and the clock for any later one: a task may run late, or early for a head that
   * replaced its settled target. It expires at most one entry and schedules the next task first, so
   * whatever runs after a timeout (a fallback, a listener) never delays another call's deadline.
   */
  private final class Fire implements Runnable, DefaultTimer.Droppable {
    private final long targetStart; // the start of the entry it was scheduled for; no reference
    private ScheduledFuture<?> handle; // guarded by the queue; null while being scheduled

    Fire(long targetStart) {
      this.targetStart = targetStart;
    }

    /** The timer is ending: give up this task if no call waits for it (an idle queue's). */
    @Override
    public boolean tryDrop() {
      synchronized (DeadlineQueue.this) {
        if (task != this) {
          return true; // stale: the queue no longer counts on it
        }
        if (live.get() == 0) {
          task = null; // the next arm schedules a new task
          entries.clear();
          return true;
        }
        return false;
      }
    }

    @Override
    public void run() {
      long now;
      try {
        now = runtime.clock().nanoTime();
      } catch (Throwable t) {
        abandon(this, t);
        return;
      }
      Entry<?> due = null;
      Fire next = null;
      long delay = 0;
      synchronized (DeadlineQueue.this) {
        if (task != this) {
          return; // cancelled as idle after it started
        }
        dropSettledHead();
        Entry<?> head = entries.peekFirst();
        if (head != null && (head.start == targetStart || now - head.start >= timeoutNanos)) {
          due = entries.pollFirst();
          dropSettledHead();
          head = entries.peekFirst();
        }
        if (head == null) {
          task = null;
        } else {
          task = next = new Fire(head.start);
          delay = Math.max(0, timeoutNanos - (now - head.start)); // no overflow near MAX_VALUE
        }
      }
      if (next != null) {
        schedule(next, delay);
      }
      if (due != null) {
        due.run();
      }
    }
  }

  /**
   * A call under a deadline of this queue. Whoever claims it (its own completion, a stop, the
   * deadline) calls {@link #disarmed()} once; {@link #run()} expires it.
   */
  abstract static class Entry<O> extends StoppableFuture<O> implements Runnable {
    final DeadlineQueue queue;

    /** When it was armed, on the runtime's clock; written under the queue's lock by arm. */
    long start;

    Entry(DeadlineQueue queue) {
      this.queue = queue;
    }

    /** No deadline can be kept for this call: stop it and fail with {@code cause}. */
    abstract void abandon(Throwable cause);
  }

  /**
   * A scheduler on the runtime's own daemon timer, where a task left pending after its queue went
   * idle costs one wake-up at most: the queue keeps it for the next call (the timer drops it when
   * it is asked to end).
   */
  interface OwnTimer extends WorkflowScheduler {
    /**
     * Runs {@code task} on the timer thread itself after {@code delay}, not on the executor: for
     * deadlines, which only stop work and complete futures.
     *
     * @param task what to run
     * @param delay how long to wait
     * @param unit the unit of {@code delay}
     * @return a handle whose {@code cancel} stops the task if it has not started
     */
    ScheduledFuture<?> scheduleOnTimer(Runnable task, long delay, TimeUnit unit);
  }
}

package dev.tta.primitives;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The runtime's own timer: one daemon thread, started on demand, that runs due tasks itself. It
 * never delays a JVM's exit, {@code mvn exec:java}'s included: when interrupted (as exec:java
 * interrupts the threads it started) it drops the tasks that only tidy up ({@link Droppable}) and
 * ends as soon as no other task is pending; it also ends after a minute without tasks. The next
 * task starts a new thread (which ends again once idle: an interrupted timer does not linger).
 */
final class DefaultTimer {

  private static final System.Logger LOG = System.getLogger("dev.tta.primitives");
  private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(60);
  // About 73 years: a longer wait ("no deadline") waits this long, and due times never overflow.
  private static final long MAX_DELAY_NANOS = Long.MAX_VALUE >> 2;
  private static final long ENDING_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  /** A task that may be dropped unrun when the timer is asked to end: it only tidies up. */
  interface Droppable {
    /**
     * Gives up this pending task if it has nothing left to do; called on the timer's thread.
     *
     * @return true if it may be removed without running
     */
    boolean tryDrop();
  }

  private final String threadName;
  private final AtomicInteger threads = new AtomicInteger();

  // Guarded by this.
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private Thread thread;
  private boolean ending; // interrupted: end once only droppable tasks remain
  private long sequence;

  DefaultTimer(String threadName) {
    this.threadName = threadName;
  }

  /** Whether the calling thread is a timer's thread. */
  static boolean onTimerThread() {
    return Thread.currentThread() instanceof TimerThread;
  }

  /** Runs {@code task} on the timer's thread after {@code delay}. */
  ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
    long due = System.nanoTime() + Math.min(Math.max(0, unit.toNanos(delay)), MAX_DELAY_NANOS);
    Task scheduled;
    synchronized (this) {
      scheduled = new Task(task, due, sequence++);
      queue.add(scheduled);
      if (thread == null) {
        ending = false; // a new thread, not the one that was asked to end
        thread = new TimerThread(this::loop, threadName + threads.incrementAndGet());
        thread.start();
      } else if (queue.peek() == scheduled) {
        notifyAll(); // a new earliest task: wake the thread to wait for it instead
      }
    }
    return scheduled;
  }

  private void loop() {
    long idleSince = System.nanoTime();
    while (true) {
      Task due;
      synchronized (this) {
        while (true) {
          Task head = queue.peek();
          long now = System.nanoTime();
          if (head == null) {
            if (ending || now - idleSince >= IDLE_NANOS) {
              thread = null;
              return;
            }
          } else if (head.due - now <= 0) {
            due = queue.poll();
            break;
          } else {
            idleSince = now;
          }
          if (ending) {
            // Asked to end: tasks that became droppable since (a deadline that was live when the
            // interrupt came) go now; the thread ends as soon as nothing else is pending.
            dropDroppable();
            if (queue.isEmpty()) {
              thread = null;
              return;
            }
            head = queue.peek();
          }
          long waitNanos = head == null ? IDLE_NANOS - (now - idleSince) : head.due - now;
          if (ending) {
            // A pending deadline may become droppable without a word to the timer (its call
            // settles): look again soon rather than at its due time.
            waitNanos = Math.min(waitNanos, ENDING_RECHECK_NANOS);
          }
          try {
            TimeUnit.NANOSECONDS.timedWait(this, waitNanos);
          } catch (InterruptedException e) {
            ending = true;
            dropDroppable();
          }
        }
      }
      due.fire();
      idleSince = System.nanoTime();
    }
  }

  /** Removes the pending tasks that agree to be dropped. */
  private void dropDroppable() {
    List<Task> kept = new ArrayList<>(queue.size());
    for (Task task : queue) {
      if (task.isDone()) {
        continue; // cancelled
      }
      if (!(task.body instanceof Droppable) || !((Droppable) task.body).tryDrop()) {
        kept.add(task);
      }
    }
    queue.clear();
    queue.addAll(kept);
  }

  private synchronized void remove(Task task) {
    if (queue.remove(task) && ending) {
      notifyAll(); // an ending timer may have nothing left to wait for
    }
  }

  /** The timer's thread now, or {@code null} if none runs; for tests. */
  synchronized Thread thread() {
    return thread;
  }

  /** The timer's thread: a daemon, recognised by {@link #onTimerThread()}. */
  private static final class TimerThread extends Thread {
    TimerThread(Runnable loop, String name) {
      super(loop, name);
      setDaemon(true);
    }
  }

  /**
   * A pending task; cancelling it removes it from the queue. Not a {@code CompletableFuture}: its
   * cancel would build a {@code CancellationException} (a stack trace) for every disarmed timer.
   */
  private final class Task implements ScheduledFuture<Object>, Comparable<Delayed> {
    private static final int PENDING = 0;
    private static final int RUNNING = 1;
    private static final int DONE = 2;
    private static final int FAILED = 3;
    private static final int CANCELLED = 4;

    final Runnable body;
    final long due;
    private final long order;
    private int state; // guarded by this task
    private Throwable failure; // guarded by this task

    Task(Runnable body, long due, long order) {
      this.body = body;
      this.due = due;
      this.order = order;
    }

    void fire() {
      synchronized (this) {
        if (state != PENDING) {
          return; // cancelled
        }
        state = RUNNING;
      }
      Throwable failed = null;
      try {
        body.run();
      } catch (Throwable t) { // one failing task must not end the timer for every other
        failed = t;
        LOG.log(Level.WARNING, "a scheduled task failed on the workflow timer", t);
      }
      synchronized (this) {
        state = failed == null ? DONE : FAILED;
        failure = failed;
        notifyAll();
      }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      synchronized (this) {
        if (state != PENDING) {
          return false; // ran, runs now, or cancelled before
        }
        state = CANCELLED;
        notifyAll();
      }
      remove(this);
      return true;
    }

    @Override
    public synchronized boolean isCancelled() {
      return state == CANCELLED;
    }

    @Override
    public synchronized boolean isDone() {
      return state >= DONE;
    }

    @Override
    public synchronized Object get() throws InterruptedException, ExecutionException {
      while (state < DONE) {
        wait();
      }
      return outcome();
    }

    @Override
    public synchronized Object get(long timeout, TimeUnit unit)
        throws InterruptedException, ExecutionException, TimeoutException {
      long end = System.nanoTime() + unit.toNanos(timeout);
      while (state < DONE) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException();
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return outcome();
    }

    private Object outcome() throws ExecutionException {
      if (state == CANCELLED) {
        throw new CancellationException();
      }
      if (state == FAILED) {
        throw new ExecutionException(failure);
      }
      return null;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(due - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      if (other instanceof Task) {
        Task task = (Task) other;
        int byDue = Long.compare(due - task.due, 0); // nanoTime order
        return byDue != 0 ? byDue : Long.compare(order, task.order);
      }
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }
  }
}

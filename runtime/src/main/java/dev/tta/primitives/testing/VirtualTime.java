package dev.tta.primitives.testing;

import dev.tta.primitives.WorkflowClock;
import dev.tta.primitives.WorkflowRuntime;
import dev.tta.primitives.WorkflowScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A clock and scheduler that move only when a test says so, for testing back-off, time budgets,
 * timeouts and cache expiry without sleeping. Scheduled tasks run on the thread that calls {@link
 * #advance(Duration)}, in due order. Thread-safe.
 *
 * <pre>{@code
 * VirtualTime time = new VirtualTime();
 * WorkflowRuntime runtime = time.runtime();
 * CompletableFuture<String> result = retried.execute("in", WorkflowContext.create("t", runtime));
 * time.advance(Duration.ofMillis(100)); // the first retry runs now
 * }</pre>
 */
public final class VirtualTime implements WorkflowClock, WorkflowScheduler {

  /** The seed of the random source of {@link #runtime()}'s jitter. */
  public static final long SEED = 0x7474615L;

  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private final List<Duration> scheduledDelays = new ArrayList<>();
  private long now;
  private long sequence;

  /** A virtual time starting at zero. */
  public VirtualTime() {}

  /**
   * A runtime on this clock and scheduler, with the default executor, no listeners, and a random
   * source seeded with {@link #SEED}, so that retry jitter gives the same schedule on every run of
   * a test.
   *
   * @return the runtime
   */
  public WorkflowRuntime runtime() {
    return WorkflowRuntime.builder().clock(this).scheduler(this).random(new Random(SEED)).build();
  }

  @Override
  public synchronized long nanoTime() {
    return now;
  }

  @Override
  public synchronized ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
    long nanos = Math.max(0, unit.toNanos(delay));
    scheduledDelays.add(Duration.ofNanos(nanos));
    // Saturate: now + a huge delay (e.g. Long.MAX_VALUE) must not overflow into the past.
    Task scheduled = new Task(task, saturatedAdd(now, nanos), sequence++);
    queue.add(scheduled);
    return scheduled;
  }

  /**
   * Moves the clock forward, running every task that falls due on the way, at its due time. Tasks
   * scheduled by those tasks run too if they fall due within the step.
   *
   * @param step how far to move, not negative; zero runs only what is due now
   * @throws IllegalArgumentException if {@code step} is negative
   */
  public void advance(Duration step) {
    // A monotonic clock never goes back: a negative step would move it back in time.
    if (step.isNegative()) {
      throw new IllegalArgumentException("step = " + step + " must not be negative");
    }
    long target;
    synchronized (this) {
      target = saturatedAdd(now, step.toNanos());
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.due > target) {
          now = Math.max(now, target); // a nested or concurrent advance may have gone further
          return;
        }
        queue.poll();
        now = Math.max(now, next.due);
      }
      next.fire();
    }
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return sum < a ? Long.MAX_VALUE : sum; // b is never negative here
  }

  /**
   * The delays of every {@link #schedule} call so far, in call order: the back-off waits and
   * deadlines that were asked for.
   *
   * @return a copy
   */
  public synchronized List<Duration> scheduledDelays() {
    return List.copyOf(scheduledDelays);
  }

  /**
   * How many scheduled tasks are waiting (cancelled ones excluded).
   *
   * @return the count
   */
  public synchronized int pendingTasks() {
    int pending = 0;
    for (Task task : queue) {
      if (!task.isDone()) {
        pending++;
      }
    }
    return pending;
  }

  private final class Task extends CompletableFuture<Object>
      implements ScheduledFuture<Object>, Comparable<Delayed> {
    private final Runnable body;
    private final long due;
    private final long order;

    Task(Runnable body, long due, long order) {
      this.body = body;
      this.due = due;
      this.order = order;
    }

    void fire() {
      if (isDone()) {
        return; // cancelled
      }
      try {
        body.run();
        complete(null);
      } catch (RuntimeException | Error e) {
        completeExceptionally(e);
        throw e;
      }
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(due - nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      if (other instanceof Task) {
        Task task = (Task) other;
        int byDue = Long.compare(due, task.due);
        return byDue != 0 ? byDue : Long.compare(order, task.order);
      }
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }
  }
}

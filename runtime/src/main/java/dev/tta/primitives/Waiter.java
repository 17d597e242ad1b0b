package dev.tta.primitives;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The thread of a blocking run nested in the runtime's own work (a step calling {@code
 * inner.run(x)} on an executor thread), waiting for that run's result. It is the run's root scope,
 * and the run's helpable isolated calls (parallel branches, for-each elements) are offered to it:
 * while it waits it runs those that no executor thread has started yet. So a nested run never waits
 * for work queued behind itself, and a bounded pool whose threads all wait for nested runs still
 * makes progress. Calls that an executor thread started meanwhile are skipped (each runs once), so
 * a pool with threads to spare keeps the branches parallel.
 */
final class Waiter implements CancelScope {

  private final CancelScope parent;
  private final Thread thread = Thread.currentThread();
  private final ConcurrentLinkedQueue<Offer> offered = new ConcurrentLinkedQueue<>();
  private volatile boolean parked;
  private volatile boolean stopped;
  private volatile boolean done; // the wait ended: drop later offers

  /** A task handed to {@code executor} that the waiting thread may run first; runs at most once. */
  private static final class Offer {
    final Runnable task;
    final Executor executor;

    Offer(Runnable task, Executor executor) {
      this.task = task;
      this.executor = executor;
    }
  }

  Waiter(CancelScope parent) {
    this.parent = parent;
  }

  /** The waiter of the nearest blocking run that {@code scope} is part of, or {@code null}. */
  static Waiter of(CancelScope scope) {
    for (CancelScope s = scope; s != null; s = s.helpedBy()) {
      if (s instanceof Waiter) {
        return (Waiter) s;
      }
    }
    return null;
  }

  /**
   * A task of this run was handed to {@code executor}; the waiting thread may run it first. The
   * task must run at most once however often it is run (an {@link IsolatedCall}, a {@link Once}).
   */
  void offer(Runnable task, Executor executor) {
    if (done) {
      return; // nobody waits any more
    }
    offered.add(new Offer(task, executor));
    if (parked) {
      LockSupport.unpark(thread);
    }
  }

  /**
   * Waits for {@code result}, meanwhile running the calls offered to this waiter that nobody
   * started. Must be called on the thread that made this waiter.
   *
   * @throws InterruptedException if the thread was interrupted while waiting; the run is then
   *     stopped
   */
  <O> O await(CompletableFuture<O> result) throws InterruptedException, ExecutionException {
    if (!result.isDone()) {
      result.whenComplete((value, error) -> LockSupport.unpark(thread));
    }
    try {
      while (!result.isDone()) {
        if (Thread.interrupted()) {
          stopped = true;
          throw new InterruptedException();
        }
        Offer offer = offered.poll();
        if (offer != null) {
          offer.task.run(); // does nothing if an executor thread started it, or it was cancelled
          // Off the executor's queue, where it would only take a place (a bounded queue rejects).
          if (offer.executor instanceof ThreadPoolExecutor) {
            ((ThreadPoolExecutor) offer.executor).remove(offer.task);
          }
          continue;
        }
        parked = true;
        if (offered.isEmpty() && !result.isDone()) {
          LockSupport.park(this);
        }
        parked = false;
      }
    } finally {
      done = true;
      offered.clear();
    }
    return result.get();
  }

  @Override
  public boolean isStopped() {
    return stopped;
  }

  /** The tasks offered and not yet taken; for tests. */
  int pending() {
    return offered.size();
  }

  /** A task that runs at most once, whoever runs it first: the executor's thread or a waiter. */
  static final class Once implements Runnable {
    private final Runnable task;
    private final AtomicBoolean ran = new AtomicBoolean();

    Once(Runnable task) {
      this.task = task;
    }

    @Override
    public void run() {
      if (ran.compareAndSet(false, true)) {
        task.run();
      }
    }
  }

  @Override
  public CancelScope parent() {
    return parent;
  }
}

package dev.tta.primitives;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
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
  private final ConcurrentLinkedQueue<IsolatedCall<?, ?>> offered = new ConcurrentLinkedQueue<>();
  private volatile boolean parked;
  private volatile boolean stopped;

  Waiter(CancelScope parent) {
    this.parent = parent;
  }

  /** The waiter of the nearest blocking run that {@code scope} is part of, or {@code null}. */
  static Waiter of(CancelScope scope) {
    for (CancelScope s = scope; s != null; s = s.parent()) {
      if (s instanceof Waiter) {
        return (Waiter) s;
      }
    }
    return null;
  }

  /** A call of this run was handed to the executor; the waiting thread may run it first. */
  void offer(IsolatedCall<?, ?> call) {
    offered.add(call);
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
    while (!result.isDone()) {
      IsolatedCall<?, ?> call = offered.poll();
      if (call != null) {
        call.run(); // does nothing if an executor thread started it, or it was cancelled
        continue;
      }
      parked = true;
      if (offered.isEmpty() && !result.isDone()) {
        LockSupport.park(this);
      }
      parked = false;
      if (Thread.interrupted()) {
        stopped = true;
        throw new InterruptedException();
      }
    }
    offered.clear();
    return result.get();
  }

  @Override
  public boolean isStopped() {
    return stopped;
  }

  @Override
  public CancelScope parent() {
    return parent;
  }
}

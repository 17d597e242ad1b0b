package dev.tta.primitives;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs a primitive on an executor thread and completes with its result. Cancelling interrupts the
 * thread while the primitive's {@code execute} runs (never afterwards, when the thread may serve
 * someone else) and cancels the primitive's own future; the interrupt comes before the cancelled
 * call completes.
 */
final class IsolatedCall<I, O> extends StoppableFuture<O> implements Runnable {

  private final WorkflowPrimitive<? super I, ? extends O> primitive;
  private final I input;
  private final WorkflowContext context;
  private final boolean interruptOnCancel;

  // Guarded by this: the thread inside execute(), if any.
  private Thread runner;
  private volatile CompletableFuture<? extends O> inner;

  private IsolatedCall(
      WorkflowPrimitive<? super I, ? extends O> primitive,
      I input,
      WorkflowContext context,
      boolean interruptOnCancel) {
    this.primitive = primitive;
    this.input = input;
    this.context = context;
    this.interruptOnCancel = interruptOnCancel;
  }

  /** Submits {@code primitive} to {@code executor}; a rejection becomes the failure. */
  static <I, O> IsolatedCall<I, O> start(
      WorkflowPrimitive<? super I, ? extends O> primitive,
      I input,
      WorkflowContext context,
      Executor executor,
      boolean interruptOnCancel) {
    IsolatedCall<I, O> call = new IsolatedCall<>(primitive, input, context, interruptOnCancel);
    try {
      executor.execute(call);
    } catch (RejectedExecutionException e) {
      call.settleExceptionally(e);
    }
    return call;
  }

  @Override
  public void run() {
    synchronized (this) {
      if (isClaimed() || isDone()) {
        return; // cancelled or timed out before it started: do no work
      }
      runner = Thread.currentThread();
    }
    CompletableFuture<? extends O> result;
    try {
      result = Futures.call(primitive, input, context);
    } finally {
      synchronized (this) {
        runner = null;
      }
      if (isClaimed()) {
        Thread.interrupted(); // a late interrupt must not leak into the pool thread's next task
      }
    }
    inner = result;
    if (isClaimed()) {
      stopLate(result);
    } else {
      settleFrom(result);
    }
  }

  /**
   * Interrupts {@code execute} if it runs (and interrupting is allowed), cancels what it started.
   */
  @Override
  void stop(boolean interrupt) {
    boolean interruptNow = interrupt && interruptOnCancel;
    synchronized (this) {
      if (runner != null && interruptNow) {
        runner.interrupt();
      }
    }
    CompletableFuture<? extends O> work = inner;
    if (work != null) {
      work.cancel(interruptNow);
    }
  }
}

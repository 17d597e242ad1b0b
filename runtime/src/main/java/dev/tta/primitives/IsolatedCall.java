package dev.tta.primitives;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Runs a primitive on an executor thread and completes with its result. Cancelling interrupts the
 * thread while the primitive's {@code execute} runs (never afterwards, when the thread may serve
 * someone else) and cancels the primitive's own future; the interrupt comes before the cancelled
 * call completes.
 *
 * <p>While {@code execute} runs, the call is the thread's {@linkplain #current() current} isolated
 * call: a sequence running synchronously inside it asks {@link #cancelledOnThisThread()} between
 * its steps, so a cancelled run starts no further step even if the running step ignores its
 * interrupt.
 */
final class IsolatedCall<I, O> extends StoppableFuture<O> implements Runnable {

  /** The isolated call whose {@code execute} runs on this thread, if any. */
  private static final ThreadLocal<IsolatedCall<?, ?>> CURRENT = new ThreadLocal<>();

  private final WorkflowPrimitive<? super I, ? extends O> primitive;
  private final I input;
  private final WorkflowContext context;
  private final boolean interruptOnCancel;

  // Guarded by this: the thread inside execute(), if any.
  private Thread runner;
  private volatile CompletableFuture<? extends O> inner;
  // The call this one runs inside on the same thread (a direct executor), if any.
  private IsolatedCall<?, ?> enclosing;

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

  /**
   * Submits {@code primitive} to {@code executor}; a rejection (or any other throw of the executor)
   * becomes the failure.
   */
  static <I, O> IsolatedCall<I, O> start(
      WorkflowPrimitive<? super I, ? extends O> primitive,
      I input,
      WorkflowContext context,
      Executor executor,
      boolean interruptOnCancel) {
    IsolatedCall<I, O> call = create(primitive, input, context, interruptOnCancel);
    try {
      executor.execute(call);
    } catch (Throwable t) { // RejectedExecutionException, or a broken executor: never throw
      call.settleExceptionally(t);
    }
    return call;
  }

  /**
   * A call that its creator runs itself ({@link #run()}), e.g. in place on the current thread once
   * the call is published where a cancel can reach it.
   */
  static <I, O> IsolatedCall<I, O> create(
      WorkflowPrimitive<? super I, ? extends O> primitive,
      I input,
      WorkflowContext context,
      boolean interruptOnCancel) {
    return new IsolatedCall<>(primitive, input, context, interruptOnCancel);
  }

  @Override
  public void run() {
    synchronized (this) {
      if (isClaimed() || isDone()) {
        return; // cancelled or timed out before it started: do no work
      }
      runner = Thread.currentThread();
    }
    IsolatedCall<?, ?> previous = CURRENT.get();
    enclosing = previous;
    CURRENT.set(this);
    CompletableFuture<? extends O> result;
    try {
      result = Futures.call(primitive, input, context);
    } finally {
      // set, not remove: the thread's map keeps its entry (holding nothing) instead of making a new
      // one for every call the pool thread runs.
      CURRENT.set(previous);
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
   * The isolated call whose {@code execute} runs on this thread, or {@code null}.
   *
   * @return the current call
   */
  static IsolatedCall<?, ?> current() {
    return CURRENT.get();
  }

  /**
   * Whether the isolated call running on this thread (or one it runs inside) was cancelled or
   * otherwise ended: work it started synchronously should start nothing more. Cheap: one
   * thread-local read.
   *
   * @return true if the enclosing call is over
   */
  static boolean cancelledOnThisThread() {
    IsolatedCall<?, ?> call = CURRENT.get();
    return call != null && call.isOver();
  }

  /** Whether this call, or one it runs inside, was cancelled or otherwise ended. */
  boolean isOver() {
    for (IsolatedCall<?, ?> call = this; call != null; call = call.enclosing) {
      if (call.isClaimed() || call.isDone()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Calls {@code primitive} outside the current isolated call: for work shared with other callers
   * (a cache's single flight), which must not stop because the caller that started it is cancelled.
   */
  static <I, O> CompletableFuture<O> callDetached(
      WorkflowPrimitive<? super I, ? extends O> primitive, I input, WorkflowContext context) {
    IsolatedCall<?, ?> previous = CURRENT.get();
    if (previous == null) {
      return Futures.call(primitive, input, context);
    }
    CURRENT.remove();
    try {
      return Futures.call(primitive, input, context);
    } finally {
      CURRENT.set(previous);
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

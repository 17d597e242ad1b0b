package dev.tta.primitives;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Runs a primitive on an executor thread and completes with its result. Cancelling interrupts the
 * thread while the primitive's {@code execute} runs (never afterwards, when the thread may serve
 * someone else) and cancels the primitive's own future; the interrupt comes before the cancelled
 * call completes.
 *
 * <p>The call is a {@link CancelScope}: the primitive runs with it as its context's scope, so work
 * it starts (steps, branches, elements, attempts) sees a cancel at once, even before {@code
 * execute} has returned the future that the cancel could reach. It runs at most once: a blocking
 * run waiting for it may run it in place ({@link Waiter}) if no executor thread has started it.
 * While {@code execute} runs, the call is the thread's {@linkplain #current() current} one, so that
 * a workflow run nested in it without a context inherits its scope.
 */
final class IsolatedCall<I, O> extends StoppableFuture<O> implements CancelScope, Runnable {

  /** The isolated call whose {@code execute} runs on this thread, if any. */
  private static final ThreadLocal<IsolatedCall<?, ?>> CURRENT = new ThreadLocal<>();

  /** How deep this thread is in announcements ({@link CancelScope#announceUnlessCancelled}). */
  private static final ThreadLocal<int[]> ANNOUNCING = ThreadLocal.withInitial(() -> new int[1]);

  private final WorkflowPrimitive<? super I, ? extends O> primitive;
  private final I input;
  private final WorkflowContext context;
  private final boolean interruptOnCancel;

  // Guarded by this: whether run() began, and the thread inside execute(), if any.
  private boolean started;
  private Thread runner;
  private int announcements; // in progress in this call's scope; a cancel waits for them
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

  /**
   * Submits {@code primitive} to {@code executor}. A rejection (or any other throw of the executor)
   * becomes the failure: a {@link WorkflowException} naming the step, whose cause is what the
   * executor threw. A {@code helpable} call is also offered to the blocking run that waits for it,
   * if any, which runs it itself when no executor thread has started it (a bounded pool whose
   * threads all wait for such calls). Calls whose caller must be released at a deadline are not
   * helpable: the waiter would be the thread held.
   */
  static <I, O> IsolatedCall<I, O> start(
      WorkflowPrimitive<? super I, ? extends O> primitive,
      I input,
      WorkflowContext context,
      Executor executor,
      boolean interruptOnCancel,
      boolean helpable) {
    IsolatedCall<I, O> call = create(primitive, input, context, interruptOnCancel);
    try {
      executor.execute(call);
    } catch (Throwable t) { // RejectedExecutionException, or a broken executor: never throw
      call.settleExceptionally(
          WorkflowException.rejected(
              context.workflowName(), Structure.reportedName(primitive, context), 1, t));
      return call;
    }
    if (helpable) {
      Waiter waiter = Waiter.of(context.scope());
      if (waiter != null) {
        waiter.offer(call, executor);
      }
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
    boolean scopeCancelled = false;
    synchronized (this) {
      if (started || isClaimed() || isDone()) {
        return; // run elsewhere already, or cancelled or timed out before it started: no work
      }
      started = true;
      scopeCancelled = CancelScope.isCancelled(context.scope());
      if (!scopeCancelled) {
        runner = Thread.currentThread();
      }
    }
    if (scopeCancelled) {
      settleExceptionally(new CancellationException("run cancelled before '" + name() + "'"));
      return;
    }
    IsolatedCall<?, ?> previous = CURRENT.get();
    CURRENT.set(this);
    try {
      CompletableFuture<? extends O> result;
      try {
        result = Futures.call(primitive, input, context.withScope(this));
      } finally {
        synchronized (this) {
          runner = null;
        }
        if (isClaimed()) {
          Thread.interrupted(); // a late interrupt must not leak into the pool thread's next task
        }
      }
      inner = result;
      // Still the thread's current call: what completing it runs here at once (the next stage, a
      // fallback) is part of this run, and a workflow it runs nested inherits its scope.
      if (isClaimed()) {
        stopLate(result);
      } else {
        settleFrom(result);
      }
    } finally {
      // set, not remove: the thread's map keeps its entry (holding nothing) instead of making a new
      // one for every call the pool thread runs.
      CURRENT.set(previous);
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

  @Override
  public CancelScope parent() {
    return context.scope();
  }

  /**
   * A run started with {@code runAsync} is its own: a waiter of the run it came from never runs its
   * work.
   */
  @Override
  public CancelScope helpedBy() {
    return primitive instanceof WorkflowRunner ? null : context.scope();
  }

  /** The step this call runs, as failures name it. */
  String name() {
    return Structure.reportedName(primitive, context);
  }

  /**
   * Calls {@code primitive} outside the current isolated call, in {@code context} (whose scope is
   * the shared work's own): for work shared with other callers (a cache's single flight), which
   * must not stop because the caller that started it is cancelled.
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

  /** Runs {@code announcement} as an announcement of this thread's. */
  static void announcing(Runnable announcement) {
    int[] depth = ANNOUNCING.get();
    depth[0]++;
    try {
      announcement.run();
    } finally {
      depth[0]--;
    }
  }

  /** Whether this thread is inside an announcement: then it never waits for another's. */
  static boolean isAnnouncing() {
    return ANNOUNCING.get()[0] > 0;
  }

  synchronized void announcementBegins() {
    announcements++;
  }

  synchronized void announcementEnds() {
    if (--announcements == 0) {
      notifyAll();
    }
  }

  /**
   * Interrupts {@code execute} if it runs (and interrupting is allowed), cancels what it started.
   * Returns only once the announcements in progress in this call's scope are over (they began
   * before the cancel and did not see it), unless it is called from inside one.
   */
  @Override
  void stop(boolean interrupt) {
    boolean interruptNow = interrupt && interruptOnCancel;
    synchronized (this) {
      if (runner != null && interruptNow) {
        runner.interrupt();
      }
      if (announcements > 0 && !isAnnouncing()) {
        boolean interrupted = false;
        while (announcements > 0) {
          try {
            wait();
          } catch (InterruptedException e) {
            interrupted = true; // finish the barrier: an announcement is short
          }
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
    CompletableFuture<? extends O> work = inner;
    if (work != null) {
      work.cancel(interruptNow);
    }
  }
}

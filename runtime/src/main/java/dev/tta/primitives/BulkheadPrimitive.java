package dev.tta.primitives;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Bounds how many calls of a primitive are in flight at once, under a {@link BulkheadPolicy}.
 *
 * <p>A call takes a free slot and runs at once, on the caller's thread; that costs two atomic
 * operations more than the plain call. When no slot is free it waits in a first-come, first-served
 * queue of at most {@link BulkheadPolicy#queue()} calls, without holding a thread: the returned
 * future is pending until a slot frees. A call that finds the queue full, or whose wait passes
 * {@link BulkheadPolicy#maxWait()} (a timer on the runtime's {@link WorkflowScheduler}), fails with
 * a {@link BulkheadFullException}, without the delegate being called, and the listeners hear {@link
 * WorkflowListener#onRejected}. A slot is given back when the delegate's future completes (a value,
 * a failure or a cancellation); the first waiting call then takes it and starts on the thread that
 * gave it back, or on the runtime's executor when the delegate {@linkplain
 * WorkflowPrimitive#isBlocking() blocks} (as a parallel branch does, so cancelling interrupts it).
 * Never more than {@link BulkheadPolicy#value()} delegate calls are in flight.
 *
 * <p>Cancelling a waiting call takes it out of the queue (it never takes a slot, its timer is
 * cancelled); a waiting call whose run was cancelled never starts. Cancelling a running call
 * cancels the delegate's future, which gives its slot back (a blocking call that ignores its
 * interrupt is no longer counted).
 *
 * <p>Each {@link #of} has slots of its own; {@link #shared} gives every bulkhead of one name in one
 * {@link WorkflowRuntime} the same slots. A rejection names the shared name, or else the step.
 *
 * @param <I> input type
 * @param <O> output type
 */
public final class BulkheadPrimitive<I, O> implements WorkflowPrimitive<I, O>, Structure {

  private static final String KIND = "Bulkhead";

  private final WorkflowPrimitive<? super I, ? extends O> delegate;
  private final BulkheadPolicy policy;
  private final Slots slots;
  private final boolean reportsAsWorkflow; // around a composition: a class-level @Bulkhead

  private BulkheadPrimitive(
      WorkflowPrimitive<? super I, ? extends O> delegate, BulkheadPolicy policy, Slots slots) {
    this.delegate = delegate;
    this.policy = policy;
    this.slots = slots;
    this.reportsAsWorkflow = Structure.reportsAsWorkflow(delegate);
  }

  /**
   * A bulkhead with slots of its own around {@code delegate}.
   *
   * @param delegate the work
   * @param policy the policy
   * @param <I> input type
   * @param <O> output type
   * @return the primitive
   */
  public static <I, O> BulkheadPrimitive<I, O> of(
      WorkflowPrimitive<? super I, ? extends O> delegate, BulkheadPolicy policy) {
    Objects.requireNonNull(delegate, "delegate");
    Objects.requireNonNull(policy, "policy");
    return new BulkheadPrimitive<>(delegate, policy, new Slots(policy, null));
  }

  /**
   * A bulkhead around {@code delegate} whose slots are those of every bulkhead named {@code name}
   * in {@code runtime}: calls of all of them together are bounded by {@code policy}.
   *
   * @param delegate the work
   * @param policy the policy; every declaration of the name must have the same
   * @param name the shared name; rejections carry it
   * @param runtime the runtime the slots belong to
   * @param <I> input type
   * @param <O> output type
   * @return the primitive
   * @throws IllegalStateException if {@code name} is shared in {@code runtime} with another policy
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public static <I, O> BulkheadPrimitive<I, O> shared(
      WorkflowPrimitive<? super I, ? extends O> delegate,
      BulkheadPolicy policy,
      String name,
      WorkflowRuntime runtime) {
    Objects.requireNonNull(delegate, "delegate");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(runtime, "runtime"); // the runtime checks the name
    Slots slots = runtime.shared(KIND, name, policy, () -> new Slots(policy, name));
    return new BulkheadPrimitive<>(delegate, policy, slots);
  }

  /**
   * The policy.
   *
   * @return the policy
   */
  public BulkheadPolicy policy() {
    return policy;
  }

  /**
   * How many calls hold a slot now (across every primitive sharing the slots).
   *
   * @return the calls in flight
   */
  public int inFlight() {
    return slots.inFlight.get();
  }

  /**
   * How many calls wait for a slot now (across every primitive sharing the slots).
   *
   * @return the calls waiting
   */
  public int waiting() {
    return slots.waiters;
  }

  @Override
  public CompletableFuture<O> execute(I input, WorkflowContext context) {
    if (!slots.tryAcquire()) {
      return slots.enqueue(this, input, context);
    }
    return withSlot(input, context);
  }

  /**
   * For a generated workflow's direct run, which calls a step in place without a future: takes a
   * free slot if nobody waits for one. A {@code true} must be followed by {@link #exitInPlace} when
   * the call ends, however it ends.
   *
   * @return whether a slot was taken; {@code false}: make the call through {@link #execute}
   */
  public boolean enterInPlace() {
    return slots.tryAcquire();
  }

  /** Gives back the slot {@link #enterInPlace} took; the first waiting call, if any, takes it. */
  public void exitInPlace() {
    slots.release();
  }

  /** Calls the delegate in place, holding a slot taken for it. */
  private CompletableFuture<O> withSlot(I input, WorkflowContext context) {
    CompletableFuture<O> result = Futures.call(delegate, input, context);
    if (result.isDone()) {
      slots.release();
    } else {
      result.whenComplete(slots); // gives the slot back however it ends, a cancel included
    }
    return result;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  /** As blocking as the delegate: a call with a free slot runs on the caller's thread. */
  @Override
  public boolean isBlocking() {
    return delegate.isBlocking();
  }

  @Override
  public boolean reportsAsWorkflow() {
    return reportsAsWorkflow;
  }

  /** The name a rejection carries: the shared name, else the step's (or the workflow's). */
  private String bulkheadName(WorkflowContext context) {
    return slots.sharedName != null ? slots.sharedName : Structure.reportedName(this, context);
  }

  /** Tells the listeners of a rejection and returns it. */
  private BulkheadFullException rejected(WorkflowContext context, String why) {
    BulkheadFullException rejection = new BulkheadFullException(bulkheadName(context), why);
    Events events = context.runtime().events();
    if (events.enabled()) {
      events.onRejected(context, Structure.reportedName(this, context), rejection);
    }
    return rejection;
  }

  private static CancellationException cancelled(
      WorkflowPrimitive<?, ?> primitive, WorkflowContext context) {
    return new CancellationException(
        "run cancelled before '" + Structure.reportedName(primitive, context) + "'");
  }

  /**
   * The slots and the queue of one bulkhead. A call with no one waiting takes a slot by a
   * compare-and-set; everything else (the queue, handing slots to waiting calls) happens under the
   * monitor. A call that joins the queue counts itself in {@link #waiters} before it looks for a
   * free slot, and a call giving a slot back looks at {@link #waiters} after it did: so a slot
   * freed while a call joins the queue is always seen by one of the two.
   */
  private static final class Slots implements BiConsumer<Object, Throwable> {
    private final int value;
    private final int queueLimit;
    private final long maxWaitNanos; // -1: as long as it takes
    private final String sharedName; // null: the step's own
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ArrayDeque<Queued<?, ?>> queue = new ArrayDeque<>(); // guarded by this
    private volatile int waiters; // queue.size(), written under the monitor
    private final AtomicInteger drains = new AtomicInteger(); // drain guard: no recursion

    Slots(BulkheadPolicy policy, String sharedName) {
      this.value = policy.value();
      this.queueLimit = policy.queue();
      this.maxWaitNanos =
          policy.maxWait() == null ? -1 : RetryPolicy.saturatedNanos(policy.maxWait());
      this.sharedName = sharedName;
    }

    /** Takes a free slot if nobody waits for one. */
    boolean tryAcquire() {
      return waiters == 0 && takeSlot();
    }

    private boolean takeSlot() {
      AtomicInteger count = inFlight;
      for (int now = count.get(); now < value; now = count.get()) {
        if (count.compareAndSet(now, now + 1)) {
          return true;
        }
      }
      return false;
    }

    /** Gives a slot back; the first waiting call, if any, takes it. */
    void release() {
      inFlight.decrementAndGet();
      if (waiters != 0) {
        drain();
      }
    }

    /** A call with a slot completed. */
    @Override
    public void accept(Object value, Throwable error) {
      release();
    }

    /** No free slot at first sight: queue the call, run it at once, or reject it. */
    <I, O> CompletableFuture<O> enqueue(
        BulkheadPrimitive<I, O> primitive, I input, WorkflowContext context) {
      if (CancelScope.isCancelled(context.scope())) {
        return CompletableFuture.failedFuture(cancelled(primitive, context));
      }
      Queued<I, O> call = null;
      boolean slot = false;
      int waitingNow = 0;
      synchronized (this) {
        if (queue.isEmpty() && takeSlot()) {
          slot = true; // one freed meanwhile
        } else if (queue.size() < queueLimit && maxWaitNanos != 0) {
          call = new Queued<>(primitive, input, context, this);
          queue.addLast(call);
          waiters = queue.size();
        } else {
          waitingNow = queue.size();
        }
      }
      if (slot) {
        return primitive.withSlot(input, context); // a slot freed meanwhile
      }
      if (call == null) {
        int busy = inFlight.get();
        String why =
            queueLimit == 0
                ? busy + " calls in flight of " + value
                : maxWaitNanos == 0
                    ? busy + " calls in flight of " + value + " and maxWait is 0"
                    : busy + " calls in flight of " + value + " and " + waitingNow + " waiting";
        return CompletableFuture.failedFuture(primitive.rejected(context, why));
      }
      drain(); // a slot freed while the call joined the queue
      if (maxWaitNanos > 0 && call.isWaiting()) {
        call.armTimer(maxWaitNanos);
      }
      return call;
    }

    /** Hands free slots to waiting calls, first come first served, and starts them. */
    void drain() {
      if (drains.getAndIncrement() != 0) {
        return; // the thread draining now sees this slot too
      }
      do {
        for (Queued<?, ?> next = grantNext(); next != null; next = grantNext()) {
          next.begin();
        }
      } while (drains.decrementAndGet() != 0);
    }

    /** The first waiting call, with a slot taken for it; null if none waits or no slot is free. */
    private synchronized Queued<?, ?> grantNext() {
      for (Queued<?, ?> head = queue.peekFirst(); head != null; head = queue.peekFirst()) {
        if (head.isClaimed()) { // being cancelled: its stop finds it gone
          queue.pollFirst();
          head.waiting = false;
          waiters = queue.size();
          continue;
        }
        if (!takeSlot()) {
          return null;
        }
        queue.pollFirst();
        head.waiting = false;
        waiters = queue.size();
        return head;
      }
      return null;
    }

    /** Takes {@code call} out of the queue if it still waits there. */
    synchronized boolean remove(Queued<?, ?> call) {
      if (!call.waiting) {
        return false;
      }
      call.waiting = false;
      queue.remove(call);
      waiters = queue.size();
      return true;
    }
  }

  /**
   * A call that waits for a slot: its result future, its place in the queue and its max-wait timer.
   */
  private static final class Queued<I, O> extends StoppableFuture<O>
      implements Runnable, BiConsumer<Object, Throwable> {
    private final BulkheadPrimitive<I, O> primitive;
    private final I input;
    private final WorkflowContext context;
    private final Slots slots;
    private boolean waiting = true; // guarded by slots
    private volatile ScheduledFuture<?> timer;
    private volatile CompletableFuture<? extends O> call;

    Queued(BulkheadPrimitive<I, O> primitive, I input, WorkflowContext context, Slots slots) {
      this.primitive = primitive;
      this.input = input;
      this.context = context;
      this.slots = slots;
    }

    boolean isWaiting() {
      synchronized (slots) {
        return waiting;
      }
    }

    void armTimer(long nanos) {
      ScheduledFuture<?> armed;
      try {
        armed = context.runtime().scheduler().schedule(this, nanos, TimeUnit.NANOSECONDS);
      } catch (Throwable t) { // a broken scheduler: the call cannot wait with a bound
        if (slots.remove(this)) {
          settleExceptionally(t);
        }
        return;
      }
      timer = armed;
      if (!isWaiting()) {
        armed.cancel(false); // it took a slot (or was cancelled) meanwhile
      }
    }

    /** The max wait passed. */
    @Override
    public void run() {
      if (!slots.remove(this)) {
        return; // it took a slot, or was cancelled
      }
      if (CancelScope.isCancelled(context.scope())) {
        settleExceptionally(cancelled(primitive, context));
        return;
      }
      if (!claimToStop(false)) {
        return;
      }
      failClaimed( // the listeners are told first; Events never throws
          primitive.rejected(
              context,
              "no slot within its maxWait of "
                  + primitive.policy.maxWait().toMillis()
                  + " ms ("
                  + slots.inFlight.get()
                  + " calls in flight of "
                  + slots.value
                  + ")"));
    }

    /** It has a slot: start the delegate, unless the call or its run was cancelled. */
    void begin() {
      ScheduledFuture<?> armed = timer;
      if (armed != null) {
        armed.cancel(false);
      }
      if (isClaimed()) {
        slots.release();
        return;
      }
      if (CancelScope.isCancelled(context.scope())) {
        slots.release();
        settleExceptionally(cancelled(primitive, context));
        return;
      }
      WorkflowPrimitive<? super I, ? extends O> delegate = primitive.delegate;
      CompletableFuture<? extends O> started =
          delegate.isBlocking()
              ? IsolatedCall.start(
                  delegate, input, context, context.runtime().executor(), true, true)
              : Futures.call(delegate, input, context);
      call = started;
      started.whenComplete(this);
      if (isClaimed()) {
        stopLate(started); // cancelled while it started
      }
    }

    /** The delegate's call completed: give the slot back, then complete like it. */
    @Override
    @SuppressWarnings("unchecked") // the delegate produces an O
    public void accept(Object value, Throwable error) {
      slots.release();
      if (error == null) {
        settle((O) value);
      } else {
        settleExceptionally(Futures.unwrap(error));
      }
    }

    /** Leaves the queue (no slot is taken later), or cancels the delegate's call in flight. */
    @Override
    void stop(boolean interrupt) {
      slots.remove(this);
      ScheduledFuture<?> armed = timer;
      if (armed != null) {
        armed.cancel(false);
      }
      CompletableFuture<? extends O> running = call;
      if (running != null) {
        running.cancel(interrupt);
      }
    }
  }
}

package dev.tta.primitives;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/** The for-each form of {@link ParallelPrimitive}: one body over every element of the input. */
final class ForEachPrimitive<E, R> implements WorkflowPrimitive<Iterable<? extends E>, List<R>> {

  private final WorkflowPrimitive<? super E, ? extends R> body;
  private final int maxConcurrency;

  ForEachPrimitive(WorkflowPrimitive<? super E, ? extends R> body, int maxConcurrency) {
    if (maxConcurrency < 0) {
      throw new IllegalArgumentException("maxConcurrency must be >= 0 (0 = no bound)");
    }
    this.body = Objects.requireNonNull(body, "body");
    this.maxConcurrency = maxConcurrency;
  }

  @Override
  public CompletableFuture<List<R>> execute(Iterable<? extends E> input, WorkflowContext context) {
    if (input == null) {
      return failed(
          new NullPointerException("for-each '" + body.name() + "' got a null input"), context);
    }
    List<E> items;
    try {
      items = ParallelPrimitive.toList(input); // iterates the caller's Iterable: it may throw
    } catch (Throwable t) { // execute never throws
      return failed(t, context);
    }
    if (items.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    int limit = maxConcurrency == 0 ? items.size() : Math.min(maxConcurrency, items.size());
    Run<E, R> run = new Run<>(body, items, limit, context);
    run.drain();
    return run;
  }

  /** A failure of the for-each itself (its input), named after its step as the elements are. */
  private CompletableFuture<List<R>> failed(Throwable failure, WorkflowContext context) {
    return CompletableFuture.failedFuture(
        new WorkflowException(
            context.workflowName(), Structure.reportedName(body, context), 1, failure));
  }

  @Override
  public String name() {
    return body.name();
  }

  @Override
  public boolean isBlocking() {
    return false;
  }

  /**
   * One for-each run: starts elements while under the bound, in input order. The first failure
   * stops the elements in flight, then fails the run.
   */
  private static final class Run<E, R> extends StoppableFuture<List<R>> implements CancelScope {
    private final WorkflowPrimitive<? super E, ? extends R> body;
    private final List<E> items;
    private final int limit;
    private final CancelScope parent;
    private final WorkflowContext context; // the elements': a failed element stops the others
    private final Object[] results;
    // Written by the starting thread, read by whichever thread stops the run.
    private final AtomicReferenceArray<CompletableFuture<?>> futures;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    // Drain guard: completions that arrive while one thread starts elements hand the work to it,
    // so a long list of elements that finish at once never recurses.
    private final AtomicInteger wip = new AtomicInteger();
    private int next; // guarded by wip

    Run(
        WorkflowPrimitive<? super E, ? extends R> body,
        List<E> items,
        int limit,
        WorkflowContext context) {
      this.body = body;
      this.items = items;
      this.limit = limit;
      this.parent = context.scope();
      this.context = context.withScope(this);
      this.results = new Object[items.size()];
      this.futures = new AtomicReferenceArray<>(items.size());
    }

    void drain() {
      if (wip.getAndIncrement() != 0) {
        return;
      }
      do {
        while (next < items.size() && inFlight.get() < limit && !isClaimed()) {
          if (CancelScope.isCancelled(parent)) {
            stopAndFail(new CancellationException("run cancelled: for-each stopped"), true);
            break;
          }
          int index = next++;
          inFlight.incrementAndGet();
          start(index);
        }
      } while (wip.decrementAndGet() != 0);
    }

    @Override
    public CancelScope parent() {
      return parent;
    }

    private void start(int index) {
      E item = items.get(index);
      // Observed runs tell the element's step call which element it is.
      WorkflowContext element = context.observed() != null ? context.withElement(index) : context;
      CompletableFuture<? extends R> future =
          body.isBlocking()
              ? IsolatedCall.start(body, item, element, element.runtime().executor(), true, true)
              : Futures.call(body, item, element);
      futures.set(index, future);
      if (future.isDone()) {
        elementDone(index, future);
      } else {
        future.whenComplete((value, error) -> elementDone(index, future));
        if (isClaimed()) {
          stopLate(future); // the run failed or was cancelled while this element started
        }
      }
    }

    private void elementDone(int index, CompletableFuture<? extends R> future) {
      if (Futures.succeeded(future)) {
        results[index] = future.getNow(null); // published by the increment below
        inFlight.decrementAndGet();
        if (finished.incrementAndGet() == results.length) {
          @SuppressWarnings("unchecked") // each slot holds an R
          List<R> list = (List<R>) Collections.unmodifiableList(Arrays.asList(results));
          settle(list);
        } else {
          drain();
        }
      } else {
        stopAndFail(Futures.failure(future), true);
      }
    }

    /** Cancels the elements in flight; a thread is interrupted only if {@code interrupt}. */
    @Override
    void stop(boolean interrupt) {
      for (int i = 0; i < futures.length(); i++) {
        CompletableFuture<?> future = futures.get(i);
        if (future != null && !future.isDone()) {
          future.cancel(interrupt);
        }
      }
    }
  }
}

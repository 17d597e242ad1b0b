package dev.tta.primitives;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Runs branches at the same time on one input; the output lists their results in branch order.
 * Blocking branches each get a thread of the runtime's executor, so the wall time is about the
 * slowest branch; non-blocking ones are started directly. The first failure cancels the other
 * branches (interrupting blocking ones) and then fails the whole stage. Cancelling the stage
 * cancels the branches, interrupting blocking ones only if {@code mayInterruptIfRunning}.
 *
 * <p>{@link #forEach(WorkflowPrimitive, int)} is the other form: one body over every element of a
 * list input, at most {@code maxConcurrency} elements in flight, results in input order.
 *
 * @param <I> input type
 * @param <O> a common supertype of the branches' outputs
 */
public final class ParallelPrimitive<I, O> implements WorkflowPrimitive<I, List<O>>, Structure {

  private final WorkflowPrimitive<? super I, ? extends O>[] branches;

  private ParallelPrimitive(List<? extends WorkflowPrimitive<? super I, ? extends O>> branches) {
    if (branches.isEmpty()) {
      throw new IllegalArgumentException("a parallel stage needs at least one branch");
    }
    @SuppressWarnings("unchecked") // generic array creation
    WorkflowPrimitive<? super I, ? extends O>[] array =
        (WorkflowPrimitive<? super I, ? extends O>[])
            branches.toArray(new WorkflowPrimitive<?, ?>[0]);
    for (WorkflowPrimitive<? super I, ? extends O> branch : array) {
      Objects.requireNonNull(branch, "branch");
    }
    this.branches = array;
  }

  /**
   * Branches over one input.
   *
   * @param branches the branches, in the order of the results
   * @param <I> input type
   * @param <O> common output supertype
   * @return the parallel stage
   */
  public static <I, O> ParallelPrimitive<I, O> of(
      List<? extends WorkflowPrimitive<? super I, ? extends O>> branches) {
    return new ParallelPrimitive<>(List.copyOf(branches));
  }

  /**
   * Branches over one input.
   *
   * @param branches the branches, in the order of the results
   * @param <I> input type
   * @param <O> common output supertype
   * @return the parallel stage
   */
  @SafeVarargs
  public static <I, O> ParallelPrimitive<I, O> of(
      WorkflowPrimitive<? super I, ? extends O>... branches) {
    List<WorkflowPrimitive<? super I, ? extends O>> list = new ArrayList<>(branches.length);
    for (WorkflowPrimitive<? super I, ? extends O> branch : branches) {
      list.add(branch);
    }
    return of(list);
  }

  /**
   * The for-each form: runs {@code body} on every element of the input, with at most {@code
   * maxConcurrency} elements in flight (0 = no bound). The output holds the results in input order;
   * the first failure cancels the elements in flight and starts no more.
   *
   * @param body the work for one element
   * @param maxConcurrency the bound, 0 for none
   * @param <E> element type
   * @param <R> result type per element
   * @return the for-each primitive
   */
  public static <E, R> WorkflowPrimitive<Iterable<? extends E>, List<R>> forEach(
      WorkflowPrimitive<? super E, ? extends R> body, int maxConcurrency) {
    return new ForEachPrimitive<>(body, maxConcurrency);
  }

  @Override
  public CompletableFuture<List<O>> execute(I input, WorkflowContext context) {
    Join<O> join = new Join<>(branches.length, context.scope());
    WorkflowContext inJoin = context.withScope(join); // a failed branch stops its siblings' work
    for (int i = 0; i < branches.length && !join.isClaimed(); i++) {
      if (CancelScope.isCancelled(context.scope())) {
        join.stopAndFail(new CancellationException("run cancelled: parallel stage stopped"), true);
        break;
      }
      WorkflowPrimitive<? super I, ? extends O> branch = branches[i];
      CompletableFuture<? extends O> future =
          branch.isBlocking()
              ? IsolatedCall.start(branch, input, inJoin, context.runtime().executor(), true, true)
              : Futures.call(branch, input, inJoin);
      join.track(i, future);
    }
    return join;
  }

  @Override
  public String name() {
    return "parallel";
  }

  /** Blocking branches are moved to the executor, so starting the stage never blocks. */
  @Override
  public boolean isBlocking() {
    return false;
  }

  /** A parallel stage is a shape, not a step: what it reports names the workflow. */
  @Override
  public boolean reportsAsWorkflow() {
    return true;
  }

  /**
   * Collects branch results in order; fails fast: the first failure stops the other branches, then
   * fails the stage.
   */
  private static final class Join<O> extends StoppableFuture<List<O>> implements CancelScope {
    private final Object[] results;
    // Written by the starting thread, read by whichever thread stops the stage.
    private final AtomicReferenceArray<CompletableFuture<?>> futures;
    private final AtomicInteger remaining;
    private final CancelScope parent;

    Join(int size, CancelScope parent) {
      this.results = new Object[size];
      this.futures = new AtomicReferenceArray<>(size);
      this.remaining = new AtomicInteger(size);
      this.parent = parent;
    }

    @Override
    public CancelScope parent() {
      return parent;
    }

    void track(int index, CompletableFuture<? extends O> future) {
      futures.set(index, future);
      if (future.isDone()) {
        if (future.isCompletedExceptionally()) {
          failed(Futures.failure(future));
        } else {
          arrived(index, future.getNow(null));
        }
      } else {
        future.whenComplete(
            (value, error) -> {
              if (error == null) {
                arrived(index, value);
              } else {
                failed(Futures.unwrap(error));
              }
            });
        if (isClaimed()) {
          stopLate(future); // the stage failed or was cancelled while this branch started
        }
      }
    }

    private void arrived(int index, Object value) {
      results[index] = value; // published by the decrement below
      if (remaining.decrementAndGet() == 0) {
        @SuppressWarnings("unchecked") // each slot holds an O
        List<O> list = (List<O>) Collections.unmodifiableList(Arrays.asList(results));
        settle(list);
      }
    }

    /** Stops the other branches (interrupting blocking ones), then fails the stage. */
    private void failed(Throwable error) {
      stopAndFail(error, true);
    }

    /** Cancels the branches in flight; a thread is interrupted only if {@code interrupt}. */
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

  /** Used by {@link ForEachPrimitive} to copy an input into an indexable list. */
  static <E> List<E> toList(Iterable<? extends E> items) {
    if (items instanceof List) {
      @SuppressWarnings("unchecked") // read-only
      List<E> list = (List<E>) items;
      return list;
    }
    List<E> list = new ArrayList<>();
    for (E item : items) {
      list.add(item);
    }
    return list;
  }
}

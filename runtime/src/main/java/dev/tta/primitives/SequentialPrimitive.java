package dev.tta.primitives;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * Runs primitives in order, each output feeding the next. Steps that finish at once run in a plain
 * loop on the calling thread (no callbacks, no hand-off); after an asynchronous step the rest
 * continue on the thread that completed it. Cancelling the returned future cancels the step in
 * flight and starts no further step. Cancelling the run a sequence executes in (e.g. the future of
 * {@link WorkflowRunner#runAsync}, or an enclosing deadline) does the same even while a synchronous
 * step that ignores its interrupt holds the thread: the sequence checks the run's cancellation
 * before each step and fails with a {@link CancellationException} instead of starting the next.
 *
 * @param <I> input type of the first primitive
 * @param <O> output type of the last primitive
 */
public final class SequentialPrimitive<I, O> implements WorkflowPrimitive<I, O>, Structure {

  private final WorkflowPrimitive<Object, Object>[] stages;
  private final boolean blocking;

  private SequentialPrimitive(List<? extends WorkflowPrimitive<?, ?>> stages) {
    if (stages.isEmpty()) {
      throw new IllegalArgumentException("a sequence needs at least one primitive");
    }
    @SuppressWarnings("unchecked") // types are checked where the chain is built
    WorkflowPrimitive<Object, Object>[] array =
        (WorkflowPrimitive<Object, Object>[]) stages.toArray(new WorkflowPrimitive<?, ?>[0]);
    boolean anyBlocking = false;
    for (WorkflowPrimitive<Object, Object> stage : array) {
      Objects.requireNonNull(stage, "stage");
      anyBlocking |= stage.isBlocking();
    }
    this.stages = array;
    this.blocking = anyBlocking;
  }

  /**
   * Two primitives in sequence, type-checked.
   *
   * @param first runs first
   * @param second runs on the first's output
   * @param <I> input type
   * @param <M> the intermediate type
   * @param <O> output type
   * @return the sequence
   */
  public static <I, M, O> SequentialPrimitive<I, O> of(
      WorkflowPrimitive<? super I, ? extends M> first,
      WorkflowPrimitive<? super M, ? extends O> second) {
    return new SequentialPrimitive<>(List.of(first, second));
  }

  /**
   * Any number of primitives in sequence. The types between stages are not checked here (the
   * processor checks them in generated code); a mismatch fails the run with a {@link
   * ClassCastException}.
   *
   * @param stages the primitives, in order
   * @param <I> input type of the first
   * @param <O> output type of the last
   * @return the sequence
   */
  public static <I, O> SequentialPrimitive<I, O> ofUnchecked(
      List<? extends WorkflowPrimitive<?, ?>> stages) {
    return new SequentialPrimitive<>(List.copyOf(stages));
  }

  @Override
  public CompletableFuture<O> execute(I input, WorkflowContext context) {
    return runFrom(0, Futures.call(stages[0], input, context), context);
  }

  /**
   * Goes on with a run whose stage {@code index} failed with {@code failure} when a generated
   * workflow called it directly on {@code input}: the stage's own handling of that failure (a
   * retry's next attempts, the exception naming the step), then the stages after it.
   */
  @SuppressWarnings("unchecked") // a sequence's stages take and give Objects
  CompletableFuture<O> resumeAfterFailure(
      int index, Object input, Throwable failure, WorkflowContext context) {
    return resumeAfterFailure(index, input, failure, context, context, 0L);
  }

  /**
   * The same for an observed direct run: the failed stage goes on in {@code stepContext}, under the
   * observation of its call begun at {@code start}; the later stages run in {@code context}.
   */
  @SuppressWarnings("unchecked") // the chain's types line up by construction
  CompletableFuture<O> resumeAfterFailure(
      int index,
      Object input,
      Throwable failure,
      WorkflowContext context,
      WorkflowContext stepContext,
      long start) {
    WorkflowPrimitive<Object, Object> stage = stages[index];
    CompletableFuture<Object> future =
        stage instanceof StepPrimitive
            ? ((StepPrimitive<Object, Object>) stage)
                .afterFailure(input, stepContext, failure, start)
            : CompletableFuture.failedFuture(failure);
    return runFrom(index, future, context);
  }

  /**
   * Runs the stages from {@code index} on, the first on {@code input}: a direct run's hand-over.
   */
  CompletableFuture<O> resumeAt(int index, Object input, WorkflowContext context) {
    return runFrom(index, Futures.call(stages[index], input, context), context);
  }

  /** Stage {@code first} was started and gave {@code started}; runs the stages after it. */
  @SuppressWarnings("unchecked") // the chain's types line up by construction
  private CompletableFuture<O> runFrom(
      int first, CompletableFuture<Object> started, WorkflowContext context) {
    Object value = null;
    for (int i = first; i < stages.length; i++) {
      CompletableFuture<Object> future;
      if (i == first) {
        future = started;
      } else if (CancelScope.isCancelled(context.scope())) {
        return CompletableFuture.failedFuture(cancelled(i));
      } else {
        future = Futures.call(stages[i], value, context);
      }
      if (i == stages.length - 1) {
        return (CompletableFuture<O>) (CompletableFuture<?>) future; // the last one as it is
      } else if (!future.isDone()) {
        Continuation continuation = new Continuation(context);
        continuation.resume(i, future);
        return (CompletableFuture<O>) continuation;
      } else if (future.isCompletedExceptionally()) {
        return (CompletableFuture<O>) (CompletableFuture<?>) future;
      } else {
        value = future.getNow(null);
      }
    }
    throw new AssertionError("a sequence has at least one stage");
  }

  private CancellationException cancelled(int next) {
    return new CancellationException(
        "run cancelled: sequence stopped before '" + stages[next].name() + "'");
  }

  @Override
  public String name() {
    return "sequence";
  }

  @Override
  public boolean isBlocking() {
    return blocking;
  }

  /** A sequence is a shape, not a step: what it reports names the workflow. */
  @Override
  public boolean reportsAsWorkflow() {
    return true;
  }

  /** The rest of a sequence after a step that did not finish at once. */
  private final class Continuation extends StoppableFuture<Object> {
    private final WorkflowContext context;
    private volatile CompletableFuture<Object> current;

    Continuation(WorkflowContext context) {
      this.context = context;
    }

    /** Waits for stage {@code index}, whose future is {@code pending}, then runs the rest. */
    void resume(int index, CompletableFuture<Object> pending) {
      current = pending;
      if (isClaimed()) {
        stopLate(pending); // cancelled while the step was being started
        return;
      }
      pending.whenComplete(
          (value, error) -> {
            if (error != null) {
              settleExceptionally(Futures.unwrap(error));
            } else {
              runFrom(index + 1, value);
            }
          });
    }

    private void runFrom(int start, Object input) {
      Object value = input;
      for (int i = start; i < stages.length; i++) {
        if (isClaimed()) {
          return; // cancelled: start nothing more
        }
        // The run's scope is stopped even before its cancel reaches this continuation (a stage that
        // finished while being waited for runs on at once).
        if (CancelScope.isCancelled(context.scope())) {
          stopAndFail(cancelled(i), false); // the run was cancelled: start nothing more
          return;
        }
        CompletableFuture<Object> future = Futures.call(stages[i], value, context);
        if (!future.isDone()) {
          resume(i, future);
          return;
        } else if (future.isCompletedExceptionally()) {
          settleExceptionally(Futures.failure(future));
          return;
        }
        value = future.getNow(null);
      }
      settle(value);
    }

    /** Cancels the step in flight. */
    @Override
    void stop(boolean interrupt) {
      CompletableFuture<Object> inFlight = current;
      if (inFlight != null) {
        inFlight.cancel(interrupt);
      }
    }
  }
}

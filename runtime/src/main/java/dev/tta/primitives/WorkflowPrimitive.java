package dev.tta.primitives;

import java.util.concurrent.CompletableFuture;

/**
 * A unit of work that turns an input into an output asynchronously: the base type of every
 * primitive and of every generated workflow.
 *
 * <p>Implementations never throw from {@link #execute}; a failure is reported through the returned
 * future. Cancelling the returned future cancels the work still in flight.
 *
 * @param <I> input type
 * @param <O> output type
 */
@FunctionalInterface
public interface WorkflowPrimitive<I, O> {

  /**
   * Starts the work. A primitive that {@linkplain #isBlocking() blocks} does its work on the
   * calling thread and returns a completed future; others return at once.
   *
   * @param input the input, may be {@code null} when the input type is {@link Void}
   * @param context the context of the run this call belongs to
   * @return the output, or the failure
   */
  CompletableFuture<O> execute(I input, WorkflowContext context);

  /**
   * A name for events and errors: the step name for steps, a short description otherwise.
   *
   * @return the name, never {@code null}
   */
  default String name() {
    return "primitive";
  }

  /**
   * Whether {@link #execute} may block the calling thread while the work runs. Primitives that must
   * not hold their caller (timeouts, parallel branches, {@code runAsync}) move blocking work to the
   * runtime's executor and call non-blocking work directly. The safe default is {@code true}.
   *
   * @return {@code true} if the work may run on the caller's thread
   */
  default boolean isBlocking() {
    return true;
  }

  /**
   * Runs this primitive, then {@code next} on its output: the seed library's {@code >>}.
   *
   * @param next the primitive to run on this one's output
   * @param <R> the final output type
   * @return a sequential primitive of the two
   */
  default <R> WorkflowPrimitive<I, R> then(WorkflowPrimitive<? super O, ? extends R> next) {
    return SequentialPrimitive.of(this, next);
  }
}

package dev.tta.primitives;

import java.util.concurrent.CompletionStage;

/**
 * Computes a fallback result from the failed call's input and its cause.
 *
 * @param <I> input type
 * @param <O> output type
 */
@FunctionalInterface
public interface RecoveryFunction<I, O> {

  /**
   * Starts the fallback.
   *
   * @param input the input of the failed call
   * @param cause the step's own failure (wrappers removed)
   * @param context the run's context
   * @return the pending fallback result
   * @throws Exception a failure of the fallback itself
   */
  CompletionStage<? extends O> recover(I input, Throwable cause, WorkflowContext context)
      throws Exception;
}

package dev.tta.primitives;

/**
 * A synchronous step body: computes the output on the calling thread. May throw checked exceptions;
 * they become the step's failure.
 *
 * @param <I> input type
 * @param <O> output type
 */
@FunctionalInterface
public interface StepFunction<I, O> {

  /**
   * Computes the output.
   *
   * @param input the input
   * @param context the run's context
   * @return the output
   * @throws Exception the step's failure
   */
  O apply(I input, WorkflowContext context) throws Exception;
}

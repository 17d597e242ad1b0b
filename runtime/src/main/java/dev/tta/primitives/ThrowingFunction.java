package dev.tta.primitives;

/**
 * A function that may throw checked exceptions: the body of a synchronous step that does not need
 * the context.
 *
 * @param <I> input type
 * @param <O> output type
 */
@FunctionalInterface
public interface ThrowingFunction<I, O> {

  /**
   * Computes the output.
   *
   * @param input the input
   * @return the output
   * @throws Exception the step's failure
   */
  O apply(I input) throws Exception;
}

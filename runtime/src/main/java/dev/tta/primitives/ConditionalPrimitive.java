package dev.tta.primitives;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * Runs one of two primitives depending on a condition of the input.
 *
 * @param <I> input type
 * @param <O> output type
 */
public final class ConditionalPrimitive<I, O> implements WorkflowPrimitive<I, O>, Structure {

  private final Predicate<? super I> condition;
  private final WorkflowPrimitive<? super I, ? extends O> whenTrue;
  private final WorkflowPrimitive<? super I, ? extends O> whenFalse;

  private ConditionalPrimitive(
      Predicate<? super I> condition,
      WorkflowPrimitive<? super I, ? extends O> whenTrue,
      WorkflowPrimitive<? super I, ? extends O> whenFalse) {
    this.condition = Objects.requireNonNull(condition, "condition");
    this.whenTrue = Objects.requireNonNull(whenTrue, "whenTrue");
    this.whenFalse = Objects.requireNonNull(whenFalse, "whenFalse");
  }

  /**
   * Runs {@code whenTrue} if the condition holds for the input, else {@code whenFalse}.
   *
   * @param condition the test
   * @param whenTrue runs when it holds
   * @param whenFalse runs otherwise
   * @param <I> input type
   * @param <O> output type
   * @return the primitive
   */
  public static <I, O> ConditionalPrimitive<I, O> of(
      Predicate<? super I> condition,
      WorkflowPrimitive<? super I, ? extends O> whenTrue,
      WorkflowPrimitive<? super I, ? extends O> whenFalse) {
    return new ConditionalPrimitive<>(condition, whenTrue, whenFalse);
  }

  @Override
  public CompletableFuture<O> execute(I input, WorkflowContext context) {
    boolean holds;
    try {
      holds = condition.test(input);
    } catch (RuntimeException | Error e) { // execute never throws: an Error fails the future too
      return CompletableFuture.failedFuture(e);
    }
    return Futures.call(holds ? whenTrue : whenFalse, input, context);
  }

  @Override
  public String name() {
    return "conditional";
  }

  /** A choice is a shape, not a step: what it reports names the workflow. */
  @Override
  public boolean reportsAsWorkflow() {
    return true;
  }

  @Override
  public boolean isBlocking() {
    return whenTrue.isBlocking() || whenFalse.isBlocking();
  }
}

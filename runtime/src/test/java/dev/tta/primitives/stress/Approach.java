package dev.tta.primitives.stress;

import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowPrimitive;
import java.util.concurrent.CompletableFuture;

/**
 * Stamps the time this thread came to a step's lambda primitive, then hands over to it; the lambda
 * primitive takes the runtime's last look at the run's scope and calls the body. A body entered
 * after {@code cancel()} returned whose approach came before it was on its way (its thread was
 * preempted, or stopped at a safepoint, between that look and the body's first line); one whose
 * approach came after is a cancel the runtime missed. (The storm, scenario b, has its own copy.)
 */
record Approach<I, O>(WorkflowPrimitive<I, O> lambda) implements WorkflowPrimitive<I, O> {

  private static final ThreadLocal<long[]> LAST = ThreadLocal.withInitial(() -> new long[1]);

  /** When this thread last came to an {@link Approach}; read first thing in a body. */
  static long last() {
    return LAST.get()[0];
  }

  @Override
  public CompletableFuture<O> execute(I input, WorkflowContext context) {
    LAST.get()[0] = System.nanoTime();
    return lambda.execute(input, context);
  }

  @Override
  public String name() {
    return lambda.name();
  }

  @Override
  public boolean isBlocking() {
    return lambda.isBlocking();
  }
}

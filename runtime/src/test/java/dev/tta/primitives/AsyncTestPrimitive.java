package dev.tta.primitives;

import java.util.concurrent.CompletableFuture;

/** Test helper: declares a lambda primitive non-blocking, as asynchronous code would be. */
final class AsyncTestPrimitive<I, O> implements WorkflowPrimitive<I, O> {
  private final WorkflowPrimitive<I, O> body;

  private AsyncTestPrimitive(WorkflowPrimitive<I, O> body) {
    this.body = body;
  }

  static <I, O> WorkflowPrimitive<I, O> async(WorkflowPrimitive<I, O> body) {
    return new AsyncTestPrimitive<>(body);
  }

  @Override
  public CompletableFuture<O> execute(I input, WorkflowContext context) {
    return body.execute(input, context);
  }

  @Override
  public boolean isBlocking() {
    return false;
  }
}

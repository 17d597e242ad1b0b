package dev.tta.primitives.benchmarks;

import java.util.concurrent.CompletableFuture;

/**
 * Completes asynchronous steps later on the benchmark's own thread, the way an event loop completes
 * the futures of the calls it started: a step returns a future that is not done yet, and {@link
 * #drain} completes it after the step has returned. Whatever the completion triggers (disarming a
 * timer, the next step) runs inside {@code drain} on the same thread, so no thread hand-off is
 * measured, but the workflow sees a step that really went asynchronous: a {@code @Timeout} arms its
 * timer and a {@code @Retry} waits for the outcome.
 *
 * <p>Single-threaded by design: one benchmark thread starts and completes every call.
 */
final class Trampoline {

  private CompletableFuture<Long> pending;
  private long value;

  /** Starts a call whose result is {@code result}; it completes at the next {@link #drain}. */
  CompletableFuture<Long> later(long result) {
    if (pending != null) {
      throw new IllegalStateException("one call at a time");
    }
    CompletableFuture<Long> future = new CompletableFuture<>();
    pending = future;
    value = result;
    return future;
  }

  /** Completes pending calls until {@code run} is done, and returns its value. */
  <T> T drain(CompletableFuture<T> run) {
    while (!run.isDone()) {
      CompletableFuture<Long> future = pending;
      if (future == null) {
        throw new IllegalStateException("the run waits for nothing this trampoline started");
      }
      pending = null;
      future.complete(value); // runs the rest of the workflow up to its next pending call
    }
    return run.join();
  }
}

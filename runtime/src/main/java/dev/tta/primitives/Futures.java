package dev.tta.primitives;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Small future helpers shared by the primitives; none allocates on the success path. */
final class Futures {

  private Futures() {}

  /** Calls {@code primitive}, turning a throw from a misbehaving implementation into a failure. */
  static <I, O> CompletableFuture<O> call(
      WorkflowPrimitive<? super I, ? extends O> primitive, I input, WorkflowContext context) {
    CompletableFuture<? extends O> future;
    try {
      future = primitive.execute(input, context);
    } catch (Throwable t) {
      return CompletableFuture.failedFuture(t);
    }
    if (future == null) {
      return CompletableFuture.failedFuture(
          new NullPointerException("primitive '" + primitive.name() + "' returned no future"));
    }
    @SuppressWarnings("unchecked") // futures are covariant in practice: only read, never written
    CompletableFuture<O> widened = (CompletableFuture<O>) future;
    return widened;
  }

  /** True if the future completed normally. False may turn true at once: decide on true only. */
  static boolean succeeded(CompletableFuture<?> future) {
    return future.isDone() && !future.isCompletedExceptionally();
  }

  /** The failure of a future that completed exceptionally, without the CompletionException. */
  static Throwable failure(CompletableFuture<?> done) {
    try {
      done.join();
    } catch (CompletionException e) {
      return unwrap(e);
    } catch (CancellationException e) {
      return e;
    }
    throw new IllegalStateException("future did not fail");
  }

  /** Strips the wrappers that futures add around a failure. */
  static Throwable unwrap(Throwable t) {
    Throwable current = t;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  /**
   * The step's own failure: future wrappers and {@link WorkflowException}s removed. Policies
   * (retry-on, abort-on, fallback filters) decide on this.
   */
  static Throwable rootCause(Throwable t) {
    Throwable current = unwrap(t);
    while (current instanceof WorkflowException && current.getCause() != null) {
      current = unwrap(current.getCause());
    }
    return current;
  }

  /**
   * Whether {@code failure} is the runtime's executor refusing to run a step's work ({@link
   * WorkflowException#rejected}), not a step's own failure: never retried, since more attempts
   * would only pile onto a full pool.
   */
  static boolean isRejection(Throwable failure) {
    Throwable t = unwrap(failure);
    return t instanceof WorkflowException && ((WorkflowException) t).isRejection();
  }

  /** Whether {@code t} is an instance of one of {@code types}. */
  static boolean isAny(Throwable t, Iterable<Class<? extends Throwable>> types) {
    for (Class<? extends Throwable> type : types) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}

package dev.tta.primitives.stress;

import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Small helpers of the stress scenarios. */
final class Stress {

  private Stress() {}

  /** Prints one line of a scenario's figures. */
  static void print(String scenario, String format, Object... args) {
    System.out.println(
        "[stress "
            + scenario
            + ", "
            + StressScale.name()
            + "] "
            + String.format(Locale.ROOT, format, args));
    System.out.flush();
  }

  /** Milliseconds since {@code startNanos}. */
  static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  /** {@code failure} without the wrappers futures add. */
  static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** Whether {@code failure} or one of its causes is a {@code type}. */
  static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** The innermost cause of {@code failure}. */
  static Throwable rootCause(Throwable failure) {
    Throwable t = failure;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  /** A short description of a failure: its type and message, and its root cause's if other. */
  static String describe(Throwable failure) {
    Throwable t = unwrap(failure);
    Throwable root = rootCause(t);
    String own =
        t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    return root == t ? own : own + " (root " + root.getClass().getSimpleName() + ")";
  }
}

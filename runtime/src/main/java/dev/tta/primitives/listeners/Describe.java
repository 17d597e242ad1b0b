package dev.tta.primitives.listeners;

import dev.tta.primitives.WorkflowException;
import java.time.Duration;
import java.util.Locale;

/** Text shared by the listeners: failures and durations. */
final class Describe {

  private Describe() {}

  /** The step's own failure, without the {@code WorkflowException}s that name the step. */
  static String failure(Throwable failure) {
    Throwable own = failure;
    while (own instanceof WorkflowException && own.getCause() != null) {
      own = own.getCause();
    }
    String message = own.getMessage();
    String type = own.getClass().getSimpleName();
    return message == null ? type : type + ": " + message;
  }

  /** Whole milliseconds, e.g. {@code "53 ms"}. */
  static String millis(Duration duration) {
    return duration.toMillis() + " ms";
  }

  /** Milliseconds with one decimal, e.g. {@code "13.9"}. */
  static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
  }
}

package dev.tta.primitives.temporal;

import io.temporal.failure.ApplicationFailure;

/**
 * What a fallback activity is told of the failure it handles: the original exception's type name
 * and message, as the failed activity reported them. Data, so that it crosses to the worker running
 * the fallback through Temporal's data converter.
 *
 * @param type the failure's type: the original exception's class name, or Temporal's failure class
 *     (a timeout, say) when the activity could not report one
 * @param message its message, or {@code null}
 */
public record DurableCause(String type, String message) {

  /**
   * The failure as the fallback method receives it: an {@code ApplicationFailure} carrying the
   * original type name and message.
   *
   * @return a new failure
   */
  public ApplicationFailure toFailure() {
    return ApplicationFailure.newFailure(message, type);
  }
}

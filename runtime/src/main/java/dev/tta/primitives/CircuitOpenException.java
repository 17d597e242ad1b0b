package dev.tta.primitives;

import java.time.Duration;
import java.util.Objects;

/**
 * A call refused by a circuit breaker that is open, or half-open with all its trial calls out: it
 * did not run. Unchecked; a retry does not retry it unless its {@code retryOn} names it (or a
 * supertype narrower than {@code Exception}), and a retry's backoff does not wait for {@link
 * #halfOpensIn()}: a caller that wants to wait for the breaker reads it and schedules its own call.
 */
public final class CircuitOpenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The breaker's name. */
  private final String breaker;

  /** How long after the refusal the breaker lets trial calls through. */
  private final Duration halfOpensIn;

  /**
   * A refusal by {@code breaker}.
   *
   * @param breaker the breaker's name
   * @param halfOpensIn how long until the breaker lets trial calls through; zero when it is
   *     half-open and its trial calls are all out
   */
  public CircuitOpenException(String breaker, Duration halfOpensIn) {
    super(message(breaker, halfOpensIn));
    this.breaker = breaker;
    this.halfOpensIn = halfOpensIn;
  }

  private static String message(String breaker, Duration halfOpensIn) {
    String name = "circuit breaker '" + Objects.requireNonNull(breaker, "breaker") + "'";
    if (Objects.requireNonNull(halfOpensIn, "halfOpensIn").isZero()) {
      return name + " is half-open and its trial calls are all out: the call did not run";
    }
    return name
        + " is open: the call did not run; trial calls pass in "
        + halfOpensIn.toMillis()
        + " ms";
  }

  /**
   * The breaker that refused the call.
   *
   * @return its name: the step's, or the shared name it was given
   */
  public String breaker() {
    return breaker;
  }

  /**
   * How long after the refusal the breaker lets trial calls through.
   *
   * @return the time left open; zero if the breaker was half-open with its trial calls all out (the
   *     next call may pass once one of them ends)
   */
  public Duration halfOpensIn() {
    return halfOpensIn;
  }
}

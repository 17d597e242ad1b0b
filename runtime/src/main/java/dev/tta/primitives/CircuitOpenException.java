package dev.tta.primitives;

import java.time.Duration;
import java.util.Objects;

/**
 * A call refused by an open circuit breaker: it did not run. Unchecked; a retry does not retry it
 * unless its {@code retryOn} names it (or a supertype narrower than {@code Exception}).
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
   * @param halfOpensIn how long until the breaker lets trial calls through; zero or more
   */
  public CircuitOpenException(String breaker, Duration halfOpensIn) {
    super(
        "circuit breaker '"
            + Objects.requireNonNull(breaker, "breaker")
            + "' is open: the call did not run; trial calls pass in "
            + Objects.requireNonNull(halfOpensIn, "halfOpensIn").toMillis()
            + " ms");
    this.breaker = breaker;
    this.halfOpensIn = halfOpensIn;
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
   * @return the time left open
   */
  public Duration halfOpensIn() {
    return halfOpensIn;
  }
}

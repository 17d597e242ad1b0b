package dev.tta.primitives;

import java.time.Duration;
import java.util.Objects;

/** A call refused by a rate limit: it would have had to wait longer than the limit's max wait. */
public final class RateLimitExceededException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The limiter's name. */
  private final String limiter;

  /** How long the call would have waited for a permit. */
  private final Duration wait;

  /**
   * A refusal by {@code limiter}.
   *
   * @param limiter the limiter's name
   * @param wait how long the call would have waited for a permit
   * @param maxWait the longest wait the limit allows
   */
  public RateLimitExceededException(String limiter, Duration wait, Duration maxWait) {
    super(
        "rate limit '"
            + Objects.requireNonNull(limiter, "limiter")
            + "' would make the call wait "
            + Objects.requireNonNull(wait, "wait").toMillis()
            + " ms, more than its maxWait of "
            + Objects.requireNonNull(maxWait, "maxWait").toMillis()
            + " ms; the call did not run");
    this.limiter = limiter;
    this.wait = wait;
  }

  /**
   * The limiter that refused the call.
   *
   * @return its name: the step's, or the shared name it was given
   */
  public String limiter() {
    return limiter;
  }

  /**
   * How long the call would have waited for a permit.
   *
   * @return the wait
   */
  public Duration waitNeeded() {
    return wait;
  }
}

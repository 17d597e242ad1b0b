package dev.tta.primitives;

import java.time.Duration;
import java.util.Objects;

/**
 * An immutable rate limit: at most {@code permits} calls start in any half-open interval {@code [t,
 * t + per)}, a burst of {@code permits} included. Run it with {@link RateLimitPrimitive}.
 *
 * @param permits calls that may start per interval; at least 1
 * @param per the interval; positive
 * @param maxWait the longest a call waits for its permit, or {@code null} for as long as it takes;
 *     not negative (zero: a call that would have to wait fails at once)
 */
public record RateLimitPolicy(int permits, Duration per, Duration maxWait) {

  /**
   * Checks the ranges above.
   *
   * @param permits calls that may start per interval; at least 1
   * @param per the interval; positive
   * @param maxWait the longest wait for a permit, or {@code null} for as long as it takes; not
   *     negative
   * @throws IllegalArgumentException naming the value out of its range
   * @throws NullPointerException if {@code per} is null
   */
  public RateLimitPolicy {
    Objects.requireNonNull(per, "per");
    if (permits < 1) {
      throw new IllegalArgumentException(
          "permits = " + permits + ": the calls that may start per interval must be >= 1");
    }
    if (per.isNegative() || per.isZero()) {
      throw new IllegalArgumentException("per = " + per + " must be positive");
    }
    if (maxWait != null && maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait = " + maxWait + " must not be negative");
    }
  }

  /**
   * The defaults: 10 permits per second, waiting as long as it takes.
   *
   * @return the default policy
   */
  public static RateLimitPolicy defaults() {
    return new RateLimitPolicy(10, Duration.ofSeconds(1), null);
  }

  /**
   * A builder starting from the {@linkplain #defaults() defaults}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link RateLimitPolicy}; unset parts take the defaults. */
  public static final class Builder {
    private int permits = 10;
    private Duration per = Duration.ofSeconds(1);
    private Duration maxWait;

    private Builder() {}

    /**
     * Sets the calls that may start per interval.
     *
     * @param newPermits at least 1; default 10
     * @return this builder
     */
    public Builder permits(int newPermits) {
      this.permits = newPermits;
      return this;
    }

    /**
     * Sets the interval.
     *
     * @param newPer positive; default one second
     * @return this builder
     */
    public Builder per(Duration newPer) {
      this.per = newPer;
      return this;
    }

    /**
     * Sets the longest a call waits for its permit.
     *
     * @param newMaxWait not negative ({@link Duration#ZERO}: never wait), or {@code null} (the
     *     default) for as long as it takes
     * @return this builder
     */
    public Builder maxWait(Duration newMaxWait) {
      this.maxWait = newMaxWait;
      return this;
    }

    /**
     * Builds the policy.
     *
     * @return the policy
     * @throws IllegalArgumentException if a value is out of its range
     * @throws NullPointerException if {@code per} is null
     */
    public RateLimitPolicy build() {
      return new RateLimitPolicy(permits, per, maxWait);
    }
  }
}

package dev.tta.primitives;

import java.time.Duration;

/**
 * An immutable bulkhead policy: how many calls may be in flight at once, how many more may wait for
 * a slot, and how long one may wait. Run it with {@link BulkheadPrimitive}.
 *
 * @param value calls in flight at most; at least 1
 * @param queue calls that may wait for a slot (first come, first served); at least 0
 * @param maxWait the longest a call waits for a slot, or {@code null} for as long as it takes; not
 *     negative, and only with {@code queue > 0} (zero: a call that finds no free slot fails at
 *     once)
 */
public record BulkheadPolicy(int value, int queue, Duration maxWait) {

  /**
   * Checks the ranges above.
   *
   * @param value calls in flight at most; at least 1
   * @param queue calls that may wait for a slot; at least 0
   * @param maxWait the longest wait for a slot, or {@code null} for as long as it takes; not
   *     negative, and only with {@code queue > 0}
   * @throws IllegalArgumentException naming the value out of its range
   */
  public BulkheadPolicy {
    if (value < 1) {
      throw new IllegalArgumentException(
          "value = " + value + ": the calls in flight at once must be >= 1");
    }
    if (queue < 0) {
      throw new IllegalArgumentException(
          "queue = " + queue + ": the calls that may wait for a slot must be >= 0");
    }
    if (maxWait != null) {
      if (maxWait.isNegative()) {
        throw new IllegalArgumentException("maxWait = " + maxWait + " must not be negative");
      }
      if (queue == 0) {
        throw new IllegalArgumentException(
            "maxWait = " + maxWait + " needs queue > 0: without a queue no call waits");
      }
    }
  }

  /**
   * The defaults: 10 calls in flight, no queue.
   *
   * @return the default policy
   */
  public static BulkheadPolicy defaults() {
    return new BulkheadPolicy(10, 0, null);
  }

  /**
   * A builder starting from the {@linkplain #defaults() defaults}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link BulkheadPolicy}; unset parts take the defaults. */
  public static final class Builder {
    private int value = 10;
    private int queue;
    private Duration maxWait;

    private Builder() {}

    /**
     * Sets the calls in flight at most.
     *
     * @param newValue at least 1; default 10
     * @return this builder
     */
    public Builder value(int newValue) {
      this.value = newValue;
      return this;
    }

    /**
     * Sets how many calls may wait for a slot.
     *
     * @param newQueue at least 0; default 0
     * @return this builder
     */
    public Builder queue(int newQueue) {
      this.queue = newQueue;
      return this;
    }

    /**
     * Sets the longest a call waits for a slot.
     *
     * @param newMaxWait not negative, or {@code null} (the default) for as long as it takes
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
     */
    public BulkheadPolicy build() {
      return new BulkheadPolicy(value, queue, maxWait);
    }
  }
}

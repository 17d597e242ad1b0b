package dev.tta.primitives;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * An immutable retry policy: how many attempts, how long to wait between them, and which failures
 * are worth another attempt. Run it with {@link RetryPrimitive}.
 *
 * <p>The wait before retry {@code k} (k = 1 for the second attempt) is {@code min(delay ·
 * backoff^(k-1), maxDelay)}, then varied at random by up to {@code ± jitter ·} that value. A
 * failure is retried when it is an instance of a {@code retryOn} type and of no {@code abortOn}
 * type (abort-on wins). No attempt starts after {@code maxDuration} from the first one.
 *
 * @param maxAttempts attempts in all, counting the first call; at least 1
 * @param delay the first wait; not negative
 * @param backoff the factor each wait grows by; at least 1
 * @param maxDelay the cap on a wait before jitter; not less than {@code delay}
 * @param jitter the random variation as a fraction of the wait, 0 to 1
 * @param maxDuration the time budget for all attempts, or {@code null} for none
 * @param retryOn the failures to retry (subclasses included)
 * @param abortOn the failures never to retry, even when they match {@code retryOn}
 */
public record RetryPolicy(
    int maxAttempts,
    Duration delay,
    double backoff,
    Duration maxDelay,
    double jitter,
    Duration maxDuration,
    List<Class<? extends Throwable>> retryOn,
    List<Class<? extends Throwable>> abortOn) {

  /**
   * Checks the ranges above.
   *
   * @param maxAttempts attempts in all, counting the first call; at least 1
   * @param delay the first wait; not negative
   * @param backoff the factor each wait grows by; at least 1
   * @param maxDelay the cap on a wait before jitter; not less than {@code delay}
   * @param jitter the random variation as a fraction of the wait, 0 to 1
   * @param maxDuration the time budget for all attempts, or {@code null} for none; when given,
   *     greater than {@code delay}
   * @param retryOn the failures to retry (subclasses included); copied
   * @param abortOn the failures never to retry, even when they match {@code retryOn}; copied
   * @throws IllegalArgumentException naming the value out of its range
   * @throws NullPointerException when {@code delay}, {@code maxDelay}, {@code retryOn} or {@code
   *     abortOn} is null
   */
  public RetryPolicy {
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    retryOn = List.copyOf(retryOn);
    abortOn = List.copyOf(abortOn);
    if (maxAttempts < 1) {
      throw new IllegalArgumentException(
          "maxAttempts = " + maxAttempts + ": counts the first call and must be >= 1");
    }
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay = " + delay + " must not be negative");
    }
    if (!(backoff >= 1.0) || Double.isInfinite(backoff)) {
      throw new IllegalArgumentException("backoff = " + backoff + " must be >= 1");
    }
    if (maxDelay.compareTo(delay) < 0) {
      throw new IllegalArgumentException(
          "maxDelay = " + maxDelay + " must not be less than delay = " + delay);
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException("jitter = " + jitter + " must be between 0 and 1");
    }
    if (maxDuration != null && maxDuration.compareTo(delay) <= 0) {
      throw new IllegalArgumentException(
          "maxDuration = " + maxDuration + " must be greater than delay = " + delay);
    }
  }

  /**
   * A builder with the defaults of {@code @Retry}: 3 attempts, 100ms delay, backoff 2, max delay
   * 30s, jitter 0.1, no max duration, retry on {@link Exception}, abort on nothing.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Whether a failure may be retried under this policy (ignoring attempts and time left).
   *
   * <p>A {@link CircuitOpenException} is retried only when {@code retryOn} names it, or a supertype
   * of it other than {@code Exception}, {@code RuntimeException} and {@code Throwable}: retrying a
   * call the breaker refused would only be refused again, so the defaults do not.
   *
   * @param failure the step's own failure
   * @return {@code true} if it matches retry-on and not abort-on
   */
  public boolean isRetryable(Throwable failure) {
    if (failure instanceof CircuitOpenException && !namesCircuitOpen()) {
      return false;
    }
    return Futures.isAny(failure, retryOn) && !Futures.isAny(failure, abortOn);
  }

  /** Whether {@code retryOn} asks for refusals of an open breaker by a type narrower than all. */
  private boolean namesCircuitOpen() {
    for (Class<? extends Throwable> type : retryOn) {
      if (type.isAssignableFrom(CircuitOpenException.class)
          && type != Exception.class
          && type != RuntimeException.class
          && type != Throwable.class) {
        return true;
      }
    }
    return false;
  }

  /**
   * The wait before retry {@code k} before jitter: {@code min(delay · backoff^(k-1), maxDelay)}.
   *
   * @param retry 1 for the wait before the second attempt
   * @return the wait in nanoseconds
   */
  public long baseDelayNanos(int retry) {
    double nanos = saturatedNanos(delay) * Math.pow(backoff, retry - 1);
    long cap = saturatedNanos(maxDelay);
    return nanos >= cap ? cap : (long) nanos;
  }

  /**
   * {@code duration} in nanoseconds, saturating at {@link Long#MAX_VALUE}. {@link
   * Duration#toNanos()} throws beyond about 292 years, and the constructor accepts such values
   * (e.g. {@code ChronoUnit.FOREVER.getDuration()} as "no cap"): without this, a retry threw {@link
   * ArithmeticException} out of {@code execute}.
   */
  static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException tooLong) {
      return duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /**
   * The wait before retry {@code k} with jitter drawn from {@link ThreadLocalRandom}. A {@link
   * RetryPrimitive} draws from its runtime's random source instead ({@link
   * WorkflowRuntime.Builder#random}).
   *
   * @param retry 1 for the wait before the second attempt
   * @return the wait in nanoseconds, never negative
   */
  public long delayNanos(int retry) {
    return delayNanos(retry, ThreadLocalRandom.current());
  }

  /**
   * The wait before retry {@code k} with jitter drawn from {@code random}: the base wait times a
   * factor uniform in {@code [1 - jitter, 1 + jitter)}.
   *
   * @param retry 1 for the wait before the second attempt
   * @param random the source of the variation (one {@code nextDouble()} when jitter applies)
   * @return the wait in nanoseconds, never negative
   */
  public long delayNanos(int retry, RandomGenerator random) {
    long base = baseDelayNanos(retry);
    if (jitter == 0.0 || base == 0) {
      return base;
    }
    double variation = (random.nextDouble() * 2 - 1) * jitter;
    return Math.max(0, (long) (base * (1 + variation)));
  }

  /** Builds a {@link RetryPolicy}; starts from the {@code @Retry} defaults. */
  public static final class Builder {
    private int maxAttempts = 3;
    private Duration delay = Duration.ofMillis(100);
    private double backoff = 2.0;
    private Duration maxDelay = Duration.ofSeconds(30);
    private double jitter = 0.1;
    private Duration maxDuration;
    private List<Class<? extends Throwable>> retryOn = List.of(Exception.class);
    private List<Class<? extends Throwable>> abortOn = List.of();

    private Builder() {}

    /**
     * Attempts in all, counting the first call.
     *
     * @param maxAttempts at least 1
     * @return this builder
     */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * The first wait.
     *
     * @param delay not negative
     * @return this builder
     */
    public Builder delay(Duration delay) {
      this.delay = delay;
      return this;
    }

    /**
     * The factor each wait grows by.
     *
     * @param backoff at least 1
     * @return this builder
     */
    public Builder backoff(double backoff) {
      this.backoff = backoff;
      return this;
    }

    /**
     * The cap on a wait (before jitter).
     *
     * @param maxDelay not less than the delay
     * @return this builder
     */
    public Builder maxDelay(Duration maxDelay) {
      this.maxDelay = maxDelay;
      return this;
    }

    /**
     * The random variation of each wait, as a fraction of it.
     *
     * @param jitter 0 to 1
     * @return this builder
     */
    public Builder jitter(double jitter) {
      this.jitter = jitter;
      return this;
    }

    /**
     * The time budget for all attempts; {@code null} for none.
     *
     * @param maxDuration greater than the delay, or {@code null}
     * @return this builder
     */
    public Builder maxDuration(Duration maxDuration) {
      this.maxDuration = maxDuration;
      return this;
    }

    /**
     * The failures to retry (replaces the default {@link Exception}).
     *
     * @param types the types; subclasses match
     * @return this builder
     */
    @SafeVarargs
    public final Builder retryOn(Class<? extends Throwable>... types) {
      List<Class<? extends Throwable>> list = new ArrayList<>();
      for (Class<? extends Throwable> type : types) {
        list.add(type); // iterated, not passed on: keeps the varargs array private
      }
      this.retryOn = List.copyOf(list);
      return this;
    }

    /**
     * The failures never to retry; wins over retry-on.
     *
     * @param types the types; subclasses match
     * @return this builder
     */
    @SafeVarargs
    public final Builder abortOn(Class<? extends Throwable>... types) {
      List<Class<? extends Throwable>> list = new ArrayList<>();
      for (Class<? extends Throwable> type : types) {
        list.add(type); // iterated, not passed on: keeps the varargs array private
      }
      this.abortOn = List.copyOf(list);
      return this;
    }

    /**
     * Builds the policy.
     *
     * @return the policy
     * @throws IllegalArgumentException if a value is out of range
     */
    public RetryPolicy build() {
      return new RetryPolicy(
          maxAttempts, delay, backoff, maxDelay, jitter, maxDuration, retryOn, abortOn);
    }
  }
}

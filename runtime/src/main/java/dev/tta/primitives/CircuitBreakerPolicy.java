package dev.tta.primitives;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An immutable circuit breaker policy: when the breaker opens, how long it stays open, how many
 * trial calls decide whether it closes again, and which outcomes count as failures. Run it with
 * {@link CircuitBreakerPrimitive}.
 *
 * <p>While closed, the breaker keeps the outcomes of the last {@code window} calls; once at least
 * {@code minimumCalls} are kept and the fraction of failures among them reaches {@code
 * failureRate}, it opens. A failure counts when it is an instance of a {@code failOn} type and of
 * no {@code skipOn} type (skip-on wins); any other failure counts as a success. A call slower than
 * {@code slowerThan} counts as a failure, though it still returns its value.
 *
 * @param failureRate the fraction of failures among the kept outcomes that opens the breaker; in
 *     (0, 1]
 * @param window how many of the latest outcomes are kept while closed; at least 1
 * @param minimumCalls how many outcomes must be kept before the breaker may open; 1 to {@code
 *     window}
 * @param openFor how long the breaker stays open before it lets trial calls through; positive
 * @param halfOpenCalls how many trial calls pass while half-open, all of which must succeed for the
 *     breaker to close; at least 1
 * @param slowerThan a call that takes longer counts as a failure; {@code null} for no such limit
 * @param failOn the failures that count as failures (subclasses included)
 * @param skipOn the failures that count as successes, even when they match {@code failOn}
 */
public record CircuitBreakerPolicy(
    double failureRate,
    int window,
    int minimumCalls,
    Duration openFor,
    int halfOpenCalls,
    Duration slowerThan,
    List<Class<? extends Throwable>> failOn,
    List<Class<? extends Throwable>> skipOn) {

  /**
   * Checks the ranges above.
   *
   * @param failureRate in (0, 1]
   * @param window at least 1
   * @param minimumCalls 1 to {@code window}
   * @param openFor positive
   * @param halfOpenCalls at least 1
   * @param slowerThan positive, or {@code null} for no limit
   * @param failOn the failures that count as failures; copied
   * @param skipOn the failures that count as successes, winning over {@code failOn}; copied
   * @throws IllegalArgumentException naming the value out of its range and the rule
   * @throws NullPointerException when {@code openFor}, {@code failOn} or {@code skipOn} is null
   */
  public CircuitBreakerPolicy {
    Objects.requireNonNull(openFor, "openFor");
    failOn = List.copyOf(Objects.requireNonNull(failOn, "failOn"));
    skipOn = List.copyOf(Objects.requireNonNull(skipOn, "skipOn"));
    if (!(failureRate > 0.0 && failureRate <= 1.0)) {
      throw new IllegalArgumentException(
          "failureRate = " + failureRate + " must be in (0, 1]: above 0, at most 1");
    }
    if (window < 1) {
      throw new IllegalArgumentException(
          "window = " + window + ": counts the calls kept and must be >= 1");
    }
    if (minimumCalls < 1 || minimumCalls > window) {
      throw new IllegalArgumentException(
          "minimumCalls = "
              + minimumCalls
              + " must be between 1 and window = "
              + window
              + " (both included)");
    }
    if (openFor.isNegative() || openFor.isZero()) {
      throw new IllegalArgumentException("openFor = " + openFor + " must be positive");
    }
    if (halfOpenCalls < 1) {
      throw new IllegalArgumentException(
          "halfOpenCalls = " + halfOpenCalls + ": counts the trial calls and must be >= 1");
    }
    if (slowerThan != null && (slowerThan.isNegative() || slowerThan.isZero())) {
      throw new IllegalArgumentException(
          "slowerThan = " + slowerThan + " must be positive (or null for no limit)");
    }
  }

  /**
   * A builder with the defaults of {@code @CircuitBreaker}: failure rate 0.5 over a window of 20
   * calls, at least 10 calls, open for 30s, 3 trial calls, no slow-call limit, fail on {@link
   * Throwable}, skip nothing.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Whether a failure counts as a failure under this policy: it matches fail-on and not skip-on.
   * (The breaker itself never records its own kind of local refusals and cancellations; see {@link
   * CircuitBreakerPrimitive}.)
   *
   * @param failure the call's own failure
   * @return {@code true} if it counts as a failure, {@code false} if it counts as a success
   */
  public boolean isFailure(Throwable failure) {
    return Futures.isAny(failure, failOn) && !Futures.isAny(failure, skipOn);
  }

  /**
   * The settings in the form of the annotation's attributes, e.g. for the message about two shared
   * declarations that differ.
   *
   * @return a readable description
   */
  @Override
  public String toString() {
    return "failureRate="
        + failureRate
        + ", window="
        + window
        + ", minimumCalls="
        + minimumCalls
        + ", openFor="
        + openFor
        + ", halfOpenCalls="
        + halfOpenCalls
        + ", slowerThan="
        + (slowerThan == null ? "off" : slowerThan.toString())
        + ", failOn="
        + names(failOn)
        + ", skipOn="
        + names(skipOn);
  }

  private static String names(List<Class<? extends Throwable>> types) {
    StringBuilder text = new StringBuilder("{");
    for (Class<? extends Throwable> type : types) {
      if (text.length() > 1) {
        text.append(", ");
      }
      text.append(type.getName());
    }
    return text.append('}').toString();
  }

  /** Builds a {@link CircuitBreakerPolicy}; starts from the {@code @CircuitBreaker} defaults. */
  public static final class Builder {
    private double failureRate = 0.5;
    private int window = 20;
    private int minimumCalls = 10;
    private Duration openFor = Duration.ofSeconds(30);
    private int halfOpenCalls = 3;
    private Duration slowerThan;
    private List<Class<? extends Throwable>> failOn = List.of(Throwable.class);
    private List<Class<? extends Throwable>> skipOn = List.of();

    private Builder() {}

    /**
     * The fraction of failures that opens the breaker.
     *
     * @param failureRate in (0, 1]
     * @return this builder
     */
    public Builder failureRate(double failureRate) {
      this.failureRate = failureRate;
      return this;
    }

    /**
     * How many of the latest outcomes are kept while closed.
     *
     * @param window at least 1
     * @return this builder
     */
    public Builder window(int window) {
      this.window = window;
      return this;
    }

    /**
     * How many outcomes must be kept before the breaker may open.
     *
     * @param minimumCalls 1 to the window
     * @return this builder
     */
    public Builder minimumCalls(int minimumCalls) {
      this.minimumCalls = minimumCalls;
      return this;
    }

    /**
     * How long the breaker stays open.
     *
     * @param openFor positive
     * @return this builder
     */
    public Builder openFor(Duration openFor) {
      this.openFor = openFor;
      return this;
    }

    /**
     * How many trial calls pass while half-open.
     *
     * @param halfOpenCalls at least 1
     * @return this builder
     */
    public Builder halfOpenCalls(int halfOpenCalls) {
      this.halfOpenCalls = halfOpenCalls;
      return this;
    }

    /**
     * A call that takes longer counts as a failure (it still returns its value); {@code null} for
     * no limit, the default.
     *
     * @param slowerThan positive, or {@code null}
     * @return this builder
     */
    public Builder slowerThan(Duration slowerThan) {
      this.slowerThan = slowerThan;
      return this;
    }

    /**
     * The failures that count as failures (replaces the default {@link Throwable}).
     *
     * @param types the types; subclasses match
     * @return this builder
     */
    @SafeVarargs
    public final Builder failOn(Class<? extends Throwable>... types) {
      List<Class<? extends Throwable>> list = new ArrayList<>();
      for (Class<? extends Throwable> type : types) {
        list.add(type); // iterated, not passed on: keeps the varargs array private
      }
      this.failOn = List.copyOf(list);
      return this;
    }

    /**
     * The failures that count as successes; wins over fail-on.
     *
     * @param types the types; subclasses match
     * @return this builder
     */
    @SafeVarargs
    public final Builder skipOn(Class<? extends Throwable>... types) {
      List<Class<? extends Throwable>> list = new ArrayList<>();
      for (Class<? extends Throwable> type : types) {
        list.add(type); // iterated, not passed on: keeps the varargs array private
      }
      this.skipOn = List.copyOf(list);
      return this;
    }

    /**
     * Builds the policy.
     *
     * @return the policy
     * @throws IllegalArgumentException if a value is out of range, naming it and the rule
     */
    public CircuitBreakerPolicy build() {
      return new CircuitBreakerPolicy(
          failureRate, window, minimumCalls, openFor, halfOpenCalls, slowerThan, failOn, skipOn);
    }
  }
}

package dev.tta.primitives.benchmarks;

import dev.failsafe.RetryPolicy;
import dev.failsafe.Timeout;
import dev.tta.primitives.WorkflowContext;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Duration;
import org.springframework.retry.support.RetryTemplate;

/**
 * The steps and the peers' policies, configured like the annotations' defaults: 3 attempts
 * (including the first), 100 ms first delay, backoff 2, at most 30 s, jitter 0.1, retry on any
 * {@link Exception}; 1 s timeouts.
 */
final class Peers {
  private Peers() {}

  static final Duration DELAY = Duration.ofMillis(100);
  static final Duration MAX_DELAY = Duration.ofSeconds(30);
  static final Duration TIMEOUT = Duration.ofSeconds(1);

  static long first(long x) {
    return x + 1;
  }

  static long second(long x) {
    return x + 1;
  }

  static long third(long x) {
    return x + 1;
  }

  static long sleepThenInc(long x) {
    try {
      Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return x + 1;
  }

  /** A run's context, as the generated {@code run(x)} makes one. */
  static WorkflowContext newContext(String workflow) {
    return WorkflowContext.create(workflow);
  }

  static RetryPolicy<Long> failsafeRetry() {
    return RetryPolicy.<Long>builder()
        .handle(Exception.class)
        .withMaxAttempts(3)
        .withBackoff(DELAY, MAX_DELAY, 2.0)
        .withJitter(0.1)
        .build();
  }

  static Timeout<Long> failsafeTimeout() {
    return Timeout.<Long>builder(TIMEOUT).withInterrupt().build();
  }

  static Retry r4jRetry(String name) {
    return Retry.of(
        name,
        RetryConfig.custom()
            .maxAttempts(3)
            .intervalFunction(
                IntervalFunction.ofExponentialRandomBackoff(DELAY, 2.0, 0.1, MAX_DELAY))
            .retryExceptions(Exception.class)
            .build());
  }

  static TimeLimiter r4jTimeLimiter(String name) {
    return TimeLimiter.of(
        name,
        TimeLimiterConfig.custom().timeoutDuration(TIMEOUT).cancelRunningFuture(true).build());
  }

  static RetryTemplate springRetry() {
    return RetryTemplate.builder()
        .maxAttempts(3)
        .exponentialBackoff(DELAY, 2.0, MAX_DELAY, true)
        .retryOn(Exception.class)
        .build();
  }
}

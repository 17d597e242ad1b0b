package dev.tta.primitives.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Calls a step again when it fails, waiting longer before each new attempt.
 *
 * <p>On a step method it retries that step; on the {@link Workflow} class it retries the whole run.
 * Policies always nest as {@code Fallback( Cache( Retry( CircuitBreaker( Hedge( RateLimit( Timeout(
 * Bulkhead( call ))))))))}: a cache hit is never retried, {@link Timeout} limits each attempt
 * rather than all of them, and {@link Fallback} runs only once the retries are used up or a failure
 * is not retryable.
 *
 * <p>The wait before retry {@code k} is {@code min(delay * backoff^(k-1), maxDelay)}, varied by
 * {@link #jitter()}. Waits are scheduled, so no thread sleeps. When the attempts run out the run
 * fails with a {@code WorkflowException} whose cause is the last failure, the earlier ones
 * suppressed.
 *
 * <p>Every attribute is checked at compile time; a value outside its range is a compile error on
 * that attribute. Durations use the syntax described in the {@linkplain
 * dev.tta.primitives.annotations package documentation}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Retry {

  /**
   * {@return the number of attempts in all, including the first call} So {@code max = 1} never
   * retries. Default {@code 3}. Checked at compile time: it must be {@code >= 1}.
   */
  int max() default 3;

  /**
   * {@return the wait before the first retry, as a duration} Default {@code "100ms"}. Checked at
   * compile time: it must parse and be {@code >= 0}.
   */
  String delay() default "100ms";

  /**
   * {@return the factor by which each wait grows for the next retry} {@code 1.0} keeps the wait
   * fixed. Default {@code 2.0}. Checked at compile time: it must be {@code >= 1}.
   */
  double backoff() default 2.0;

  /**
   * {@return the cap on any single wait, as a duration} It keeps the backoff from growing without
   * bound. Default {@code "30s"}. Checked at compile time: it must parse and be {@code >= delay}.
   */
  String maxDelay() default "30s";

  /**
   * {@return the random variation of each wait, as a fraction of that wait} {@code 0.1} means up to
   * 10% shorter or longer, so many callers retrying at once do not hit a recovering service in
   * step. Default {@code 0.1}. Checked at compile time: it must be between {@code 0.0} (no
   * variation) and {@code 1.0}.
   */
  double jitter() default 0.1;

  /**
   * {@return the time since the first call after which no new attempt starts, as a duration} A
   * running attempt is not cut short; that is what {@link Timeout} is for. Empty (the default)
   * means no limit. Checked at compile time: when set, it must parse and be {@code > 0}.
   */
  String maxDuration() default "";

  /**
   * {@return the failures that are retried; subclasses match} Default {@code Exception}, so a
   * {@code java.util.concurrent.TimeoutException} from {@link Timeout} is retried but an {@code
   * Error} is not. Checked at compile time: it must name at least one type.
   */
  Class<? extends Throwable>[] retryOn() default {Exception.class};

  /**
   * {@return the failures that are never retried, even when {@link #retryOn()} matches too;
   * subclasses match} Default none. Checked at compile time: a type listed in both attributes is a
   * compile warning.
   */
  Class<? extends Throwable>[] abortOn() default {};
}

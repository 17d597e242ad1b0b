package dev.tta.primitives.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Cuts a step's slow tail: if a call has not finished after {@link #delay()}, another call of the
 * same step starts, and so on every {@code delay} while none has succeeded and fewer than {@link
 * #max()} have started. The first success wins and the other calls are cancelled.
 *
 * <p>Hedging answers slowness, not failure: a failure of the only call in flight before the next is
 * due fails the step (a {@link Retry} around it handles failures). When every started call fails,
 * the one that failed last is the cause and the others are suppressed on it.
 *
 * <p>Only for steps whose calls may safely run twice (reads, idempotent requests), and that take
 * milliseconds or more: the calls of a synchronous step each run on the runtime's executor, so that
 * the caller is free to take the first answer, which costs a thread hand-off (microseconds) even
 * when no second call is needed. Policies always nest as {@code Fallback( Cache( Retry(
 * CircuitBreaker( Hedge( RateLimit( Timeout( Bulkhead( call ))))))))}: each hedged call takes a
 * rate permit, a deadline and a bulkhead slot of its own, and the breaker sees the hedge's one
 * outcome. Every attribute is checked at compile time; a value outside its range is a compile error
 * on that attribute.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Hedge {

  /**
   * {@return how long to wait for a call before starting the next, as a duration} Default {@code
   * "100ms"}. Checked at compile time: it must parse and be {@code >= 0}.
   */
  String delay() default "100ms";

  /**
   * {@return the most calls started in all, the first included} Default {@code 2}. Checked at
   * compile time: it must be {@code >= 2}.
   */
  int max() default 2;
}

package dev.tta.primitives.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Stops calling a step that keeps failing, for a while, so a struggling backend gets room to
 * recover and callers fail at once instead of waiting.
 *
 * <p><b>Closed</b>, calls pass and the outcomes of the last {@link #window()} calls are kept; once
 * at least {@link #minimumCalls()} are kept and the fraction of failures among them reaches {@link
 * #failureRate()}, the breaker opens. <b>Open</b>, calls fail at once with a {@code
 * CircuitOpenException} (naming the breaker and when it will half-open) for {@link #openFor()};
 * then <b>half-open</b>: {@link #halfOpenCalls()} trial calls pass, and when all succeed the
 * breaker closes with a fresh window; any failure re-opens it.
 *
 * <p>On a step method it guards that step; on the {@link Workflow} class it guards the whole run.
 * Policies always nest as {@code Fallback( Cache( Retry( CircuitBreaker( Hedge( RateLimit( Timeout(
 * Bulkhead( call ))))))))}: every retry passes the breaker (and a {@code CircuitOpenException} is
 * not retried unless {@link Retry#retryOn()} names it), a timed-out attempt counts as a failure,
 * and a rejection by a bulkhead or rate limit inside never does. The breaker judges a call when it
 * lets it through: a call that then waits for a rate-limit permit or a bulkhead slot still runs if
 * the breaker opens meanwhile (its outcome is not counted), so keep those waits short next to
 * {@link #openFor()}. A retry's delay does not wait for the breaker: to retry a refusal, give
 * {@link Retry#delay()} at least {@link #openFor()}, or read {@code halfOpensIn()} from the {@code
 * CircuitOpenException}.
 *
 * <p>Without {@link #name()} the breaker belongs to that step of that workflow object; with a name,
 * every breaker of that name in one {@code WorkflowRuntime} is one breaker. The generated class
 * shows the breaker's state through {@code <step>CircuitBreaker()} ({@code circuitBreaker()} on the
 * class). Every attribute is checked at compile time; a value outside its range is a compile error
 * on that attribute.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface CircuitBreaker {

  /**
   * {@return the fraction of failed calls in the window at which the breaker opens} Default {@code
   * 0.5}. Checked at compile time: it must be above {@code 0} and at most {@code 1}.
   */
  double failureRate() default 0.5;

  /**
   * {@return how many of the latest calls' outcomes are kept} Default {@code 20}. Checked at
   * compile time: it must be {@code >= 1}.
   */
  int window() default 20;

  /**
   * {@return how many outcomes the window must hold before the breaker may open} Default {@code
   * 10}. Checked at compile time: it must be between {@code 1} and {@link #window()}.
   */
  int minimumCalls() default 10;

  /**
   * {@return how long the breaker stays open before it lets trial calls through, as a duration}
   * Default {@code "30s"}. Checked at compile time: it must parse and be {@code > 0}.
   */
  String openFor() default "30s";

  /**
   * {@return how many trial calls pass while half-open; all must succeed to close} Default {@code
   * 3}. Checked at compile time: it must be {@code >= 1}.
   */
  int halfOpenCalls() default 3;

  /**
   * {@return a duration above which a successful call counts as a failure} The slow call still
   * returns its value. Default {@code ""}: off. Checked at compile time: when set, it must parse
   * and be {@code > 0}.
   */
  String slowerThan() default "";

  /**
   * {@return the failures that count against the breaker} Others count as successes. Default: every
   * failure.
   */
  Class<? extends Throwable>[] failOn() default {Throwable.class};

  /**
   * {@return failures that count as successes even when {@link #failOn()} names them} A business
   * "not found", say, which says nothing about the backend's health. Default: none.
   */
  Class<? extends Throwable>[] skipOn() default {};

  /**
   * {@return the name under which breakers are shared in one runtime} Every {@code CircuitBreaker}
   * of one name, in any step of any workflow on one {@code WorkflowRuntime}, is one breaker; they
   * must declare the same settings (checked at compile time within one compilation, and at run time
   * otherwise). Default {@code ""}: a breaker of this step's own.
   */
  String name() default "";
}

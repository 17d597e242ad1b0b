package dev.tta.primitives.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits how often a step starts: in any interval of length {@link #per()}, at most {@link
 * #permits()} calls start. Intervals are half-open, {@code [t, t + per)}, and a burst of {@code
 * permits} calls is allowed.
 *
 * <p>A call beyond the limit waits for its permit on the runtime's scheduler (no thread is held);
 * one that would wait longer than {@link #maxWait()} fails at once with a {@code
 * RateLimitExceededException} naming the limiter. A cancelled run stops waiting at once.
 *
 * <p>On a step method it limits that step; on the {@link Workflow} class, whole runs. Policies
 * always nest as {@code Fallback( Cache( Retry( CircuitBreaker( Hedge( RateLimit( Timeout(
 * Bulkhead( call ))))))))}: the wait for a permit does not count against a {@link Timeout}, every
 * retry and every hedged call takes a permit of its own, and a rejection is retried like any
 * failure that {@link Retry#retryOn()} admits.
 *
 * <p>The limit counts starts as this process sees them. A server enforcing a quota counts the
 * requests as they arrive, and every retry and hedged call is a request too, so set {@code permits}
 * a little below the server's quota, and add a {@link Bulkhead} when the server also limits
 * requests in flight.
 *
 * <p>Without {@link #name()} the permits belong to that step of that workflow object; with a name,
 * every limit of that name in one {@code WorkflowRuntime} shares them (one API key). Every
 * attribute is checked at compile time; a value outside its range is a compile error on that
 * attribute.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface RateLimit {

  /**
   * {@return how many calls may start in any interval of {@link #per()}} Default {@code 10}.
   * Checked at compile time: it must be {@code >= 1}.
   */
  int permits() default 10;

  /**
   * {@return the length of the interval, as a duration} Default {@code "1s"}. Checked at compile
   * time: it must parse and be {@code > 0}.
   */
  String per() default "1s";

  /**
   * {@return the longest a call waits for its permit, as a duration} Default {@code ""}: as long as
   * it takes; {@code "0ms"} never waits. Checked at compile time: it must parse and be {@code >=
   * 0}.
   */
  String maxWait() default "";

  /**
   * {@return the name under which permits are shared in one runtime} Every {@code RateLimit} of one
   * name on one {@code WorkflowRuntime} draws from the same permits; they must declare the same
   * settings. Default {@code ""}: permits of this step's own.
   */
  String name() default "";
}

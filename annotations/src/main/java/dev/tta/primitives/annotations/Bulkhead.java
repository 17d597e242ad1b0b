package dev.tta.primitives.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Bounds how many calls of a step run at once, so one slow backend cannot take every thread.
 *
 * <p>At most {@link #value()} calls are in flight; up to {@link #queue()} more wait for a slot, in
 * order, without holding a thread; a call beyond those, or one that would wait longer than {@link
 * #maxWait()}, fails at once with a {@code BulkheadFullException} naming the bulkhead. A cancelled
 * run leaves the queue at once.
 *
 * <p>On a step method it bounds that step; on the {@link Workflow} class, whole runs. Policies
 * always nest as {@code Fallback( Cache( Retry( CircuitBreaker( Hedge( RateLimit( Timeout(
 * Bulkhead( call ))))))))}: the wait for a slot counts against a {@link Timeout}, each hedged call
 * takes a slot of its own, and a rejection is retried like any failure that {@link Retry#retryOn()}
 * admits.
 *
 * <p>Without {@link #name()} the slots belong to that step of that workflow object; with a name,
 * every bulkhead of that name in one {@code WorkflowRuntime} shares them. Every attribute is
 * checked at compile time; a value outside its range is a compile error on that attribute.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Bulkhead {

  /**
   * {@return how many calls may be in flight at once} Default {@code 10}. Checked at compile time:
   * it must be {@code >= 1}.
   */
  int value() default 10;

  /**
   * {@return how many calls may wait for a slot} Default {@code 0}: a call that finds every slot
   * taken fails at once. Checked at compile time: it must be {@code >= 0}.
   */
  int queue() default 0;

  /**
   * {@return the longest a queued call waits for a slot, as a duration} Default {@code ""}: as long
   * as it takes. Checked at compile time: it must parse, be {@code >= 0}, and is allowed only with
   * {@code queue > 0}.
   */
  String maxWait() default "";

  /**
   * {@return the name under which slots are shared in one runtime} Every {@code Bulkhead} of one
   * name on one {@code WorkflowRuntime} draws from the same slots and queue; they must declare the
   * same settings. Default {@code ""}: slots of this step's own.
   */
  String name() default "";
}

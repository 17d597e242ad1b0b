package dev.tta.primitives.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Fails a step that takes longer than a deadline.
 *
 * <p>On a step method it limits that step; on the {@link Workflow} class it limits the whole run.
 * Policies always nest as {@code Fallback( Cache( Retry( CircuitBreaker( Hedge( RateLimit( Timeout(
 * Bulkhead( call ))))))))}, so the deadline applies to each attempt of a {@link Retry} separately,
 * and a cache hit never starts the clock.
 *
 * <p>At the deadline the attempt is cancelled and fails with a {@code
 * java.util.concurrent.TimeoutException}, which {@link Retry} retries by default. The workflow
 * moves on at the deadline even if the step ignores cancellation: a late result is discarded.
 *
 * <p>Every attribute is checked at compile time; a value outside its range is a compile error on
 * that attribute.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Timeout {

  /**
   * {@return the deadline of one attempt, as a duration} Default {@code "30s"}. Checked at compile
   * time: it must parse and be {@code > 0}.
   */
  String value() default "30s";

  /**
   * {@return whether a sync step's thread is interrupted at the deadline} Interrupting stops
   * blocking I/O or a sleep early and frees the thread. With {@code false} a late step runs on in
   * the background; the workflow does not wait for it either way. Default {@code true}.
   */
  boolean interrupt() default true;
}

package dev.tta.primitives.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Supplies a result from another method when a step fails.
 *
 * <p>On a step method it covers that step; on the {@link Workflow} class it covers the whole run.
 * Policies always nest as {@code Fallback( Cache( Retry( CircuitBreaker( Hedge( RateLimit( Timeout(
 * Bulkhead( call ))))))))}: the fallback runs once {@link Retry} has given up or a failure is not
 * retryable, and its value is never cached by {@link Cached}.
 *
 * <p>The fallback method is in the same class and not private. On the class, "the step" below means
 * the whole run: its data parameters are those of the first step and its result is the workflow's
 * output. The fallback method:
 *
 * <ul>
 *   <li>takes the step's data parameters, same types in the same order, optionally followed by the
 *       cause and then a {@code WorkflowContext}. The cause parameter is a {@code Throwable}, or a
 *       narrower type to which every {@link #applyOn()} type is assignable;
 *   <li>returns a type assignable to the step's result, either directly or as a {@code
 *       CompletionStage} of it, whether or not the step itself is async;
 *   <li>may carry its own {@code @Fallback}, which forms a chain; a cycle is a compile error.
 * </ul>
 *
 * <p>It gets the step's arguments and the step's own last failure, not a {@code WorkflowException}
 * wrapping it, so it can tell failures apart. If it fails too, its failure propagates with the
 * original one suppressed.
 *
 * <p>Every attribute is checked at compile time; a bad value is a compile error on that attribute.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Fallback {

  /**
   * {@return the name of the fallback method in the same class} Required. Checked at compile time:
   * a method that is missing, ambiguous, private or ill-typed is a compile error on this attribute.
   */
  String value();

  /**
   * {@return the failures that trigger the fallback; subclasses match} Default {@code Throwable},
   * meaning every failure. Checked at compile time: it must name at least one type.
   */
  Class<? extends Throwable>[] applyOn() default {Throwable.class};

  /**
   * {@return the failures that propagate without the fallback, even when {@link #applyOn()} matches
   * too; subclasses match} Default none.
   */
  Class<? extends Throwable>[] skipOn() default {};
}

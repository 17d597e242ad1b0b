package dev.tta.primitives.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a {@link Workflow} class as a step that runs concurrently.
 *
 * <p>A {@code @Parallel} method is a {@link Step}, so it needs no {@code @Step} as well, and
 * follows the same rules. Consecutive {@code @Parallel} methods form one stage: every branch gets
 * the previous stage's output, all branches run at the same time, and the next step receives their
 * results in source order (one parameter per branch, or one {@code List}). The first failure fails
 * the stage and cancels the other branches.
 *
 * <p>With {@link #forEach()} the method is a stage of its own that runs once per element of the
 * previous stage's output.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Parallel {

  /**
   * {@return whether the step runs once per element of the previous stage's output instead of as a
   * branch} The method then takes one element, the elements run concurrently, and the stage yields
   * a {@code List} of the results in input order. Default {@code false}. Checked at compile time:
   * the previous stage must return an {@code Iterable} or an array.
   */
  boolean forEach() default false;

  /**
   * {@return the most elements in flight at once with {@link #forEach()}} A bound keeps a long list
   * from flooding a downstream service. Default {@code 0}, meaning unbounded. Checked at compile
   * time: it must be {@code >= 0}, and a non-zero value without {@code forEach = true} is a compile
   * error on this attribute.
   */
  int maxConcurrency() default 0;

  /**
   * {@return the step's name in listener events and exception messages} Empty (the default) means
   * the method name. Checked at compile time: names must be unique within the workflow, and a
   * duplicate is a compile error on this attribute.
   */
  String name() default "";
}

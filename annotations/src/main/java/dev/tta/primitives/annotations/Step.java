package dev.tta.primitives.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a {@link Workflow} class as one sequential stage of the workflow.
 *
 * <p>Steps run in source order. The first step's data parameters become the parameters of the
 * generated {@code run(...)}; a later step's data parameters take the previous stage's output. A
 * {@code WorkflowContext} parameter is not data: the run's context is passed to it. A step returns
 * a value {@code T}, a {@code CompletionStage<T>} or {@code CompletableFuture<T>} (async), or
 * {@code void}; sync and async steps mix freely.
 *
 * <p>Checked at compile time: the method must not be private, must not declare its own type
 * variables, and its parameters must accept the previous stage's output. A mismatch is a compile
 * error on the method.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Step {

  /**
   * {@return the step's name in listener events and exception messages} Empty (the default) means
   * the method name. Checked at compile time: names must be unique within the workflow, and a
   * duplicate is a compile error on this attribute.
   */
  String name() default "";
}

package dev.tta.primitives.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Also runs a {@link Workflow} class durably on Temporal: besides {@code <Name>Workflow}, the
 * processor writes {@code <Name>Temporal}, whose workflow is generated from the stages alone and
 * whose activities call the steps, so a run survives the crash of the process running it and
 * resumes where it was on another worker (a step in flight runs again there if its {@link Retry}
 * allows another attempt).
 *
 * <pre>{@code
 * @Workflow @Durable
 * public class Orders { ... }
 *
 * OrdersTemporal.register(worker, new Orders());          // in each worker process
 * Receipt r = new OrdersTemporal(client).run(orderId);    // from any client
 * }</pre>
 *
 * <p>{@code <Name>Temporal} compiles against {@code tta-primitives-temporal} and the Temporal SDK,
 * which must be on the class path; without them {@code @Durable} is a compile error. Every step's
 * data crosses process boundaries through Temporal's data converter (JSON by default), so types
 * that cannot survive it ({@code Path}, {@code File}, streams, threads, futures, functional
 * interfaces, a {@code WorkflowContext} as data rather than as the context parameter) are compile
 * errors on the element. {@link Retry} becomes the activity's retry options, {@link Timeout} its
 * start-to-close timeout, a class-level {@code Timeout} the workflow's run timeout, and {@link
 * Fallback} a second activity after the retries; {@link CircuitBreaker}, {@link Bulkhead}, {@link
 * RateLimit} and {@link Hedge} apply inside the activity, in the worker; {@link Cached} is not
 * applied durably (a warning): Temporal never runs a completed step again.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Durable {

  /**
   * {@return the Temporal task queue the workers of this workflow poll} Empty (the default) means
   * the workflow's name.
   */
  String taskQueue() default "";
}

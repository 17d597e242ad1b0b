package dev.tta.primitives.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class whose {@link Step} and {@link Parallel} methods make up a workflow.
 *
 * <p>The processor writes a final class {@code <Name>Workflow} in the same package (a nested {@code
 * Outer.Inner} gives {@code Outer_InnerWorkflow}) that wraps an instance of this class and runs its
 * steps in source order, each stage feeding the next:
 *
 * <pre>{@code
 * @Workflow
 * public class PriceQuote {
 *   @Step Order parse(String json) { ... }                 // its parameters are the run input
 *
 *   @Parallel @Timeout("2s") Price price(Order o) { ... }  // these two run concurrently
 *   @Parallel @Retry(max = 4, delay = "200ms")
 *   Discount discount(Order o) { ... }
 *
 *   @Step @Fallback("listPrice")
 *   Quote quote(Price p, Discount d) { ... }
 *   Quote listPrice(Price p, Discount d, Throwable cause) { ... }
 * }
 *
 * Quote q = new PriceQuoteWorkflow(new PriceQuote()).run(json);
 * }</pre>
 *
 * <p>The class must be a class (not an interface, enum, record or annotation), top level or static
 * nested, not private, and declare at least one step; anything else is a compile error. {@link
 * Retry}, {@link Timeout}, {@link Cached} and {@link Fallback} on this class wrap the whole run, in
 * the order described in the {@linkplain dev.tta.primitives.annotations package documentation}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Workflow {

  /**
   * {@return the workflow's name in listener events and exception messages} Empty (the default)
   * means the class's simple name. Any string is accepted.
   */
  String name() default "";
}

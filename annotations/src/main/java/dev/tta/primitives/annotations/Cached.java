package dev.tta.primitives.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Keeps a step's results and returns a stored result instead of calling the step again.
 *
 * <p>On a step method it caches that step by its arguments; on the {@link Workflow} class it caches
 * whole runs by their input. Policies always nest as {@code Fallback( Cache( Retry( CircuitBreaker(
 * Hedge( RateLimit( Timeout( Bulkhead( call ))))))))}: a hit skips the call, its retries and its
 * timeout, and a fallback value is never cached, so a stand-in answer does not outlive the outage
 * it covered.
 *
 * <p>Concurrent calls with the same key share one execution. Only successes are stored; a failure
 * is not, so the next call tries again. A {@code void} step has nothing to cache and is a compile
 * error.
 *
 * <p>Every attribute is checked at compile time; a value outside its range is a compile error on
 * that attribute.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Cached {

  /**
   * {@return how long a result stays usable after it was stored, as a duration} Default {@code
   * "1h"}. Checked at compile time: it must parse and be {@code > 0}.
   */
  String ttl() default "1h";

  /**
   * {@return the most results kept} Beyond it, entries are evicted, which bounds the memory the
   * cache takes. Default {@code 10000}. Checked at compile time: it must be {@code >= 1}.
   */
  long maxSize() default 10000;

  /**
   * {@return the name of the method that computes the cache key, or empty for the step's data
   * arguments} Empty (the default) compares the data arguments themselves with {@code equals}. A
   * key method, for when only part of the arguments matters, is a non-private method of the same
   * class that takes the step's data parameters (on the class: the run's input parameters) and
   * returns the key. Checked at compile time: a method that is missing, ambiguous, private or
   * ill-typed is a compile error on this attribute.
   */
  String key() default "";
}

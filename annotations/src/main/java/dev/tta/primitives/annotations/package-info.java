/**
 * Annotations that turn a plain class into a workflow generated at compile time.
 *
 * <p>Mark a class with {@link Workflow}, its steps with {@link Step} or {@link Parallel}, and add
 * policies where a step needs them: {@link Retry}, {@link Timeout}, {@link Cached}, {@link
 * Fallback}, {@link CircuitBreaker}, {@link Bulkhead}, {@link RateLimit} and {@link Hedge}. The
 * annotation processor ({@code tta-primitives-processor}) checks them and writes a {@code
 * <Class>Workflow} class that calls the annotated methods directly through the runtime primitives.
 * Without the processor on the annotation processor path the annotations do nothing: nothing is
 * looked up at run time.
 *
 * <p>The annotations have {@code CLASS} retention: they stay in class files, so tools reading a
 * compiled class still see them, but cost nothing at run time and are invisible to reflection.
 *
 * <h2>Policy order</h2>
 *
 * <p>A policy on a step method wraps that step; on the {@code @Workflow} class it wraps the whole
 * run. However the annotations are written, the policies always nest in this order:
 *
 * <pre>Fallback( Cache( Retry( CircuitBreaker( Hedge( RateLimit( Timeout( Bulkhead( call ))))))))
 * </pre>
 *
 * <p>So a cache hit skips the call and every other policy, a fallback value is never cached, every
 * retry passes the circuit breaker, and each attempt and each hedged call takes its own rate
 * permit, deadline and bulkhead slot. Waiting for a rate permit does not count against the timeout;
 * waiting for a bulkhead slot does.
 *
 * <h2>Durations</h2>
 *
 * <p>Duration attributes are strings, so they read like configuration: a whole number followed by a
 * unit, {@code ms}, {@code s}, {@code m}, {@code h} or {@code d} ({@code "250ms"}, {@code "30s"},
 * {@code "5m"}, {@code "1h"}, {@code "2d"}), or an ISO-8601 duration as read by {@code
 * java.time.Duration.parse} ({@code "PT1M30S"}). Negative durations are not allowed.
 *
 * <h2>Checked at compile time</h2>
 *
 * <p>Every attribute value is checked by the processor. A value outside its range, a duration that
 * does not parse, or a method name that does not resolve is a compile error reported on that
 * attribute, so a misconfigured policy never reaches run time.
 */
package dev.tta.primitives.annotations;

package dev.tta.primitives;

/**
 * A snapshot of a circuit breaker, for inspection.
 *
 * <p>While closed the counts are those of the outcomes kept in the window; while half-open, those
 * of the trial calls finished so far; while open, those that made the breaker open (the window, or
 * the trial calls that ended with a failure).
 *
 * @param state the state
 * @param failureRate {@code failedCalls / calls}; 0 when no outcome is counted
 * @param calls the outcomes counted
 * @param failedCalls how many of them count as failures (slow calls included)
 * @param slowCalls how many of the failures were calls slower than the policy's {@code slowerThan}
 *     (that otherwise succeeded)
 * @param rejectedCalls calls refused with a {@link CircuitOpenException} since the breaker was made
 */
public record CircuitBreakerStats(
    CircuitState state,
    double failureRate,
    int calls,
    int failedCalls,
    int slowCalls,
    long rejectedCalls) {}

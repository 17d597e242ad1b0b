package dev.tta.primitives.processor.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The policy kinds the processor knows, in the one order they nest: Fallback( Cache( Retry(
 * CircuitBreaker( Hedge( RateLimit( Timeout( Bulkhead( call )))))))). The validator reads them in
 * this order and the writer wraps the call in it; adding a policy means adding its kind here, at
 * its place.
 */
public final class PolicyKinds {

  /** {@code @Fallback}. */
  public static final FallbackKind FALLBACK = new FallbackKind();

  /** {@code @Cached}. */
  public static final CacheKind CACHE = new CacheKind();

  /** {@code @Retry}. */
  public static final RetryKind RETRY = new RetryKind();

  /** {@code @CircuitBreaker}. */
  public static final CircuitBreakerKind CIRCUIT_BREAKER = new CircuitBreakerKind();

  /** {@code @Hedge}. */
  public static final HedgeKind HEDGE = new HedgeKind();

  /** {@code @RateLimit}. */
  public static final RateLimitKind RATE_LIMIT = new RateLimitKind();

  /** {@code @Timeout}. */
  public static final TimeoutKind TIMEOUT = new TimeoutKind();

  /** {@code @Bulkhead}. */
  public static final BulkheadKind BULKHEAD = new BulkheadKind();

  /** Every kind, outermost first. */
  public static final List<PolicyKind<?>> ORDER =
      List.of(FALLBACK, CACHE, RETRY, CIRCUIT_BREAKER, HEDGE, RATE_LIMIT, TIMEOUT, BULKHEAD);

  /**
   * The kinds a direct run enters before calling a step in place, in the order it enters them:
   * those that take nothing first, then those whose taking can be given back, and last the one that
   * cannot (a rate permit), so that a refusal never leaves a permit spent.
   */
  public static final List<PolicyKind<?>> IN_PLACE = List.of(CIRCUIT_BREAKER, BULKHEAD, RATE_LIMIT);

  /** Every kind, innermost first: the order in which the writer wraps the call. */
  public static final List<PolicyKind<?>> INSIDE_OUT = reversed(ORDER);

  private PolicyKinds() {}

  /** The qualified names of the policy annotations, outermost first. */
  public static List<String> annotations() {
    List<String> names = new ArrayList<>();
    for (PolicyKind<?> kind : ORDER) {
      names.add(kind.annotation());
    }
    return List.copyOf(names);
  }

  /**
   * The order as the generated source and the docs print it: {@code Fallback( Cache( ... ( call
   * )...)}.
   */
  public static String nesting() {
    StringBuilder text = new StringBuilder();
    for (PolicyKind<?> kind : ORDER) {
      text.append(kind == CACHE ? "Cache" : kind.simpleName()).append("( ");
    }
    return text.append("call ").append(")".repeat(ORDER.size())).toString();
  }

  private static List<PolicyKind<?>> reversed(List<PolicyKind<?>> kinds) {
    List<PolicyKind<?>> copy = new ArrayList<>(kinds);
    Collections.reverse(copy);
    return List.copyOf(copy);
  }
}

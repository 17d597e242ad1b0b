package dev.tta.primitives;

/**
 * A snapshot of a {@link CachePrimitive}'s counters.
 *
 * @param hits calls served from the cache, or joined to a call already in flight for the key
 * @param misses calls that ran the work
 * @param evictions entries removed for size or age
 * @param size entries held now (approximate while maintenance is pending)
 */
public record CacheStats(long hits, long misses, long evictions, long size) {

  /**
   * The share of calls served without running the work.
   *
   * @return hits / (hits + misses), or 0 when there were no calls
   */
  public double hitRate() {
    long calls = hits + misses;
    return calls == 0 ? 0.0 : (double) hits / calls;
  }
}

package dev.tta.primitives;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Caches results by key, backed by Caffeine: entries live for {@code ttl} after they are written
 * and at most {@code maxSize} are kept. Concurrent calls with one key share one execution (single
 * flight). Failures are never cached: a failed call removes its entry, so the next call runs again.
 *
 * <p>The cache belongs to this primitive; its clock is the clock of the runtime passed to {@link
 * Builder#build(WorkflowRuntime)}. Cancelling a caller's future detaches that caller only: the
 * shared execution goes on for the others and for the cache.
 *
 * @param <I> input type
 * @param <O> output type
 */
public final class CachePrimitive<I, O> implements WorkflowPrimitive<I, O> {

  /** Stands for a {@code null} key, which Caffeine cannot hold. */
  private static final Object NULL_KEY = new Object();

  private final WorkflowPrimitive<? super I, ? extends O> delegate;
  private final Function<? super I, ?> key;
  private final AsyncCache<Object, O> cache;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  private CachePrimitive(Builder<I, O> builder, WorkflowRuntime runtime) {
    this.delegate = builder.delegate;
    this.key = builder.key;
    WorkflowClock clock = runtime.clock();
    this.cache =
        Caffeine.newBuilder()
            .expireAfterWrite(builder.ttl)
            .maximumSize(builder.maxSize)
            .ticker(clock::nanoTime)
            // Maintenance (eviction) runs on the calling thread: cheap, and deterministic in tests.
            .executor(Runnable::run)
            .recordStats()
            .buildAsync();
  }

  /**
   * A builder for a cache in front of {@code delegate}; defaults: ttl 1 hour, 10000 entries, the
   * input as the key.
   *
   * @param delegate the work whose results are cached
   * @param <I> input type
   * @param <O> output type
   * @return a new builder
   */
  public static <I, O> Builder<I, O> builder(WorkflowPrimitive<? super I, ? extends O> delegate) {
    return new Builder<>(delegate);
  }

  @Override
  public CompletableFuture<O> execute(I input, WorkflowContext context) {
    Object k;
    try {
      k = key.apply(input);
    } catch (RuntimeException | Error e) { // execute never throws: an Error fails the future too
      return CompletableFuture.failedFuture(e);
    }
    if (k == null) {
      k = NULL_KEY;
    }
    CompletableFuture<O> cached = cache.getIfPresent(k);
    if (cached == null) {
      Entry<O> mine = new Entry<>();
      cached = cache.asMap().putIfAbsent(k, mine);
      if (cached == null) {
        misses.increment();
        Events events = context.runtime().events();
        if (events.enabled()) {
          events.onCacheMiss(context, name());
        }
        // Run outside any map lock: a slow or re-entrant step must not block other keys.
        Object entryKey = k;
        // Detached from the caller's isolated call: others may share this execution.
        IsolatedCall.callDetached(delegate, input, context)
            .whenComplete(
                (value, error) -> {
                  if (error == null && value != null) {
                    mine.complete(value); // Caffeine now starts the ttl and counts the entry
                    mine.outcome.complete(value);
                  } else {
                    // Failures (and nulls) are never cached. Drop the entry before callers hear,
                    // and end Caffeine's future by cancelling it: a failed one makes Caffeine log
                    // a WARNING for every failed call, though the failure is the caller's.
                    cache.asMap().remove(entryKey, mine);
                    mine.cancel(false);
                    if (error == null) {
                      mine.outcome.complete(null);
                    } else {
                      mine.outcome.completeExceptionally(Futures.unwrap(error));
                    }
                  }
                });
        return mine.outcome.copy();
      }
    }
    hits.increment();
    Events events = context.runtime().events();
    if (events.enabled()) {
      events.onCacheHit(context, name());
    }
    // Hand out a copy: a caller cancelling or completing its future must not touch the entry.
    CompletableFuture<O> outcome = ((Entry<O>) cached).outcome;
    return Futures.succeeded(outcome)
        ? CompletableFuture.completedFuture(outcome.getNow(null))
        : outcome.copy();
  }

  /**
   * The counters now.
   *
   * @return a snapshot
   */
  public CacheStats stats() {
    return new CacheStats(
        hits.sum(),
        misses.sum(),
        cache.synchronous().stats().evictionCount(),
        cache.synchronous().estimatedSize());
  }

  /** Drops every entry. */
  public void invalidateAll() {
    cache.synchronous().invalidateAll();
  }

  /** Runs pending maintenance now (expiry and size eviction), e.g. before reading stats. */
  public void cleanUp() {
    cache.synchronous().cleanUp();
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public boolean isBlocking() {
    return delegate.isBlocking();
  }

  /**
   * The future Caffeine holds for a key, completed only with a value; the callers' outcome, value
   * or failure, is kept beside it.
   */
  private static final class Entry<O> extends CompletableFuture<O> {
    final CompletableFuture<O> outcome = new CompletableFuture<>();
  }

  /**
   * Builds a {@link CachePrimitive}.
   *
   * @param <I> input type
   * @param <O> output type
   */
  public static final class Builder<I, O> {
    private final WorkflowPrimitive<? super I, ? extends O> delegate;
    private Duration ttl = Duration.ofHours(1);
    private long maxSize = 10_000;
    private Function<? super I, ?> key = Function.identity();

    private Builder(WorkflowPrimitive<? super I, ? extends O> delegate) {
      this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /**
     * How long an entry lives after it is written.
     *
     * @param ttl positive
     * @return this builder
     */
    public Builder<I, O> ttl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("ttl = " + ttl + " must be positive");
      }
      this.ttl = ttl;
      return this;
    }

    /**
     * The most entries kept.
     *
     * @param maxSize at least 1
     * @return this builder
     */
    public Builder<I, O> maxSize(long maxSize) {
      if (maxSize < 1) {
        throw new IllegalArgumentException("maxSize = " + maxSize + " must be >= 1");
      }
      this.maxSize = maxSize;
      return this;
    }

    /**
     * Maps an input to its cache key; by default the input itself. Keys need proper {@code equals}
     * and {@code hashCode}.
     *
     * @param key the key function
     * @return this builder
     */
    public Builder<I, O> key(Function<? super I, ?> key) {
      this.key = Objects.requireNonNull(key, "key");
      return this;
    }

    /**
     * Builds the cache on the default runtime's clock.
     *
     * @return the primitive
     */
    public CachePrimitive<I, O> build() {
      return build(WorkflowRuntime.defaults());
    }

    /**
     * Builds the cache on {@code runtime}'s clock.
     *
     * @param runtime supplies the clock for expiry
     * @return the primitive
     */
    public CachePrimitive<I, O> build(WorkflowRuntime runtime) {
      return new CachePrimitive<>(this, runtime);
    }
  }
}

package dev.tta.primitives;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Caches results by key, backed by Caffeine: entries live for {@code ttl} after they are written
 * and at most {@code maxSize} are kept. Concurrent calls with one key share one execution (single
 * flight). Failures are never cached: a failed call removes its entry, so the next call runs again.
 *
 * <p>The cache belongs to this primitive; its clock is the clock of the runtime passed to {@link
 * Builder#build(WorkflowRuntime)}. Every caller gets a future of its own. Cancelling it detaches
 * that caller only while others still wait: the shared execution goes on for them and for the
 * cache. When the last caller waiting for an execution in flight cancels, the execution is
 * cancelled too (so cancelling a run stops, e.g., retries inside the cache) and its entry is
 * dropped: the next call runs again.
 *
 * @param <I> input type
 * @param <O> output type
 */
public final class CachePrimitive<I, O> implements WorkflowPrimitive<I, O>, Structure {

  /** Stands for a {@code null} key, which Caffeine cannot hold. */
  private static final Object NULL_KEY = new Object();

  private final WorkflowPrimitive<? super I, ? extends O> delegate;
  private final Function<? super I, ?> key;
  private final AsyncCache<Object, O> cache;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final boolean reportsAsWorkflow; // around a composition: a class-level @Cached

  private CachePrimitive(Builder<I, O> builder, WorkflowRuntime runtime) {
    this.delegate = builder.delegate;
    this.reportsAsWorkflow = Structure.reportsAsWorkflow(delegate);
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
    while (true) {
      CompletableFuture<O> cached = cache.getIfPresent(k);
      if (cached == null) {
        if (CancelScope.isCancelled(context.scope())) {
          return CompletableFuture.failedFuture(
              new CancellationException("run cancelled: no new call of '" + name() + "'"));
        }
        Flight<O> mine = new Flight<>(k, cache.asMap(), context.scope());
        Caller<O> first =
            mine.addCaller(context.scope()); // before the entry is shared: not abandoned yet
        cached = cache.asMap().putIfAbsent(k, mine);
        if (cached == null) {
          misses.increment();
          Events events = context.runtime().events();
          if (events.enabled()) {
            events.onCacheMiss(context, Structure.reportedName(this, context));
          }
          // Run outside any map lock: a slow or re-entrant step must not block other keys.
          // Detached from the caller's isolated call and scope: others may share this execution,
          // which stops only when every caller has left it.
          mine.start(IsolatedCall.callDetached(delegate, input, context.withScope(mine)));
          return first;
        }
      }
      Flight<O> flight = (Flight<O>) cached;
      CompletableFuture<O> result = flight.joinFlight(context.scope());
      if (result != null) {
        hits.increment();
        Events events = context.runtime().events();
        if (events.enabled()) {
          events.onCacheHit(context, Structure.reportedName(this, context));
        }
        return result;
      }
      // Every caller of that execution cancelled and it is being stopped: start afresh.
      cache.asMap().remove(k, flight);
    }
  }

  /**
   * How many callers wait for the execution in flight for {@code input}; 0 if none is in flight.
   * For tests.
   */
  int waitingCallers(I input) {
    Object k = key.apply(input);
    CompletableFuture<O> cached = cache.getIfPresent(k == null ? NULL_KEY : k);
    return cached == null ? 0 : ((Flight<O>) cached).waiting();
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

  @Override
  public boolean reportsAsWorkflow() {
    return reportsAsWorkflow;
  }

  /**
   * One execution for a key: the future Caffeine holds, completed only with a value; the outcome,
   * value or failure, is kept beside it. Counts the callers waiting for it: when the last of them
   * cancels before the outcome is known, the execution is cancelled and the entry dropped. It is
   * the execution's cancellation scope: abandoning it stops the work (e.g. retries) inside.
   */
  private static final class Flight<O> extends CompletableFuture<O> implements CancelScope {
    final CompletableFuture<O> outcome = new CompletableFuture<>();
    private final Object key;
    private final ConcurrentMap<Object, CompletableFuture<O>> entries;
    // Guarded by this: the callers waiting; null once the outcome is known or nobody waits.
    private Set<Caller<O>> callers = new HashSet<>(4);
    private CompletableFuture<? extends O> work; // guarded by this
    private volatile boolean abandoned; // written under this; then no caller joins
    private final CancelScope firstScope; // the scope of the caller that started the execution
    private boolean interruptOnAbandon; // guarded by this

    Flight(Object key, ConcurrentMap<Object, CompletableFuture<O>> entries, CancelScope first) {
      this.key = key;
      this.entries = entries;
      this.firstScope = first;
    }

    /** A new caller's future, or null if the outcome is known or the execution is abandoned. */
    synchronized Caller<O> addCaller(CancelScope scope) {
      if (callers == null || abandoned) {
        return null;
      }
      Caller<O> caller = new Caller<>(this, scope);
      callers.add(caller);
      return caller;
    }

    synchronized int waiting() {
      return callers == null ? 0 : callers.size();
    }

    /**
     * A later caller's future: the outcome itself once it is a value, a future of its own while the
     * execution runs (cancelling it detaches that caller only), a copy of a failure; {@code null}
     * if the execution was abandoned by all its callers (the caller starts afresh; it never
     * inherits a cancellation it did not ask for).
     */
    CompletableFuture<O> joinFlight(CancelScope scope) {
      if (Futures.succeeded(outcome)) {
        // Shared, as Caffeine's own AsyncCache shares it: cancelling a completed future is a no-op.
        return outcome;
      }
      Caller<O> caller = addCaller(scope);
      if (caller != null) {
        return caller;
      }
      if (abandoned) {
        return null;
      }
      // The outcome became known meanwhile (callers are dropped only after it is set).
      return Futures.succeeded(outcome)
          ? outcome
          : CompletableFuture.failedFuture(Futures.failure(outcome));
    }

    /**
     * Stopped once abandoned, or once every caller still waiting is in a cancelled run: their
     * futures may not have reached this flight yet (a caller whose run is still starting it), but
     * nobody wants its work any more. Seeing that abandons the flight there and then, so that a
     * caller arriving later starts afresh instead of joining work that is stopping.
     */
    @Override
    public boolean isStopped() {
      if (abandoned) {
        return true;
      }
      synchronized (this) {
        if (callers == null || callers.isEmpty()) {
          return false;
        }
        for (Caller<O> caller : callers) {
          if (!CancelScope.isCancelled(caller.scope)) {
            return false;
          }
        }
        // No side effects beyond the flag: this is asked from inside other primitives' locks. The
        // waiting callers hear the work's end (a cancellation) from finished().
        abandoned = true;
        return true;
      }
    }

    /** Shared work belongs to no caller's run: cancelling one caller's run does not stop it. */
    @Override
    public CancelScope parent() {
      return null;
    }

    /** The first caller's blocking run, if any, may run the flight's queued work while it waits. */
    @Override
    public CancelScope helpedBy() {
      return firstScope;
    }

    void start(CompletableFuture<? extends O> started) {
      boolean stop;
      boolean interrupt;
      synchronized (this) {
        work = started;
        stop = abandoned;
        interrupt = interruptOnAbandon;
      }
      if (stop) {
        started.cancel(interrupt); // abandoned while the delegate was being started
      }
      started.whenComplete(this::finished);
    }

    /** A caller cancelled; the last one to go stops the execution. */
    void leave(Caller<O> caller, boolean interrupt) {
      CompletableFuture<? extends O> toStop;
      synchronized (this) {
        if (callers == null || !callers.remove(caller) || !callers.isEmpty()) {
          return;
        }
        callers = null;
        abandoned = true;
        interruptOnAbandon = interrupt;
        toStop = work;
      }
      entries.remove(key, this); // the next call starts afresh
      if (toStop != null) {
        toStop.cancel(interrupt); // its completion (a cancellation) is handled by finished()
      }
    }

    private void finished(O value, Throwable error) {
      if (error == null && value != null) {
        complete(value); // Caffeine now starts the ttl and counts the entry
        outcome.complete(value);
      } else {
        // Failures (and nulls) are never cached. Drop the entry before callers hear, and end
        // Caffeine's future by cancelling it: a failed one makes Caffeine log a WARNING for
        // every failed call, though the failure is the caller's.
        entries.remove(key, this);
        cancel(false);
        if (error == null) {
          outcome.complete(null);
        } else {
          outcome.completeExceptionally(Futures.unwrap(error));
        }
      }
      Set<Caller<O>> waiting;
      synchronized (this) {
        waiting = callers;
        callers = null;
      }
      if (waiting != null) {
        for (Caller<O> caller : waiting) {
          caller.settleFrom(outcome);
        }
      }
    }
  }

  /** One caller's future of a shared execution; cancelling it detaches the caller. */
  private static final class Caller<O> extends StoppableFuture<O> {
    private final Flight<O> flight;
    final CancelScope scope; // the caller's run

    Caller(Flight<O> flight, CancelScope scope) {
      this.flight = flight;
      this.scope = scope;
    }

    @Override
    void stop(boolean interrupt) {
      flight.leave(this, interrupt);
    }
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

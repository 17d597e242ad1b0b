package dev.tta.primitives.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.tta.primitives.WorkflowListener;
import dev.tta.primitives.WorkflowRuntime;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Three trivial steps ({@code x -> x + 1} on a {@code long}) where nothing leaves the caller's
 * thread: the framework's overhead is all there is. Each row returns the result of the third step;
 * {@code x} changes every operation so that nothing folds to a constant (except the cache rows,
 * which must hit one key).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(2)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class SuccessPathBench {

  /** The input of the next operation. */
  @State(Scope.Thread)
  public static class Input {
    long x;

    long next() {
      return x++;
    }
  }

  /** Direct calls, the floor. */
  @Benchmark
  public long direct(Input in) {
    return Peers.third(Peers.second(Peers.first(in.next())));
  }

  /** {@code completedFuture(x).thenApply(+1) x3 .join()}. */
  @Benchmark
  public long cfChain(Input in) {
    return CompletableFuture.completedFuture(in.next())
        .thenApply(Peers::first)
        .thenApply(Peers::second)
        .thenApply(Peers::third)
        .join();
  }

  /** The generated workflows. */
  @State(Scope.Thread)
  public static class Tta {
    Workflows_PlainWorkflow plain;
    Workflows_RetriedWorkflow retried;
    Workflows_RetriedWorkflow listened;
    Workflows.RetriedTimedAsync asyncSteps;
    Workflows_RetriedTimedAsyncWorkflow retriedTimedAsync;
    Workflows_CachedRunWorkflow cached;
    Long key;

    @Setup
    public void setUp() {
      plain = new Workflows_PlainWorkflow(new Workflows.Plain());
      retried = new Workflows_RetriedWorkflow(new Workflows.Retried());
      // A listener that does nothing: every run goes through the primitives, as with metrics.
      WorkflowRuntime withListener =
          WorkflowRuntime.builder().listener(new WorkflowListener() {}).build();
      listened = new Workflows_RetriedWorkflow(new Workflows.Retried(), withListener);
      asyncSteps = new Workflows.RetriedTimedAsync();
      retriedTimedAsync = new Workflows_RetriedTimedAsyncWorkflow(asyncSteps);
      cached = new Workflows_CachedRunWorkflow(new Workflows.CachedRun());
      key = 42L; // a field, not a constant: the same key every operation
      Checks.check(plain.run(1L) == 4L && retried.run(1L) == 4L, "wrong result");
      Checks.check(listened.run(1L) == 4L, "wrong result");
      Checks.check(cached.run(key) == 45L && cached.run(key) == 45L, "wrong result");
      Checks.check(cached.cacheStats().misses() == 1, "cache not warm");
      Checks.asyncStepsArmAndDisarmTimers();
    }
  }

  /** Generated workflow, no policy: {@code run(x)}. */
  @Benchmark
  public long tta_plain(Tta tta, Input in) {
    return tta.plain.run(in.next());
  }

  /** Generated workflow, {@code @Retry} on each step, every first attempt succeeds. */
  @Benchmark
  public long tta_retry(Tta tta, Input in) {
    return tta.retried.run(in.next());
  }

  /**
   * Generated workflow, {@code @Retry} on each step, on a runtime with one listener that does
   * nothing: the listener rules out the direct run, so every run goes through the primitives and
   * reports its events (the path of every production user with metrics).
   */
  @Benchmark
  public long tta_retry_listener(Tta tta, Input in) {
    return tta.listened.run(in.next());
  }

  /**
   * Generated workflow, {@code @Retry @Timeout} on each asynchronous step: each step's future
   * completes after the step returned (on this thread, see {@link Trampoline}), so each attempt
   * arms and disarms a real deadline on the runtime's scheduler (a step's deadlines share one timer
   * there, armed only when none is pending). A run is {@code run(x)} without its final wait: a new
   * context, {@code execute}, then the trampoline completes the steps.
   */
  @Benchmark
  public long tta_retryTimeout_async(Tta tta, Input in) {
    return tta.asyncSteps.trampoline.drain(
        tta.retriedTimedAsync.execute(in.next(), Peers.newContext("RetriedTimedAsync")));
  }

  /** Generated workflow with a class-level {@code @Cached}: a hit on a warm key. */
  @Benchmark
  public long tta_cachedHit(Tta tta) {
    return tta.cached.run(tta.key);
  }

  /** Hand-written retries with the same policy as {@code @Retry}'s defaults. */
  @State(Scope.Thread)
  public static class Retries {
    FailsafeExecutor<Long> failsafe1;
    FailsafeExecutor<Long> failsafe2;
    FailsafeExecutor<Long> failsafe3;
    FailsafeExecutor<Long> failsafeTimed1;
    FailsafeExecutor<Long> failsafeTimed2;
    FailsafeExecutor<Long> failsafeTimed3;
    io.github.resilience4j.retry.Retry r4j1;
    io.github.resilience4j.retry.Retry r4j2;
    io.github.resilience4j.retry.Retry r4j3;
    org.springframework.retry.support.RetryTemplate spring;

    @Setup
    public void setUp() {
      failsafe1 = Failsafe.with(Peers.failsafeRetry());
      failsafe2 = Failsafe.with(Peers.failsafeRetry());
      failsafe3 = Failsafe.with(Peers.failsafeRetry());
      failsafeTimed1 = Failsafe.with(Peers.failsafeRetry()).compose(Peers.failsafeTimeout());
      failsafeTimed2 = Failsafe.with(Peers.failsafeRetry()).compose(Peers.failsafeTimeout());
      failsafeTimed3 = Failsafe.with(Peers.failsafeRetry()).compose(Peers.failsafeTimeout());
      r4j1 = Peers.r4jRetry("first");
      r4j2 = Peers.r4jRetry("second");
      r4j3 = Peers.r4jRetry("third");
      spring = Peers.springRetry();
    }
  }

  /** Failsafe {@code RetryPolicy} around each step, as a user writes it. */
  @Benchmark
  public long failsafe_retry(Retries p, Input in) {
    long a = in.next();
    long b = p.failsafe1.get(() -> Peers.first(a));
    long c = p.failsafe2.get(() -> Peers.second(b));
    return p.failsafe3.get(() -> Peers.third(c));
  }

  /**
   * Failsafe {@code RetryPolicy} composed with a 1s {@code Timeout} around each step, synchronous:
   * the step runs on this thread and Failsafe arms a timer per attempt (its cheapest form with a
   * real timer and no hand-off).
   */
  @Benchmark
  public long failsafe_retryTimeout(Retries p, Input in) {
    long a = in.next();
    long b = p.failsafeTimed1.get(() -> Peers.first(a));
    long c = p.failsafeTimed2.get(() -> Peers.second(b));
    return p.failsafeTimed3.get(() -> Peers.third(c));
  }

  /** Resilience4j {@code Retry} around each step, as a user writes it. */
  @Benchmark
  public long r4j_retry(Retries p, Input in) {
    long a = in.next();
    long b = p.r4j1.executeSupplier(() -> Peers.first(a));
    long c = p.r4j2.executeSupplier(() -> Peers.second(b));
    return p.r4j3.executeSupplier(() -> Peers.third(c));
  }

  /** Spring Retry {@code RetryTemplate} around each step. */
  @Benchmark
  public long spring_retry(Retries p, Input in) {
    long a = in.next();
    long b = p.spring.execute(ctx -> Peers.first(a));
    long c = p.spring.execute(ctx -> Peers.second(b));
    return p.spring.execute(ctx -> Peers.third(c));
  }

  /** A Caffeine cache with {@code @Cached}'s settings, warm. */
  @State(Scope.Thread)
  public static class Caches {
    Cache<Long, Long> caffeine;
    Long key;

    @Setup
    public void setUp() {
      caffeine =
          Caffeine.newBuilder()
              .expireAfterWrite(Duration.ofHours(1))
              .maximumSize(10_000)
              .executor(Runnable::run)
              .recordStats()
              .build();
      key = 42L;
      caffeine.put(key, 45L);
    }
  }

  /** Caffeine {@code getIfPresent} on a warm key. */
  @Benchmark
  public Long caffeine_hit(Caches c) {
    return c.caffeine.getIfPresent(c.key);
  }
}

package dev.tta.primitives.benchmarks;

import dev.tta.primitives.BulkheadPolicy;
import dev.tta.primitives.BulkheadPrimitive;
import dev.tta.primitives.CircuitBreakerPolicy;
import dev.tta.primitives.CircuitBreakerPrimitive;
import dev.tta.primitives.LambdaPrimitive;
import dev.tta.primitives.RateLimitPolicy;
import dev.tta.primitives.RateLimitPrimitive;
import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowPrimitive;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
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
 * The new policies' happy paths, one trivial synchronous call ({@code x -> x + 1}) each: a
 * generated one-step workflow ({@code run(x)}, see {@link Workflows}) and the runtime primitive by
 * hand ({@code execute}), against the Resilience4j equivalent with the same settings: a closed
 * breaker, a free bulkhead slot, an available rate-limit permit, a hedge that is not needed
 * (Resilience4j's hedge module does not resolve here, so that row has no peer).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(2)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class PolicyBench {

  /** The input of the next operation. */
  @State(Scope.Thread)
  public static class Input {
    long x;

    long next() {
      return x++;
    }
  }

  /** The primitives, built once, and a context made once. */
  @State(Scope.Thread)
  public static class Tta {
    WorkflowPrimitive<Long, Long> breaker;
    WorkflowPrimitive<Long, Long> bulkhead;
    WorkflowPrimitive<Long, Long> rateLimit;
    WorkflowContext context;

    @Setup
    public void setUp() {
      LambdaPrimitive<Long, Long> step = LambdaPrimitive.of("step", Peers::first);
      breaker = CircuitBreakerPrimitive.of(step, CircuitBreakerPolicy.builder().build());
      bulkhead = BulkheadPrimitive.of(step, BulkheadPolicy.defaults());
      // Far more permits than one thread can take in the window: the permit is always there.
      rateLimit =
          RateLimitPrimitive.of(
              step, RateLimitPolicy.builder().permits(1_000).per(Duration.ofNanos(1_000)).build());
      context = Peers.newContext("PolicyBench");
    }
  }

  /** The generated workflows, on the default runtime. */
  @State(Scope.Thread)
  public static class Generated {
    Workflows_BreakerWorkflow breaker;
    Workflows_BulkheadedWorkflow bulkhead;
    Workflows_RateLimitedWorkflow rateLimit;
    Workflows_HedgedWorkflow hedge;

    @Setup
    public void setUp() {
      breaker = new Workflows_BreakerWorkflow(new Workflows.Breaker());
      bulkhead = new Workflows_BulkheadedWorkflow(new Workflows.Bulkheaded());
      rateLimit = new Workflows_RateLimitedWorkflow(new Workflows.RateLimited());
      hedge = new Workflows_HedgedWorkflow(new Workflows.Hedged());
    }
  }

  /** Resilience4j with the same settings (its defaults where ours are the same). */
  @State(Scope.Thread)
  public static class R4j {
    CircuitBreaker breaker;
    Bulkhead bulkhead;
    RateLimiter rateLimiter;

    @Setup
    public void setUp() {
      breaker =
          CircuitBreaker.of(
              "bench",
              CircuitBreakerConfig.custom()
                  .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                  .slidingWindowSize(20)
                  .minimumNumberOfCalls(10)
                  .failureRateThreshold(50)
                  .waitDurationInOpenState(Duration.ofSeconds(30))
                  .permittedNumberOfCallsInHalfOpenState(3)
                  .build());
      bulkhead =
          Bulkhead.of(
              "bench",
              BulkheadConfig.custom()
                  .maxConcurrentCalls(10)
                  .maxWaitDuration(Duration.ZERO)
                  .build());
      rateLimiter =
          RateLimiter.of(
              "bench",
              RateLimiterConfig.custom()
                  .limitForPeriod(1_000)
                  .limitRefreshPeriod(Duration.ofNanos(1_000))
                  .timeoutDuration(Duration.ZERO)
                  .build());
    }
  }

  @Benchmark
  public long tta_circuitBreaker(Generated tta, Input in) {
    return tta.breaker.run(in.next());
  }

  @Benchmark
  public long tta_bulkhead(Generated tta, Input in) {
    return tta.bulkhead.run(in.next());
  }

  @Benchmark
  public long tta_rateLimit(Generated tta, Input in) {
    return tta.rateLimit.run(in.next());
  }

  @Benchmark
  public long tta_hedge(Generated tta, Input in) {
    return tta.hedge.run(in.next());
  }

  @Benchmark
  public long prim_circuitBreaker(Tta tta, Input in) {
    return tta.breaker.execute(in.next(), tta.context).getNow(null);
  }

  @Benchmark
  public long r4j_circuitBreaker(R4j r4j, Input in) {
    long x = in.next();
    return r4j.breaker.executeSupplier(() -> Peers.first(x));
  }

  @Benchmark
  public long prim_bulkhead(Tta tta, Input in) {
    return tta.bulkhead.execute(in.next(), tta.context).getNow(null);
  }

  @Benchmark
  public long r4j_bulkhead(R4j r4j, Input in) {
    long x = in.next();
    return r4j.bulkhead.executeSupplier(() -> Peers.first(x));
  }

  @Benchmark
  public long prim_rateLimit(Tta tta, Input in) {
    return tta.rateLimit.execute(in.next(), tta.context).getNow(null);
  }

  @Benchmark
  public long r4j_rateLimiter(R4j r4j, Input in) {
    long x = in.next();
    return r4j.rateLimiter.executeSupplier(() -> Peers.first(x));
  }
}

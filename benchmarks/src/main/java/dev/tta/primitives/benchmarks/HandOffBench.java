package dev.tta.primitives.benchmarks;

import dev.tta.primitives.WorkflowRuntime;
import io.github.resilience4j.timelimiter.TimeLimiter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
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
 * Steps that must leave the caller's thread: a synchronous step under a timeout runs on the
 * runtime's default executor so that the caller can be released at the deadline. The floor is a
 * bare hand-off to the same executor, joined.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(2)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class HandOffBench {

  /** The executor, the workflows and the peers, all on the runtime's default executor. */
  @State(Scope.Thread)
  public static class Isolated {
    long x;
    Executor executor;
    Workflows_TimedSyncOneWorkflow timedOne;
    Workflows_RetriedTimedSyncWorkflow retriedTimed;
    TimeLimiter limiter1;
    TimeLimiter limiter2;
    TimeLimiter limiter3;
    io.github.resilience4j.retry.Retry r4j1;
    io.github.resilience4j.retry.Retry r4j2;
    io.github.resilience4j.retry.Retry r4j3;

    @Setup
    public void setUp() {
      executor = WorkflowRuntime.defaults().executor();
      timedOne = new Workflows_TimedSyncOneWorkflow(new Workflows.TimedSyncOne());
      retriedTimed = new Workflows_RetriedTimedSyncWorkflow(new Workflows.RetriedTimedSync());
      limiter1 = Peers.r4jTimeLimiter("first");
      limiter2 = Peers.r4jTimeLimiter("second");
      limiter3 = Peers.r4jTimeLimiter("third");
      r4j1 = Peers.r4jRetry("first");
      r4j2 = Peers.r4jRetry("second");
      r4j3 = Peers.r4jRetry("third");
    }

    long next() {
      return x++;
    }
  }

  /** One step: {@code supplyAsync(step, defaultExecutor).join()}, the floor of an isolated step. */
  @Benchmark
  public long handOff_1step(Isolated s) {
    long a = s.next();
    return CompletableFuture.supplyAsync(() -> Peers.first(a), s.executor).join();
  }

  /** One-step generated workflow, {@code @Timeout} on the synchronous step: {@code run(x)}. */
  @Benchmark
  public long tta_timeout_sync_1step(Isolated s) {
    return s.timedOne.run(s.next());
  }

  /** Resilience4j {@code TimeLimiter} on a real async call (supplyAsync on the same executor). */
  @Benchmark
  public long r4j_timeLimiter_1step(Isolated s) throws Exception {
    long a = s.next();
    return s.limiter1.executeFutureSupplier(
        () -> CompletableFuture.supplyAsync(() -> Peers.first(a), s.executor));
  }

  /** Three bare hand-offs in sequence, each joined. */
  @Benchmark
  public long handOff_3steps(Isolated s) {
    long a = s.next();
    long b = CompletableFuture.supplyAsync(() -> Peers.first(a), s.executor).join();
    long c = CompletableFuture.supplyAsync(() -> Peers.second(b), s.executor).join();
    return CompletableFuture.supplyAsync(() -> Peers.third(c), s.executor).join();
  }

  /** Generated workflow, {@code @Retry @Timeout} on each of three synchronous steps. */
  @Benchmark
  public long tta_retryTimeout_sync(Isolated s) {
    return s.retriedTimed.run(s.next());
  }

  /** Resilience4j {@code Retry} around a {@code TimeLimiter} on a real async call, per step. */
  @Benchmark
  public long r4j_retryTimeLimiter(Isolated s) throws Exception {
    long a = s.next();
    long b =
        s.r4j1.executeCallable(
            () ->
                s.limiter1.executeFutureSupplier(
                    () -> CompletableFuture.supplyAsync(() -> Peers.first(a), s.executor)));
    long c =
        s.r4j2.executeCallable(
            () ->
                s.limiter2.executeFutureSupplier(
                    () -> CompletableFuture.supplyAsync(() -> Peers.second(b), s.executor)));
    return s.r4j3.executeCallable(
        () ->
            s.limiter3.executeFutureSupplier(
                () -> CompletableFuture.supplyAsync(() -> Peers.third(c), s.executor)));
  }
}

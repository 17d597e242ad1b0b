package dev.tta.primitives.benchmarks;

import dev.tta.primitives.WorkflowRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A for-each over 100 elements whose step blocks for 10 ms ({@code Thread.sleep(10)}), joined: the
 * limit is 10 ms, when all 100 sleep at once.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(1)
@Fork(2)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class FanOutBench {

  static final int ELEMENTS = 100;

  /** The input list. */
  static List<Long> elements() {
    List<Long> list = new ArrayList<>();
    for (long i = 0; i < ELEMENTS; i++) {
      list.add(i);
    }
    return List.copyOf(list);
  }

  /** The default runtime. */
  @State(Scope.Thread)
  public static class Default {
    List<Long> input;
    Workflows_FanOutWorkflow workflow;

    @Setup
    public void setUp() {
      input = elements();
      workflow = new Workflows_FanOutWorkflow(new Workflows.FanOut());
    }
  }

  /** A runtime whose executor starts a virtual thread per task (JDK 21+). */
  @State(Scope.Thread)
  public static class Virtual {
    List<Long> input;
    ExecutorService executor;
    Workflows_FanOutWorkflow workflow;

    @Setup
    public void setUp() {
      input = elements();
      executor = VirtualThreads.newPerTaskExecutor();
      workflow =
          new Workflows_FanOutWorkflow(
              new Workflows.FanOut(), WorkflowRuntime.builder().executor(executor).build());
    }

    @TearDown
    public void tearDown() {
      executor.shutdown();
    }
  }

  /** Generated for-each on the default executor. */
  @Benchmark
  public List<Long> tta_fanOut_default(Default s) {
    return s.workflow.run(s.input);
  }

  /** Generated for-each on a virtual-thread-per-task executor. */
  @Benchmark
  public List<Long> tta_fanOut_virtual(Virtual s) {
    return s.workflow.run(s.input);
  }

  /** The same by hand: 100 {@code supplyAsync} on the default executor, then {@code allOf}. */
  @Benchmark
  public List<Long> bare_fanOut_default(Default s) {
    return bareFanOut(s.input, WorkflowRuntime.defaults().executor());
  }

  /** The same by hand on a virtual-thread-per-task executor. */
  @Benchmark
  public List<Long> bare_fanOut_virtual(Virtual s) {
    return bareFanOut(s.input, s.executor);
  }

  private static List<Long> bareFanOut(List<Long> input, java.util.concurrent.Executor executor) {
    List<CompletableFuture<Long>> futures = new ArrayList<>(input.size());
    for (Long x : input) {
      futures.add(CompletableFuture.supplyAsync(() -> Peers.sleepThenInc(x), executor));
    }
    CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).join();
    List<Long> results = new ArrayList<>(futures.size());
    for (CompletableFuture<Long> future : futures) {
      results.add(future.join());
    }
    return results;
  }
}

package dev.tta.primitives.benchmarks;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * A whole durable run on Temporal's in-process test server: the generated {@code
 * DurableWorkflows_RetriedTemporal} ({@code new …Temporal(client).run(x)}) against the same three
 * activities written by hand with the SDK (a typed workflow stub per run, {@code stub.run(x)}).
 * Both workflows' workers poll one {@code TestWorkflowEnvironment}, made per trial; each operation
 * starts a workflow and waits for its result: three activity tasks and four workflow tasks through
 * the server.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(2)
@Warmup(iterations = 15, time = 1)
@Measurement(iterations = 5, time = 1)
public class DurableBench {

  /** One test server with both workflows' workers, and the input of the next run. */
  @State(Scope.Thread)
  public static class Server {
    TestWorkflowEnvironment env;
    WorkflowClient client;
    WorkflowOptions byHand;
    long x;

    @Setup(Level.Trial)
    public void setUp() {
      env = newEnvironment();
      client = env.getWorkflowClient();
      byHand = byHandOptions();
      Checks.check(new DurableWorkflows_RetriedTemporal(client).run(1L) == 4L, "wrong result");
      Checks.check(
          client.newWorkflowStub(DurableWorkflows.ThreeSteps.class, byHand).run(1L) == 4L,
          "wrong result");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      env.close();
    }

    long next() {
      return x++;
    }
  }

  /**
   * A started test server (time skipping, as {@code newInstance()} makes it) with a worker per
   * workflow: the generated one registered by its {@code register}, the hand-written one as a
   * Temporal user registers it, on a task queue of its own.
   */
  static TestWorkflowEnvironment newEnvironment() {
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
    DurableWorkflows_RetriedTemporal.register(
        env.newWorker(DurableWorkflows_RetriedTemporal.TASK_QUEUE), new DurableWorkflows.Retried());
    Worker worker = env.newWorker(DurableWorkflows.BY_HAND_QUEUE);
    worker.registerWorkflowImplementationTypes(DurableWorkflows.ThreeStepsImpl.class);
    worker.registerActivitiesImplementations(new DurableWorkflows.StepsImpl());
    env.start();
    return env;
  }

  /** The hand-written workflow's start options: its task queue, an id Temporal makes up. */
  static WorkflowOptions byHandOptions() {
    return WorkflowOptions.newBuilder().setTaskQueue(DurableWorkflows.BY_HAND_QUEUE).build();
  }

  /** The generated Temporal class: a run under an id Temporal makes up, waiting for its result. */
  @Benchmark
  public long tta_durable(Server s) {
    return new DurableWorkflows_RetriedTemporal(s.client).run(s.next());
  }

  /** The same workflow written by hand: a typed stub per run, its workflow method. */
  @Benchmark
  public long temporal_byHand(Server s) {
    DurableWorkflows.ThreeSteps stub =
        s.client.newWorkflowStub(DurableWorkflows.ThreeSteps.class, s.byHand);
    return stub.run(s.next());
  }
}

package dev.tta.primitives.benchmarks;

import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowRuntime;
import dev.tta.primitives.WorkflowScheduler;
import java.util.concurrent.ScheduledFuture;
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
 * Parts of the rows above, measured alone, to say what costs what: the context that every {@code
 * run(x)} creates, the composition without it, and arming and disarming a timer on the default
 * runtime's scheduler.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(2)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class ComponentBench {

  private static final Runnable NOTHING = () -> {};

  /** The plain workflow and a context made once. */
  @State(Scope.Thread)
  public static class Composition {
    long x;
    Workflows_PlainWorkflow plain;
    WorkflowContext context;

    @Setup
    public void setUp() {
      plain = new Workflows_PlainWorkflow(new Workflows.Plain());
      context = WorkflowContext.create("Plain");
    }
  }

  /** {@code WorkflowContext.create(name)}: what {@code run(x)} does before the first step. */
  @Benchmark
  public WorkflowContext ctx_create() {
    return WorkflowContext.create("Plain");
  }

  /** The no-policy workflow's {@code execute(x, context).join()} with a context made once. */
  @Benchmark
  public long tta_plain_execute(Composition c) {
    return c.plain.execute(c.x++, c.context).join();
  }

  /** The default runtime's scheduler; nothing else pending. */
  @State(Scope.Thread)
  public static class Timer {
    WorkflowScheduler scheduler;

    @Setup
    public void setUp() {
      scheduler = WorkflowRuntime.defaults().scheduler();
    }
  }

  /**
   * Arms a 1 s timer on the default scheduler and disarms it, as {@code @Timeout} does per attempt.
   * The queue is empty, so each new timer is the earliest and the timer thread is woken to re-plan.
   */
  @Benchmark
  public boolean timer_armDisarm(Timer t) {
    ScheduledFuture<?> timer = t.scheduler.schedule(NOTHING, 1, TimeUnit.SECONDS);
    return timer.cancel(false);
  }

  /** The same scheduler with an earlier timer (1 h) pending. */
  @State(Scope.Thread)
  public static class TimerBehindEarlier {
    WorkflowScheduler scheduler;
    ScheduledFuture<?> earlier;

    @Setup
    public void setUp() {
      scheduler = WorkflowRuntime.defaults().scheduler();
      earlier = scheduler.schedule(NOTHING, 1, TimeUnit.HOURS);
    }

    @TearDown
    public void tearDown() {
      earlier.cancel(false);
    }
  }

  /**
   * Arms a 2 h timer and disarms it while a 1 h one is pending: the new timer never becomes the
   * earliest, so the timer thread is not woken. The difference to {@link #timer_armDisarm} is the
   * wake-up.
   */
  @Benchmark
  public boolean timer_armDisarm_noWakeup(TimerBehindEarlier t) {
    ScheduledFuture<?> timer = t.scheduler.schedule(NOTHING, 2, TimeUnit.HOURS);
    return timer.cancel(false);
  }
}

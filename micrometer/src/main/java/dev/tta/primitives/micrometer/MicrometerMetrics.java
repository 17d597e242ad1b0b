package dev.tta.primitives.micrometer;

import dev.tta.primitives.CircuitState;
import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowInterceptor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Records the timers, counters and gauges of workflow runs in a Micrometer {@link MeterRegistry}:
 *
 * <table>
 *   <caption>The meters</caption>
 *   <tr><th>meter</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>{@code tta.run.duration}</td><td>timer</td><td>{@code workflow}, {@code outcome}</td>
 *       <td>one record per run, its time from start to end</td></tr>
 *   <tr><td>{@code tta.step.duration}</td><td>timer</td>
 *       <td>{@code workflow}, {@code step}, {@code outcome}</td>
 *       <td>one record per step call (one per element of a for-each stage), with all its attempts,
 *       retry waits and fallback</td></tr>
 *   <tr><td>{@code tta.step.retries}</td><td>counter</td><td>{@code workflow}, {@code step}</td>
 *       <td>attempts that failed and were retried</td></tr>
 *   <tr><td>{@code tta.step.timeouts}</td><td>counter</td><td>{@code workflow}, {@code step}</td>
 *       <td>attempts cancelled at their {@code @Timeout}</td></tr>
 *   <tr><td>{@code tta.step.rejections}</td><td>counter</td><td>{@code workflow}, {@code step}</td>
 *       <td>calls refused by an open breaker, a full bulkhead or a rate limit</td></tr>
 *   <tr><td>{@code tta.circuit.state}</td><td>gauge</td><td>{@code breaker}</td>
 *       <td>the breaker's latest state: 0 closed, 1 half-open, 2 open</td></tr>
 * </table>
 *
 * <p>{@code outcome} is {@code success}, {@code failure} (failed or cancelled), {@code fallback}
 * (failed, and the fallback gave the value) or {@code cache_hit}. The events of a policy on the
 * workflow class (a class-level {@code @Retry}, say) are counted with {@code step} set to the
 * workflow's name. Durations are the ones the runtime measures on its {@link
 * dev.tta.primitives.WorkflowClock}. A meter is registered when it first has something to record,
 * and the gauge of a breaker at its first change of state; a breaker is named by its {@code name},
 * else by its step's name, so unnamed breakers of equally named steps in two workflows share one
 * gauge.
 *
 * <pre>{@code
 * WorkflowRuntime runtime =
 *     WorkflowRuntime.builder().interceptor(MicrometerMetrics.create(meterRegistry)).build();
 * }</pre>
 *
 * <p>In a Spring Boot application, give it the application's {@code MeterRegistry} bean and the
 * meters reach whatever backend Boot exports to; or use {@link MicrometerObservations} with Boot's
 * {@code ObservationRegistry}, whose handlers turn observations into metrics and traces. Meters are
 * looked up once per workflow and step and kept, so a step call records into meters already built.
 * Thread-safe.
 */
public final class MicrometerMetrics implements WorkflowInterceptor {

  /** The {@code outcome} tag's values, by {@link Outcome#ordinal()}. */
  private static final String[] OUTCOMES = new String[Outcome.values().length];

  static {
    for (Outcome outcome : Outcome.values()) {
      OUTCOMES[outcome.ordinal()] = outcome.name().toLowerCase(Locale.ROOT);
    }
  }

  private final MeterRegistry registry;
  private final ConcurrentMap<String, WorkflowMeters> workflows = new ConcurrentHashMap<>();

  /** The breakers' states; the map's values are the gauges' strong references. */
  private final ConcurrentMap<String, AtomicInteger> breakers = new ConcurrentHashMap<>();

  private MicrometerMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * An interceptor that records into {@code registry}.
   *
   * @param registry where the meters go
   * @return the interceptor, for {@link dev.tta.primitives.WorkflowRuntime.Builder#interceptor}
   */
  public static MicrometerMetrics create(MeterRegistry registry) {
    return new MicrometerMetrics(Objects.requireNonNull(registry, "registry"));
  }

  @Override
  public Observation startRun(WorkflowContext context, Observation parent) {
    return workflow(context.workflowName()).run;
  }

  @Override
  public Observation startStep(Observation run, WorkflowContext context, String step, long index) {
    WorkflowMeters workflow =
        run instanceof StepMeters meters && meters.isRun
            ? meters.workflow
            : workflow(context.workflowName());
    return workflow.step(step);
  }

  private WorkflowMeters workflow(String name) {
    WorkflowMeters meters = workflows.get(name);
    return meters != null ? meters : workflows.computeIfAbsent(name, WorkflowMeters::new);
  }

  private void circuitState(String breaker, CircuitState to) {
    AtomicInteger state = breakers.get(breaker);
    if (state == null) {
      state =
          breakers.computeIfAbsent(
              breaker,
              name -> {
                AtomicInteger value = new AtomicInteger(code(to));
                Gauge.builder("tta.circuit.state", value, AtomicInteger::get)
                    .description("A circuit breaker's state: 0 closed, 1 half-open, 2 open")
                    .tag("breaker", name)
                    .register(registry);
                return value;
              });
    }
    state.set(code(to));
  }

  private static int code(CircuitState state) {
    return switch (state) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    };
  }

  /** The meters of one workflow: its run's and its steps'. */
  private final class WorkflowMeters {
    final String name;
    final StepMeters run;
    final ConcurrentMap<String, StepMeters> steps = new ConcurrentHashMap<>();

    WorkflowMeters(String name) {
      this.name = name;
      this.run = new StepMeters(this, name, true);
    }

    StepMeters step(String step) {
      StepMeters meters = steps.get(step);
      return meters != null
          ? meters
          : steps.computeIfAbsent(step, s -> new StepMeters(this, s, false));
    }
  }

  /**
   * The meters of one step of one workflow, or of its run: being stateless, it is the observation
   * of every call, so a call allocates nothing here. The meters are registered on first use; a race
   * registers twice and the registry hands back the same meter.
   */
  private final class StepMeters implements Observation {
    final WorkflowMeters workflow;
    final String step;
    final boolean isRun;
    private final AtomicReferenceArray<Timer> timers = new AtomicReferenceArray<>(OUTCOMES.length);
    private volatile Counter retries;
    private volatile Counter timeouts;
    private volatile Counter rejections;

    StepMeters(WorkflowMeters workflow, String step, boolean isRun) {
      this.workflow = workflow;
      this.step = step;
      this.isRun = isRun;
    }

    @Override
    public void onRetry(int nextAttempt, Throwable failure, Duration delay) {
      Counter counter = retries;
      if (counter == null) {
        counter = retries = counter("tta.step.retries", "Attempts that failed and were retried");
      }
      counter.increment();
    }

    @Override
    public void onTimeout(Duration timeout) {
      Counter counter = timeouts;
      if (counter == null) {
        counter = timeouts = counter("tta.step.timeouts", "Attempts cancelled at their deadline");
      }
      counter.increment();
    }

    @Override
    public void onRejected(Throwable rejection) {
      Counter counter = rejections;
      if (counter == null) {
        counter =
            rejections =
                counter(
                    "tta.step.rejections",
                    "Calls refused by a circuit breaker, a bulkhead or a rate limit");
      }
      counter.increment();
    }

    @Override
    public void onCircuitStateChange(String breaker, CircuitState from, CircuitState to) {
      circuitState(breaker, to);
    }

    @Override
    public void end(Outcome outcome, Throwable failure, int attempts, Duration elapsed) {
      timer(outcome.ordinal()).record(elapsed);
    }

    private Timer timer(int outcome) {
      Timer timer = timers.get(outcome);
      if (timer == null) {
        Timer.Builder builder =
            isRun
                ? Timer.builder("tta.run.duration")
                    .description("Workflow runs, from start to end")
                    .tag("workflow", workflow.name)
                : Timer.builder("tta.step.duration")
                    .description("Step calls, with their attempts, retry waits and fallback")
                    .tag("workflow", workflow.name)
                    .tag("step", step);
        timer = builder.tag("outcome", OUTCOMES[outcome]).register(registry);
        timers.set(outcome, timer);
      }
      return timer;
    }

    private Counter counter(String name, String description) {
      return Counter.builder(name)
          .description(description)
          .tag("workflow", workflow.name)
          .tag("step", step)
          .register(registry);
    }
  }
}

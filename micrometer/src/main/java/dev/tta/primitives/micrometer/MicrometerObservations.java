package dev.tta.primitives.micrometer;

import dev.tta.primitives.CircuitState;
import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowInterceptor;
import io.micrometer.observation.Observation.Event;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Makes a Micrometer {@link io.micrometer.observation.Observation} of every workflow run and every
 * step call, so that the {@link ObservationRegistry}'s handlers see them: a meter handler makes
 * timers of them, Micrometer Tracing makes spans, a logging handler logs them.
 *
 * <table>
 *   <caption>The observations</caption>
 *   <tr><th>of</th><th>name</th><th>contextual name</th><th>low-cardinality keys</th>
 *       <th>high-cardinality keys</th><th>parent</th></tr>
 *   <tr><td>a run</td><td>{@code tta.run}</td><td>the workflow's name</td>
 *       <td>{@code workflow}, {@code outcome}</td><td>{@code tta.attempts}</td>
 *       <td>the step call the run is nested in, else the registry's current observation</td></tr>
 *   <tr><td>a step call</td><td>{@code tta.step}</td><td>{@code Workflow.step}</td>
 *       <td>{@code workflow}, {@code step}, {@code outcome}</td>
 *       <td>{@code tta.index} (for-each elements, from 0), {@code tta.attempts}</td>
 *       <td>its run's</td></tr>
 * </table>
 *
 * <p>An observation starts when the run or call starts and stops when it ends; {@code outcome}
 * ({@code success}, {@code failure}, {@code fallback} or {@code cache_hit}) and {@code
 * tta.attempts} are added just before it stops, after {@link
 * io.micrometer.observation.Observation#error} for a failure (a {@link
 * dev.tta.primitives.WorkflowException} naming the step, or a cancellation). What the policies do
 * comes as {@link Event}s: {@code retry}, {@code timeout}, {@code fallback}, {@code rejected},
 * {@code cache_hit} and {@code circuit_state}, those of a policy on the workflow class on the run's
 * observation. Around every attempt the step call's observation is opened as a scope on the thread
 * that calls the step method, whichever thread that is, so inside the method {@link
 * ObservationRegistry#getCurrentObservation()} is that call's observation (and the current span is
 * its span), and a workflow run from the method is its child.
 *
 * <pre>{@code
 * WorkflowRuntime runtime =
 *     WorkflowRuntime.builder()
 *         .interceptor(MicrometerObservations.create(observationRegistry))
 *         .build();
 * }</pre>
 *
 * <p>In a Spring Boot application, give it Boot's {@code ObservationRegistry} bean: the handlers
 * Boot registers there give metrics (timers {@code tta.run} and {@code tta.step} with the
 * low-cardinality keys as tags) and traces, with nothing else to set up; {@link MicrometerMetrics}
 * is then not needed. On {@link ObservationRegistry#NOOP}, or any registry without handlers, no
 * observation is made and every call returns at once. Thread-safe.
 */
public final class MicrometerObservations implements WorkflowInterceptor {

  private static final String[] OUTCOMES = new String[Outcome.values().length];

  static {
    for (Outcome outcome : Outcome.values()) {
      OUTCOMES[outcome.ordinal()] = outcome.name().toLowerCase(Locale.ROOT);
    }
  }

  private static final Event CACHE_HIT = Event.of("cache_hit", "cache hit");

  private final ObservationRegistry registry;

  private MicrometerObservations(ObservationRegistry registry) {
    this.registry = registry;
  }

  /**
   * An interceptor that makes its observations in {@code registry}.
   *
   * @param registry the registry whose handlers see the observations
   * @return the interceptor, for {@link dev.tta.primitives.WorkflowRuntime.Builder#interceptor}
   */
  public static MicrometerObservations create(ObservationRegistry registry) {
    return new MicrometerObservations(Objects.requireNonNull(registry, "registry"));
  }

  @Override
  public Observation startRun(WorkflowContext context, Observation parent) {
    if (registry.isNoop()) {
      return Unobserved.INSTANCE;
    }
    io.micrometer.observation.Observation up =
        parent instanceof Observed observed
            ? observed.observation
            : registry.getCurrentObservation();
    String workflow = context.workflowName();
    io.micrometer.observation.Observation observation =
        io.micrometer.observation.Observation.createNotStarted(
                "tta.run", io.micrometer.observation.Observation.Context::new, registry)
            .contextualName(workflow)
            .lowCardinalityKeyValue("workflow", workflow)
            .parentObservation(up)
            .start();
    return new Observed(registry, observation);
  }

  @Override
  public Observation startStep(Observation run, WorkflowContext context, String step, long index) {
    if (registry.isNoop()) {
      return Unobserved.INSTANCE;
    }
    String workflow = context.workflowName();
    io.micrometer.observation.Observation observation =
        io.micrometer.observation.Observation.createNotStarted(
                "tta.step", io.micrometer.observation.Observation.Context::new, registry)
            .contextualName(workflow + "." + step)
            .lowCardinalityKeyValue("workflow", workflow)
            .lowCardinalityKeyValue("step", step);
    if (run instanceof Observed observed) {
      observation.parentObservation(observed.observation);
    } // else the run's observation failed to start: the registry's current one is the parent
    if (index >= 0) {
      observation.highCardinalityKeyValue("tta.index", Long.toString(index));
    }
    return new Observed(registry, observation.start());
  }

  /** One run's or step call's Micrometer observation. */
  private static final class Observed implements Observation {
    final ObservationRegistry registry;
    final io.micrometer.observation.Observation observation;

    Observed(ObservationRegistry registry, io.micrometer.observation.Observation observation) {
      this.registry = registry;
      this.observation = observation;
    }

    /**
     * Opens the observation's scope. A handler that throws while the scope opens or closes would
     * leave it current on the thread (Micrometer restores the previous scope after notifying the
     * handlers), so the previous scope is put back here before the failure goes on to the runtime,
     * which logs it.
     */
    @Override
    public Scope makeCurrent() {
      io.micrometer.observation.Observation.Scope before = registry.getCurrentObservationScope();
      io.micrometer.observation.Observation.Scope scope;
      try {
        scope = observation.openScope();
      } catch (Throwable t) {
        registry.setCurrentObservationScope(before);
        throw t;
      }
      return () -> {
        try {
          scope.close();
        } catch (Throwable t) {
          registry.setCurrentObservationScope(before);
          throw t;
        }
      };
    }

    @Override
    public void onRetry(int nextAttempt, Throwable failure, Duration delay) {
      observation.event(
          Event.of(
              "retry",
              "attempt " + nextAttempt + " in " + delay.toMillis() + " ms after " + name(failure)));
    }

    @Override
    public void onTimeout(Duration timeout) {
      observation.event(Event.of("timeout", "timeout after " + timeout.toMillis() + " ms"));
    }

    @Override
    public void onFallback(Throwable cause) {
      observation.event(Event.of("fallback", "fallback after " + name(cause)));
    }

    @Override
    public void onCacheHit() {
      observation.event(CACHE_HIT);
    }

    @Override
    public void onRejected(Throwable rejection) {
      observation.event(Event.of("rejected", "rejected with " + name(rejection)));
    }

    @Override
    public void onCircuitStateChange(String breaker, CircuitState from, CircuitState to) {
      observation.event(
          Event.of("circuit_state", "circuit breaker " + breaker + ": " + from + " -> " + to));
    }

    @Override
    public void end(Outcome outcome, Throwable failure, int attempts, Duration elapsed) {
      if (failure != null) {
        observation.error(failure);
      }
      observation
          .lowCardinalityKeyValue("outcome", OUTCOMES[outcome.ordinal()])
          .highCardinalityKeyValue("tta.attempts", Integer.toString(attempts))
          .stop();
    }

    private static String name(Throwable failure) {
      return failure.getClass().getSimpleName();
    }
  }

  /** The observation of a run or call on a registry without handlers: nothing. */
  private static final class Unobserved implements Observation {
    static final Unobserved INSTANCE = new Unobserved();

    @Override
    public void end(Outcome outcome, Throwable failure, int attempts, Duration elapsed) {}
  }
}

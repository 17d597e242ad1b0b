package dev.tta.primitives;

import java.time.Duration;

/**
 * Wraps each workflow run, step call and attempt: the extension point of tracing, metrics and
 * logging context. Registered with {@link WorkflowRuntime.Builder#interceptor}; the OpenTelemetry
 * and Micrometer modules are interceptors.
 *
 * <p>For each run the runtime calls {@link #startRun} and, for each call of one of its steps (one
 * per element of a for-each stage), {@link #startStep}; each returns an {@link Observation} that
 * hears what happens to that run or call and its end. Around every attempt, that is every call of
 * the user's step method (and of a fallback method), the runtime calls {@link
 * Observation#makeCurrent()} on the thread that runs the method, whichever thread that is (the
 * caller's, an executor's for a parallel branch, a for-each element, a timed step or a retry after
 * its delay), and closes the returned {@link Scope} on the same thread when the method returns. So
 * whatever the interceptor makes current there, an OpenTelemetry {@code Context} or an MDC map, is
 * current inside the step method. A run nested in a step (a step method calling another workflow's
 * {@code run}) starts on that thread, where the step's observation is current, or is given the
 * step's observation as its parent when it runs in the step's context.
 *
 * <p>Interceptors must be quick and thread-safe: observations of one run are called from many
 * threads, though never two calls at once on one observation except events of a hedged or shared
 * policy. Whatever an interceptor throws is logged through {@link System.Logger} {@code
 * dev.tta.primitives} and never changes the run. A runtime with an interceptor takes every run
 * through the primitives (no direct runs), like one with a listener.
 */
public interface WorkflowInterceptor {

  /**
   * A run starts, on the thread that starts it ({@code run}'s caller, or {@code runAsync}'s before
   * it hands the run to the executor).
   *
   * @param context the run's context
   * @param parent this interceptor's observation of the step call, or the run, that this run is
   *     part of when the runtime knows it: a run given a step's context, or a workflow composed as
   *     a stage of another. {@code null} for a run with a context of its own, nested or not: then
   *     what is current on the thread is its parent
   * @return the run's observation; not null
   */
  Observation startRun(WorkflowContext context, Observation parent);

  /**
   * A step call starts: once per call of a step, once per element of a for-each stage, with all the
   * step's attempts, its retry waits and its fallback inside it. Called on whichever thread the run
   * reaches the step on.
   *
   * @param run this interceptor's observation of the run the step belongs to
   * @param context the run's context
   * @param step the step's name
   * @param index the element's position in the input of a for-each stage, from 0; {@code -1} for a
   *     step that is not a for-each element
   * @return the step call's observation; not null
   */
  Observation startStep(Observation run, WorkflowContext context, String step, long index);

  /** How a run or step call ended. */
  enum Outcome {
    /** It returned a value of its own. */
    SUCCESS,
    /** It failed, or was cancelled. */
    FAILURE,
    /** It failed and its fallback gave the value. */
    FALLBACK,
    /** Its value came from the cache (or from a call already in flight); nothing was called. */
    CACHE_HIT
  }

  /**
   * What an interceptor keeps of one run or one step call. Every method but {@link #end} has an
   * empty default. Events of a class-level policy (a {@code @Retry} or {@code @Fallback} on the
   * workflow class) reach the run's observation; those of a step's policies, the step call's.
   */
  interface Observation {

    /**
     * Makes this run or step call current on the calling thread, for one attempt: called on the
     * thread that is about to call the user's method, the scope closed there when it returns.
     *
     * @return what undoes it; {@link Scope#NONE} if nothing was made current
     */
    default Scope makeCurrent() {
      return Scope.NONE;
    }

    /**
     * An attempt failed and another is scheduled.
     *
     * @param nextAttempt the number of the attempt to come (2 for the first retry)
     * @param failure the failure of the attempt that just ended
     * @param delay the wait before the next attempt
     */
    default void onRetry(int nextAttempt, Throwable failure, Duration delay) {}

    /**
     * An attempt reached its deadline and was cancelled.
     *
     * @param timeout the deadline that passed
     */
    default void onTimeout(Duration timeout) {}

    /**
     * The call failed and its fallback runs instead.
     *
     * @param cause the failure the fallback handles
     */
    default void onFallback(Throwable cause) {}

    /** The value comes from the cache. */
    default void onCacheHit() {}

    /**
     * A call was refused without running: an open circuit breaker, a full bulkhead, a rate limit
     * that would wait too long.
     *
     * @param rejection what the call fails with, e.g. a {@link CircuitOpenException}
     */
    default void onRejected(Throwable rejection) {}

    /**
     * A circuit breaker changed state on a call of this run or step.
     *
     * @param breaker the breaker's name: the step's, or the shared name it was given
     * @param from the state it left
     * @param to the state it entered
     */
    default void onCircuitStateChange(String breaker, CircuitState from, CircuitState to) {}

    /**
     * The run or step call ended; called once, on the thread that ended it.
     *
     * @param outcome how it ended
     * @param failure the failure ({@link WorkflowException} naming the workflow and step, or a
     *     {@link java.util.concurrent.CancellationException}); {@code null} unless {@code outcome}
     *     is {@link Outcome#FAILURE}
     * @param attempts the attempts made: 1 plus the retries, 0 for a cache hit
     * @param elapsed the time from its start, on the runtime's clock
     */
    void end(Outcome outcome, Throwable failure, int attempts, Duration elapsed);
  }

  /** Undoes a {@link Observation#makeCurrent()}; closed once, on the thread that made it. */
  @FunctionalInterface
  interface Scope extends AutoCloseable {

    /** A scope that undoes nothing. */
    Scope NONE = () -> {};

    /** Restores what was current before; throws nothing. */
    @Override
    void close();
  }
}

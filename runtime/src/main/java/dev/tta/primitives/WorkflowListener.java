package dev.tta.primitives;

import java.time.Duration;

/**
 * Observes workflow runs: progress displays, logs, metrics, traces. Every method has an empty
 * default. Listeners are called on the thread that produced the event, so they must be quick and
 * thread-safe (a deadline's events come from the timer thread). Whatever a listener throws, checked
 * exceptions included, is logged through {@link System.Logger} {@code dev.tta.primitives} (the
 * first failure of each listener as a warning, later ones at debug level) and never affects the
 * run.
 */
public interface WorkflowListener {

  /**
   * A workflow run started.
   *
   * @param context the run's context
   */
  default void onWorkflowStart(WorkflowContext context) {}

  /**
   * A workflow run succeeded.
   *
   * @param context the run's context
   * @param elapsed the run's duration on the runtime's clock
   */
  default void onWorkflowSuccess(WorkflowContext context, Duration elapsed) {}

  /**
   * A workflow run failed.
   *
   * @param context the run's context
   * @param failure the failure, usually a {@link WorkflowException}
   * @param elapsed the run's duration on the runtime's clock
   */
  default void onWorkflowFailure(WorkflowContext context, Throwable failure, Duration elapsed) {}

  /**
   * A step started.
   *
   * @param context the run's context
   * @param step the step's name
   */
  default void onStepStart(WorkflowContext context, String step) {}

  /**
   * A step succeeded.
   *
   * @param context the run's context
   * @param step the step's name
   * @param elapsed the step's duration, all attempts included
   */
  default void onStepSuccess(WorkflowContext context, String step, Duration elapsed) {}

  /**
   * A step failed for good (after its retries and fallbacks).
   *
   * @param context the run's context
   * @param step the step's name
   * @param failure the failure
   * @param elapsed the step's duration, all attempts included
   */
  default void onStepFailure(
      WorkflowContext context, String step, Throwable failure, Duration elapsed) {}

  /**
   * An attempt failed and another is scheduled.
   *
   * @param context the run's context
   * @param step the step's name
   * @param nextAttempt the number of the attempt to come (2 for the first retry)
   * @param failure the failure of the attempt that just ended
   * @param delay the wait before the next attempt
   */
  default void onRetry(
      WorkflowContext context, String step, int nextAttempt, Throwable failure, Duration delay) {}

  /**
   * An attempt reached its deadline and was cancelled.
   *
   * @param context the run's context
   * @param step the step's name
   * @param timeout the deadline that passed
   */
  default void onTimeout(WorkflowContext context, String step, Duration timeout) {}

  /**
   * A step failed and its fallback runs instead.
   *
   * @param context the run's context
   * @param step the step's name
   * @param cause the step's failure that the fallback handles
   */
  default void onFallback(WorkflowContext context, String step, Throwable cause) {}

  /**
   * A cached step's result came from the cache (or from a call already in flight).
   *
   * @param context the run's context
   * @param step the step's name
   */
  default void onCacheHit(WorkflowContext context, String step) {}

  /**
   * A cached step had no cached result and runs.
   *
   * @param context the run's context
   * @param step the step's name
   */
  default void onCacheMiss(WorkflowContext context, String step) {}

  /**
   * A circuit breaker changed state.
   *
   * @param context the context of the run whose call made it change (for a breaker that opened
   *     after its open time passed, the run that found it so)
   * @param breaker the breaker's name: the step's, or the shared name it was given
   * @param from the state it left
   * @param to the state it entered
   */
  default void onCircuitStateChange(
      WorkflowContext context, String breaker, CircuitState from, CircuitState to) {}

  /**
   * A call was refused without running: an open circuit breaker, a full bulkhead, a rate limit that
   * would wait too long.
   *
   * @param context the run's context
   * @param step the step's name
   * @param rejection what the call fails with, e.g. a {@link CircuitOpenException}
   */
  default void onRejected(WorkflowContext context, String step, Throwable rejection) {}
}

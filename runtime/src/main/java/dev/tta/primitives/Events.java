package dev.tta.primitives;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;

/**
 * Fans events out to the runtime's listeners. A listener's exception is logged, never allowed to
 * change the run. {@link #enabled()} lets hot paths skip clock reads when nobody listens.
 */
class Events implements WorkflowListener {

  private static final System.Logger LOG = System.getLogger("dev.tta.primitives");
  private static final Events NONE = new Events(List.of());

  private final WorkflowListener[] listeners;

  private Events(List<WorkflowListener> listeners) {
    this.listeners = listeners.toArray(new WorkflowListener[0]);
  }

  static Events of(List<WorkflowListener> listeners) {
    return listeners.isEmpty() ? NONE : new Events(listeners);
  }

  boolean enabled() {
    return listeners.length > 0;
  }

  private interface Call {
    void on(WorkflowListener listener);
  }

  private void each(String event, Call call) {
    for (WorkflowListener listener : listeners) {
      try {
        call.on(listener);
      } catch (RuntimeException | Error e) {
        LOG.log(Level.WARNING, "WorkflowListener " + listener + " failed on " + event, e);
      }
    }
  }

  @Override
  public void onWorkflowStart(WorkflowContext context) {
    each("onWorkflowStart", l -> l.onWorkflowStart(context));
  }

  @Override
  public void onWorkflowSuccess(WorkflowContext context, Duration elapsed) {
    each("onWorkflowSuccess", l -> l.onWorkflowSuccess(context, elapsed));
  }

  @Override
  public void onWorkflowFailure(WorkflowContext context, Throwable failure, Duration elapsed) {
    each("onWorkflowFailure", l -> l.onWorkflowFailure(context, failure, elapsed));
  }

  @Override
  public void onStepStart(WorkflowContext context, String step) {
    each("onStepStart", l -> l.onStepStart(context, step));
  }

  @Override
  public void onStepSuccess(WorkflowContext context, String step, Duration elapsed) {
    each("onStepSuccess", l -> l.onStepSuccess(context, step, elapsed));
  }

  @Override
  public void onStepFailure(
      WorkflowContext context, String step, Throwable failure, Duration elapsed) {
    each("onStepFailure", l -> l.onStepFailure(context, step, failure, elapsed));
  }

  @Override
  public void onRetry(
      WorkflowContext context, String step, int nextAttempt, Throwable failure, Duration delay) {
    each("onRetry", l -> l.onRetry(context, step, nextAttempt, failure, delay));
  }

  @Override
  public void onTimeout(WorkflowContext context, String step, Duration timeout) {
    each("onTimeout", l -> l.onTimeout(context, step, timeout));
  }

  @Override
  public void onFallback(WorkflowContext context, String step, Throwable cause) {
    each("onFallback", l -> l.onFallback(context, step, cause));
  }

  @Override
  public void onCacheHit(WorkflowContext context, String step) {
    each("onCacheHit", l -> l.onCacheHit(context, step));
  }

  @Override
  public void onCacheMiss(WorkflowContext context, String step) {
    each("onCacheMiss", l -> l.onCacheMiss(context, step));
  }
}

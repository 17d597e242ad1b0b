package dev.tta.primitives;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Fans events out to the runtime's listeners. Whatever a listener throws, checked exceptions
 * included (Kotlin code and Lombok's {@code @SneakyThrows} throw them undeclared), is logged
 * through {@link System.Logger} {@code dev.tta.primitives} and never changes the run: the first
 * failure of each listener at {@code WARNING} with its stack trace, later ones at {@code DEBUG}, so
 * a listener that fails on every event does not flood the log. {@link #enabled()} lets hot paths
 * skip clock reads when nobody listens. Each event also reaches the interceptors' observation of
 * the run or step call whose context it comes with, and interceptors' failures are logged alike.
 */
class Events implements WorkflowListener {

  private static final System.Logger LOG = System.getLogger("dev.tta.primitives");
  private static final Events NONE = new Events(List.of(), List.of());

  private final WorkflowListener[] listeners;
  private final AtomicIntegerArray failed; // per listener: 1 once a failure was logged as WARNING
  private final WorkflowInterceptor[] interceptors;
  private final AtomicIntegerArray interceptorsFailed; // the same, per interceptor

  private Events(List<WorkflowListener> listeners, List<WorkflowInterceptor> interceptors) {
    this.listeners = listeners.toArray(new WorkflowListener[0]);
    this.failed = new AtomicIntegerArray(this.listeners.length);
    this.interceptors = interceptors.toArray(new WorkflowInterceptor[0]);
    this.interceptorsFailed = new AtomicIntegerArray(this.interceptors.length);
  }

  static Events of(List<WorkflowListener> listeners, List<WorkflowInterceptor> interceptors) {
    return listeners.isEmpty() && interceptors.isEmpty()
        ? NONE
        : new Events(listeners, interceptors);
  }

  /** Whether anybody listens or intercepts: else hot paths skip events and clock reads. */
  boolean enabled() {
    return this != NONE;
  }

  /** Whether runs and step calls are observed by interceptors. */
  boolean intercepted() {
    return interceptors.length > 0;
  }

  WorkflowInterceptor[] interceptors() {
    return interceptors;
  }

  /** Logs what interceptor {@code i} threw in {@code method}, as a listener's failure is. */
  void interceptorFailed(int i, String method, Throwable t) {
    Level level = interceptorsFailed.compareAndSet(i, 0, 1) ? Level.WARNING : Level.DEBUG;
    if (LOG.isLoggable(level)) {
      LOG.log(
          level,
          "WorkflowInterceptor " + interceptors[i] + " failed in " + method + "; ignored",
          t);
    }
  }

  private interface Call {
    void on(WorkflowListener listener);
  }

  private void each(String event, Call call) {
    if (listeners.length == 0) {
      return;
    }
    for (int i = 0; i < listeners.length; i++) {
      WorkflowListener listener = listeners[i];
      try {
        call.on(listener);
      } catch (Throwable t) { // any Throwable: a listener never changes or stalls a run
        Level level = failed.compareAndSet(i, 0, 1) ? Level.WARNING : Level.DEBUG;
        if (LOG.isLoggable(level)) {
          LOG.log(level, "WorkflowListener " + listener + " failed on " + event + "; ignored", t);
        }
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
    Observed observed = context.observed();
    if (observed != null) {
      observed.onRetry(nextAttempt, failure, delay);
    }
  }

  @Override
  public void onTimeout(WorkflowContext context, String step, Duration timeout) {
    each("onTimeout", l -> l.onTimeout(context, step, timeout));
    Observed observed = context.observed();
    if (observed != null) {
      observed.onTimeout(timeout);
    }
  }

  @Override
  public void onFallback(WorkflowContext context, String step, Throwable cause) {
    each("onFallback", l -> l.onFallback(context, step, cause));
    Observed observed = context.observed();
    if (observed != null) {
      observed.onFallback(cause);
    }
  }

  @Override
  public void onCacheHit(WorkflowContext context, String step) {
    each("onCacheHit", l -> l.onCacheHit(context, step));
    Observed observed = context.observed();
    if (observed != null) {
      observed.onCacheHit();
    }
  }

  @Override
  public void onCacheMiss(WorkflowContext context, String step) {
    each("onCacheMiss", l -> l.onCacheMiss(context, step));
  }

  @Override
  public void onCircuitStateChange(
      WorkflowContext context, String breaker, CircuitState from, CircuitState to) {
    each("onCircuitStateChange", l -> l.onCircuitStateChange(context, breaker, from, to));
    Observed observed = context.observed();
    if (observed != null) {
      observed.onCircuitStateChange(breaker, from, to);
    }
  }

  @Override
  public void onRejected(WorkflowContext context, String step, Throwable rejection) {
    each("onRejected", l -> l.onRejected(context, step, rejection));
    Observed observed = context.observed();
    if (observed != null) {
      observed.onRejected(rejection);
    }
  }
}

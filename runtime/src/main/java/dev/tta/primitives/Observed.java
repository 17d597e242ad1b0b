package dev.tta.primitives;

import dev.tta.primitives.WorkflowInterceptor.Observation;
import dev.tta.primitives.WorkflowInterceptor.Outcome;
import dev.tta.primitives.WorkflowInterceptor.Scope;
import java.time.Duration;

/**
 * The runtime's interceptors' observations of one run or one step call, one per interceptor,
 * carried by the {@link WorkflowContext} the run's primitives pass along, so that every thread the
 * work reaches finds them. Counts the retries and notes the fallback and cache hit that decide
 * {@link Outcome}; an interceptor's failure is logged by {@link Events} and skipped.
 */
final class Observed {

  private static final Observation[] NONE = new Observation[0];

  private final Events events;
  private final Observed run; // null for a run's own observation
  private final Observation[] parts;
  // Retries of one run or step call come one at a time, each after the attempt before it ended.
  private volatile int retries;
  private volatile boolean fallback;
  private volatile boolean cacheHit;

  private Observed(Events events, Observed run, Observation[] parts) {
    this.events = events;
    this.run = run;
    this.parts = parts;
  }

  /** Starts a run's observations; {@code parent}'s are its parents if they are of these events. */
  static Observed run(Events events, WorkflowContext context, Observed parent) {
    WorkflowInterceptor[] interceptors = events.interceptors();
    Observation[] parts = new Observation[interceptors.length];
    boolean related = parent != null && parent.events == events;
    for (int i = 0; i < interceptors.length; i++) {
      Observation up = related ? parent.parts[i] : null;
      try {
        parts[i] = orNone(interceptors[i].startRun(context, up));
      } catch (Throwable t) { // an interceptor never changes a run
        events.interceptorFailed(i, "startRun", t);
        parts[i] = Quiet.INSTANCE;
      }
    }
    return new Observed(events, null, parts);
  }

  /** Starts the observations of a call of {@code step} in this run (or this step's run). */
  Observed step(WorkflowContext context, String step, int index) {
    Observed owner = run != null ? run : this;
    WorkflowInterceptor[] interceptors = events.interceptors();
    Observation[] steps = interceptors.length == 0 ? NONE : new Observation[interceptors.length];
    for (int i = 0; i < interceptors.length; i++) {
      try {
        steps[i] = orNone(interceptors[i].startStep(owner.parts[i], context, step, index));
      } catch (Throwable t) {
        events.interceptorFailed(i, "startStep", t);
        steps[i] = Quiet.INSTANCE;
      }
    }
    return new Observed(events, owner, steps);
  }

  /** Whether this observes a step call (else a run). */
  boolean isStepCall() {
    return run != null;
  }

  private static Observation orNone(Observation observation) {
    return observation != null ? observation : Quiet.INSTANCE;
  }

  /** Makes every interceptor's observation current on this thread; the scope undoes them all. */
  Scope makeCurrent() {
    if (parts.length == 1) {
      Scope scope = open(0);
      return scope == Scope.NONE ? scope : () -> close(0, scope);
    }
    Scope[] scopes = new Scope[parts.length];
    for (int i = 0; i < parts.length; i++) {
      scopes[i] = open(i);
    }
    return () -> {
      for (int i = scopes.length - 1; i >= 0; i--) {
        close(i, scopes[i]);
      }
    };
  }

  private Scope open(int i) {
    try {
      Scope scope = parts[i].makeCurrent();
      return scope != null ? scope : Scope.NONE;
    } catch (Throwable t) {
      events.interceptorFailed(i, "makeCurrent", t);
      return Scope.NONE;
    }
  }

  private void close(int i, Scope scope) {
    try {
      scope.close();
    } catch (Throwable t) {
      events.interceptorFailed(i, "Scope.close", t);
    }
  }

  void onRetry(int nextAttempt, Throwable failure, Duration delay) {
    retries++; // one writer at a time: see the field
    for (int i = 0; i < parts.length; i++) {
      try {
        parts[i].onRetry(nextAttempt, failure, delay);
      } catch (Throwable t) {
        events.interceptorFailed(i, "onRetry", t);
      }
    }
  }

  void onTimeout(Duration timeout) {
    for (int i = 0; i < parts.length; i++) {
      try {
        parts[i].onTimeout(timeout);
      } catch (Throwable t) {
        events.interceptorFailed(i, "onTimeout", t);
      }
    }
  }

  void onFallback(Throwable cause) {
    fallback = true;
    for (int i = 0; i < parts.length; i++) {
      try {
        parts[i].onFallback(cause);
      } catch (Throwable t) {
        events.interceptorFailed(i, "onFallback", t);
      }
    }
  }

  void onCacheHit() {
    cacheHit = true;
    for (int i = 0; i < parts.length; i++) {
      try {
        parts[i].onCacheHit();
      } catch (Throwable t) {
        events.interceptorFailed(i, "onCacheHit", t);
      }
    }
  }

  void onRejected(Throwable rejection) {
    for (int i = 0; i < parts.length; i++) {
      try {
        parts[i].onRejected(rejection);
      } catch (Throwable t) {
        events.interceptorFailed(i, "onRejected", t);
      }
    }
  }

  void onCircuitStateChange(String breaker, CircuitState from, CircuitState to) {
    for (int i = 0; i < parts.length; i++) {
      try {
        parts[i].onCircuitStateChange(breaker, from, to);
      } catch (Throwable t) {
        events.interceptorFailed(i, "onCircuitStateChange", t);
      }
    }
  }

  /**
   * Ends the observations: {@code failure} null for a value; {@code elapsed} as the runtime
   * measured it for its listeners. Called once, by the step or run that started them.
   */
  void end(Throwable failure, Duration elapsed) {
    Outcome outcome;
    if (failure != null) {
      outcome = Outcome.FAILURE;
    } else if (fallback) {
      outcome = Outcome.FALLBACK;
    } else if (cacheHit) {
      outcome = Outcome.CACHE_HIT;
    } else {
      outcome = Outcome.SUCCESS;
    }
    int attempts = outcome == Outcome.CACHE_HIT ? 0 : 1 + retries;
    for (int i = 0; i < parts.length; i++) {
      try {
        parts[i].end(outcome, failure, attempts, elapsed);
      } catch (Throwable t) {
        events.interceptorFailed(i, "end", t);
      }
    }
  }

  /** Stands in for an interceptor that failed to start an observation or gave none. */
  private static final class Quiet implements Observation {
    static final Quiet INSTANCE = new Quiet();

    @Override
    public void end(Outcome outcome, Throwable failure, int attempts, Duration elapsed) {}
  }
}

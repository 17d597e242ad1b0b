package dev.tta.primitives;

import java.time.Duration;
import java.util.Objects;

/**
 * For generated code: a run whose steps are called in place (see {@link
 * WorkflowRunner#canRunObserved()}) while the runtime's interceptors observe it, as they would a
 * run through the primitives: the run and each step call are observed, each step call is current
 * around its method, and durations are measured on the runtime's clock. A failed call goes on
 * through the primitives under the same observations ({@link WorkflowRunner#afterFailure(int,
 * Object, Throwable, Call)}).
 */
public final class DirectRun {

  private final WorkflowContext context; // the run's, its observation inside
  private final Observed run;
  private final WorkflowClock clock;
  private final long start;

  private DirectRun(WorkflowContext context, Observed run) {
    this.context = context;
    this.run = run;
    this.clock = context.runtime().clock();
    this.start = clock.nanoTime();
  }

  /** Observes a run in {@code own}: its runtime's interceptors, a step's observation its parent. */
  static DirectRun start(WorkflowContext own) {
    Observed run = Observed.run(own.runtime().events(), own, own.observed());
    return new DirectRun(own.withObserved(run), run);
  }

  /**
   * A call of {@code step} starts on this thread: observed, and current until it ends.
   *
   * @param step the step's name
   * @return the call, to {@link Call#exit()} when the method returned
   */
  public Call enter(String step) {
    Observed call = run.step(context, Objects.requireNonNull(step, "step"), -1);
    long begun = clock.nanoTime();
    return new Call(this, call, begun, call.makeCurrent());
  }

  /** The run ended with its value. */
  public void end() {
    run.end(null, Duration.ofNanos(clock.nanoTime() - start));
  }

  /** The run ended with {@code failure}, named as its caller sees it. */
  void fail(Throwable failure) {
    run.end(failure, Duration.ofNanos(clock.nanoTime() - start));
  }

  /** The run's context, with its observation. */
  WorkflowContext context() {
    return context;
  }

  /** One step call of a {@link DirectRun}. */
  public static final class Call {
    private final DirectRun run;
    private final Observed observed;
    private final long start;
    private final WorkflowInterceptor.Scope scope;
    private WorkflowContext context; // made on first use: most steps take no context

    private Call(DirectRun run, Observed observed, long start, WorkflowInterceptor.Scope scope) {
      this.run = run;
      this.observed = observed;
      this.start = start;
      this.scope = scope;
    }

    /**
     * The context to pass to the step's method: the run's, with this call's observation, so that a
     * workflow the method runs in it is this call's child.
     *
     * @return the context
     */
    public WorkflowContext context() {
      if (context == null) {
        context = run.context.withObserved(observed);
      }
      return context;
    }

    /** The method returned: the call is no longer current, and ended with its value. */
    public void exit() {
      scope.close();
      observed.end(null, Duration.ofNanos(run.clock.nanoTime() - start));
    }

    /** The method threw: the call is no longer current; the primitives go on with it. */
    void leave() {
      scope.close();
    }

    DirectRun run() {
      return run;
    }

    long start() {
      return start;
    }
  }
}

package dev.tta.primitives;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Runs a composed primitive as a named workflow: gives each run a {@link WorkflowContext}, reports
 * workflow events, and makes every failure a {@link WorkflowException} naming the workflow and the
 * failed step. Generated workflow classes delegate to it; it is also the way to run a hand-built
 * composition.
 *
 * <p>{@link #run} starts on the caller's thread (a workflow of plain synchronous steps costs about
 * the direct calls) and blocks until the end; {@link #runAsync} starts on the runtime's executor
 * and never blocks its caller. A runner is itself a primitive, so a workflow can be a step of
 * another.
 *
 * @param <I> input type
 * @param <O> output type
 */
public final class WorkflowRunner<I, O> implements WorkflowPrimitive<I, O> {

  private final String name;
  private final WorkflowPrimitive<? super I, ? extends O> root;
  private final WorkflowRuntime runtime;

  private WorkflowRunner(
      String name, WorkflowPrimitive<? super I, ? extends O> root, WorkflowRuntime runtime) {
    this.name = Objects.requireNonNull(name, "name");
    this.root = Objects.requireNonNull(root, "root");
    this.runtime = Objects.requireNonNull(runtime, "runtime");
  }

  /**
   * A workflow named {@code name} that runs {@code root} on {@code runtime}.
   *
   * @param name the workflow's name, for events and errors
   * @param root the composition to run
   * @param runtime the runtime for runs that bring no context
   * @param <I> input type
   * @param <O> output type
   * @return the runner
   */
  public static <I, O> WorkflowRunner<I, O> of(
      String name, WorkflowPrimitive<? super I, ? extends O> root, WorkflowRuntime runtime) {
    return new WorkflowRunner<>(name, root, runtime);
  }

  /**
   * Runs the workflow with a new context and waits for the result.
   *
   * @param input the input
   * @return the output
   * @throws WorkflowException if a step failed
   * @throws CancellationException if the run was cancelled
   */
  public O run(I input) {
    IsolatedCall<?, ?> enclosing = IsolatedCall.current();
    return run(input, WorkflowContext.create(name, runtime, enclosing), enclosing);
  }

  /**
   * Runs the workflow in {@code context} (its id, metadata and runtime) and waits for the result.
   * If the waiting thread is interrupted, the run is cancelled. A run on one of the runtime's own
   * threads (a step calling another workflow's {@code run}) is part of the work it is called from:
   * cancelling that work cancels it, and while it waits it runs its own parallel branches and
   * for-each elements that no executor thread has started yet, so it never waits for work queued
   * behind itself on a bounded pool.
   *
   * @param input the input
   * @param context the context
   * @return the output
   * @throws WorkflowException if a step failed, or the context's runtime is closed
   * @throws CancellationException if the run was cancelled
   */
  public O run(I input, WorkflowContext context) {
    return run(input, context, IsolatedCall.current());
  }

  /** A blocking run in {@code context} on a thread inside {@code enclosing}, if not null. */
  private O run(I input, WorkflowContext context, IsolatedCall<?, ?> enclosing) {
    WorkflowContext own = context.withWorkflowName(name);
    Waiter waiter = null;
    if (enclosing != null) {
      waiter = new Waiter(own.scope() != null ? own.scope() : enclosing);
      own = own.withScope(waiter);
    }
    if (own.runtime().events().enabled() || own.runtime().isClosed()) {
      return await(execute(input, own), waiter);
    }
    // Nobody listens: wait for the root itself (await names its failure), one future fewer.
    return await(Futures.call(root, input, own), waiter);
  }

  /** The run's value; an interrupt while waiting cancels the run. */
  private O await(CompletableFuture<O> result, Waiter waiter) {
    if (Futures.succeeded(result)) {
      return result.getNow(null);
    }
    try {
      return waiter != null ? waiter.await(result) : result.get();
    } catch (InterruptedException e) {
      result.cancel(true);
      Thread.currentThread().interrupt();
      throw new WorkflowException(name, name, 1, e);
    } catch (ExecutionException e) {
      throw asUnchecked(named(e));
    }
  }

  /**
   * For generated code: whether a {@code run} on this thread with a new context may call the
   * workflow's steps directly, in place of the primitives. It may when nothing could tell the
   * difference: no listener waits for events, the runtime is open, and the thread is not inside an
   * isolated call (a step under a timeout, a parallel branch), whose cancellation the primitives
   * check between steps. The generated class also requires that no step was replaced.
   *
   * @return true if the steps may be called directly
   */
  public boolean canRunDirectly() {
    return runtime.allowsDirectRuns() && IsolatedCall.current() == null;
  }

  /**
   * For generated code: whether a {@code run} on this thread with a new context may call the
   * workflow's steps directly while telling the runtime's interceptors, through {@link
   * #observeDirectRun}: as {@link #canRunDirectly()}, but for a runtime whose only observers are
   * interceptors (no listener). The generated class also requires that no step was replaced and
   * that no step has a policy that admits calls in place (a breaker, bulkhead or rate limit).
   *
   * @return true if the steps may be called directly, observed
   */
  public boolean canRunObserved() {
    return runtime.allowsObservedDirectRuns() && IsolatedCall.current() == null;
  }

  /**
   * For generated code: {@link #canRunObserved()} for a run in {@code context}; never for a {@code
   * null} context.
   *
   * @param context the run's context
   * @return true if the steps may be called directly, observed
   */
  public boolean canRunObserved(WorkflowContext context) {
    return context != null
        && context.runtime().allowsObservedDirectRuns()
        && context.scope() == null
        && IsolatedCall.current() == null;
  }

  /**
   * For generated code: starts the interceptors' observation of a run whose steps are called in
   * place, after {@link #canRunObserved()} said they may be.
   *
   * @param context the run's context, or {@code null} for a new one
   * @return the run's observation
   */
  public DirectRun observeDirectRun(WorkflowContext context) {
    WorkflowContext own =
        context == null ? WorkflowContext.create(name, runtime) : context.withWorkflowName(name);
    return DirectRun.start(own);
  }

  /**
   * For generated code: {@link #afterFailure(int, Object, Throwable, WorkflowContext)} for an
   * observed direct run, whose step call {@code call} threw {@code failure}: the call goes on
   * through the primitives under its observation (a retry's next attempts are its attempts), and
   * the run's observation ends with the run.
   *
   * @param stage the index of the failed stage in the workflow's sequence
   * @param input what the stage was called on
   * @param failure what the direct call threw
   * @param call the step call that threw
   * @return the run's output
   * @throws WorkflowException if the run failed
   * @throws CancellationException if the run was cancelled
   * @throws IllegalStateException if this runner's root is not a sequence
   */
  @SuppressWarnings("unchecked") // a generated workflow's root is its sequence of stages
  public O afterFailure(int stage, Object input, Throwable failure, DirectRun.Call call) {
    call.leave();
    DirectRun run = call.run();
    if (!(root instanceof SequentialPrimitive)) {
      IllegalStateException wrong =
          new IllegalStateException("workflow '" + name + "' is not a sequence of stages");
      run.fail(wrong);
      throw wrong;
    }
    CompletableFuture<O> result =
        ((SequentialPrimitive<I, O>) root)
            .resumeAfterFailure(stage, input, failure, run.context(), call.context(), call.start());
    O value;
    try {
      value = await(result, null);
    } catch (RuntimeException | Error e) {
      run.fail(e);
      throw e;
    }
    run.end();
    return value;
  }

  /**
   * For generated code: {@link #canRunDirectly()} for a run in {@code context}, which brings its
   * own runtime and listeners, and may be a step's context (a nested run, cancelled with the work
   * it is part of). Never for a {@code null} context: that run fails as {@link #run(Object,
   * WorkflowContext)} fails it.
   *
   * @param context the run's context
   * @return true if the steps may be called directly
   */
  public boolean canRunDirectly(WorkflowContext context) {
    return context != null
        && context.runtime().allowsDirectRuns()
        && context.scope() == null
        && IsolatedCall.current() == null;
  }

  /**
   * For generated code: finishes a run whose stage {@code stage} (counted from 0), called directly
   * on {@code input}, failed with {@code failure}. The run goes on exactly as if the primitives had
   * made that call: a retried step makes its next attempts, and later stages follow; a failure ends
   * it with the {@link WorkflowException} naming the step.
   *
   * @param stage the index of the failed stage in the workflow's sequence
   * @param input what the stage was called on
   * @param failure what the direct call threw
   * @param context the run's context, or {@code null} if the run did not need one yet
   * @return the run's output
   * @throws WorkflowException if the run failed
   * @throws CancellationException if the run was cancelled
   * @throws IllegalStateException if this runner's root is not a sequence
   */
  @SuppressWarnings("unchecked") // a generated workflow's root is its sequence of stages
  public O afterFailure(int stage, Object input, Throwable failure, WorkflowContext context) {
    if (!(root instanceof SequentialPrimitive)) {
      throw new IllegalStateException("workflow '" + name + "' is not a sequence of stages");
    }
    WorkflowContext own =
        context == null ? WorkflowContext.create(name, runtime) : context.withWorkflowName(name);
    // A direct run has no listeners to tell and runs in no isolated call (canRunDirectly): wait as
    // run does for one.
    return await(
        ((SequentialPrimitive<I, O>) root).resumeAfterFailure(stage, input, failure, own), null);
  }

  /**
   * For generated code: finishes a run whose stage {@code stage} (counted from 0) a direct run
   * could not call in place (a circuit breaker not closed, no free bulkhead slot or rate permit at
   * once): that stage and the later ones run through the primitives, which wait, refuse or call as
   * their policies say.
   *
   * @param stage the index of the stage in the workflow's sequence
   * @param input what the stage is called on
   * @param context the run's context, or {@code null} if the run did not need one yet
   * @return the run's output
   * @throws WorkflowException if the run failed
   * @throws CancellationException if the run was cancelled
   * @throws IllegalStateException if this runner's root is not a sequence
   */
  @SuppressWarnings("unchecked") // a generated workflow's root is its sequence of stages
  public O continueAt(int stage, Object input, WorkflowContext context) {
    if (!(root instanceof SequentialPrimitive)) {
      throw new IllegalStateException("workflow '" + name + "' is not a sequence of stages");
    }
    WorkflowContext own =
        context == null ? WorkflowContext.create(name, runtime) : context.withWorkflowName(name);
    return await(((SequentialPrimitive<I, O>) root).resumeAt(stage, input, own), null);
  }

  private static RuntimeException asUnchecked(Throwable failure) {
    if (failure instanceof RuntimeException) {
      return (RuntimeException) failure;
    }
    if (failure instanceof Error) {
      throw (Error) failure;
    }
    return new IllegalStateException(failure); // execute() only fails with WorkflowException
  }

  /**
   * Starts the workflow on the runtime's executor with a new context. Never blocks the caller;
   * cancelling the future cancels the run. The run is a run of its own even when started from a
   * step of another workflow: pass that step's context ({@link #runAsync(Object, WorkflowContext)})
   * to make it part of that run, cancelled with it.
   *
   * @param input the input
   * @return the pending output; fails with a {@link WorkflowException}
   */
  public CompletableFuture<O> runAsync(I input) {
    return runAsync(input, WorkflowContext.create(name, runtime));
  }

  /**
   * Starts the workflow in {@code context} on that context's executor. A step's context makes the
   * run part of the step's run: cancelling that run cancels this one.
   *
   * @param input the input
   * @param context the context
   * @return the pending output; fails with a {@link WorkflowException}
   */
  public CompletableFuture<O> runAsync(I input, WorkflowContext context) {
    WorkflowContext own = context.withWorkflowName(name);
    if (own.runtime().isClosed()) {
      return CompletableFuture.failedFuture(closed());
    }
    Events events = own.runtime().events();
    if (events.intercepted()) {
      // Observed from here, on the caller's thread, where the caller's trace is current.
      Observed run = Observed.run(events, own, context.observed());
      return IsolatedCall.start(
          new Started(run), input, own.withObserved(run), own.runtime().executor(), true, false);
    }
    return IsolatedCall.start(this, input, own, own.runtime().executor(), true, false);
  }

  @Override
  public CompletableFuture<O> execute(I input, WorkflowContext context) {
    WorkflowContext own = context.withWorkflowName(name);
    if (own.runtime().isClosed()) {
      return CompletableFuture.failedFuture(closed());
    }
    Events events = own.runtime().events();
    if (events.intercepted()) {
      Observed run = Observed.run(events, own, context.observed());
      return start(input, own.withObserved(run), run);
    }
    if (own.observed() != null) {
      own = own.withObserved(null); // a run on another runtime than the step it is nested in
    }
    return start(input, own, null);
  }

  /** Starts a run in {@code own}, observed by {@code run} unless null. */
  private CompletableFuture<O> start(I input, WorkflowContext own, Observed run) {
    Events events = own.runtime().events();
    long start = 0L;
    if (events.enabled()) {
      events.onWorkflowStart(own);
      start = own.runtime().clock().nanoTime();
    }
    return finish(own, Futures.call(root, input, own), start, run);
  }

  /** A run of this workflow whose observation started before it was handed to the executor. */
  private final class Started implements WorkflowPrimitive<I, O> {
    private final Observed run;

    Started(Observed run) {
      this.run = run;
    }

    @Override
    public CompletableFuture<O> execute(I input, WorkflowContext context) {
      if (context.runtime().isClosed()) {
        run.end(closed(), Duration.ZERO);
        return CompletableFuture.failedFuture(closed());
      }
      return start(input, context, run);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public boolean isBlocking() {
      return root.isBlocking();
    }
  }

  /** The run's outcome: failures named, workflow events reported. */
  private CompletableFuture<O> finish(
      WorkflowContext own, CompletableFuture<O> result, long start, Observed run) {
    Events events = own.runtime().events();
    if (Futures.succeeded(result) && !events.enabled()) {
      return result;
    }
    Finished<O> finished = new Finished<>(result);
    result.whenComplete(
        (value, error) -> {
          Duration elapsed =
              events.enabled()
                  ? Duration.ofNanos(own.runtime().clock().nanoTime() - start)
                  : Duration.ZERO;
          if (error == null) {
            if (events.enabled()) {
              events.onWorkflowSuccess(own, elapsed);
            }
            if (run != null) {
              run.end(null, elapsed);
            }
            finished.settle(value);
          } else {
            Throwable failure = named(error);
            if (events.enabled()) {
              events.onWorkflowFailure(own, failure, elapsed);
            }
            if (run != null) {
              run.end(failure, elapsed);
            }
            finished.settleExceptionally(failure);
          }
        });
    return finished;
  }

  /** A failure no step claimed is the run's: named after the root step, or the workflow. */
  private Throwable named(Throwable error) {
    Throwable failure = Futures.unwrap(error);
    if (failure instanceof WorkflowException || failure instanceof CancellationException) {
      return failure;
    }
    return new WorkflowException(
        name, Structure.reportsAsWorkflow(root) ? name : root.name(), 1, failure);
  }

  private WorkflowException closed() {
    return new WorkflowException(
        name, name, 1, new IllegalStateException("the workflow's runtime is closed"));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean isBlocking() {
    return root.isBlocking();
  }

  /** The run's result; cancelling it cancels the run. */
  private static final class Finished<O> extends StoppableFuture<O> {
    private final CompletableFuture<O> run;

    Finished(CompletableFuture<O> run) {
      this.run = run;
    }

    @Override
    void stop(boolean interrupt) {
      run.cancel(interrupt);
    }
  }
}

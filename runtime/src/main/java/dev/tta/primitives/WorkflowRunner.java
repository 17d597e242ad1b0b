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
    return run(input, WorkflowContext.create(name, runtime));
  }

  /**
   * Runs the workflow in {@code context} (its id, metadata and runtime) and waits for the result.
   * If the waiting thread is interrupted, the run is cancelled.
   *
   * @param input the input
   * @param context the context
   * @return the output
   * @throws WorkflowException if a step failed
   * @throws CancellationException if the run was cancelled
   */
  public O run(I input, WorkflowContext context) {
    CompletableFuture<O> result = execute(input, context);
    if (Futures.succeeded(result)) {
      return result.getNow(null);
    }
    try {
      return result.get();
    } catch (InterruptedException e) {
      result.cancel(true);
      Thread.currentThread().interrupt();
      throw new WorkflowException(name, root.name(), 1, e);
    } catch (ExecutionException e) {
      throw asUnchecked(Futures.unwrap(e));
    }
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
   * cancelling the future cancels the run.
   *
   * @param input the input
   * @return the pending output; fails with a {@link WorkflowException}
   */
  public CompletableFuture<O> runAsync(I input) {
    return runAsync(input, WorkflowContext.create(name, runtime));
  }

  /**
   * Starts the workflow in {@code context} on that context's executor.
   *
   * @param input the input
   * @param context the context
   * @return the pending output; fails with a {@link WorkflowException}
   */
  public CompletableFuture<O> runAsync(I input, WorkflowContext context) {
    return IsolatedCall.start(this, input, context, context.runtime().executor(), true);
  }

  @Override
  public CompletableFuture<O> execute(I input, WorkflowContext context) {
    WorkflowContext own = context.withWorkflowName(name);
    Events events = own.runtime().events();
    long start = 0L;
    if (events.enabled()) {
      events.onWorkflowStart(own);
      start = own.runtime().clock().nanoTime();
    }
    CompletableFuture<O> result = Futures.call(root, input, own);
    if (Futures.succeeded(result) && !events.enabled()) {
      return result;
    }
    Finished<O> finished = new Finished<>(result);
    long started = start;
    result.whenComplete(
        (value, error) -> {
          Duration elapsed =
              events.enabled()
                  ? Duration.ofNanos(own.runtime().clock().nanoTime() - started)
                  : Duration.ZERO;
          if (error == null) {
            if (events.enabled()) {
              events.onWorkflowSuccess(own, elapsed);
            }
            finished.settle(value);
          } else {
            Throwable failure = named(error);
            if (events.enabled()) {
              events.onWorkflowFailure(own, failure, elapsed);
            }
            finished.settleExceptionally(failure);
          }
        });
    return finished;
  }

  private Throwable named(Throwable error) {
    Throwable failure = Futures.unwrap(error);
    if (failure instanceof WorkflowException || failure instanceof CancellationException) {
      return failure;
    }
    return new WorkflowException(name, root.name(), 1, failure);
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

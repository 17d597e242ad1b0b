package dev.tta.primitives.testing;

import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowPrimitive;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * A scripted stand-in for a step, for tests: answers calls in script order (the last answer
 * repeats), optionally after a delay on the runtime's scheduler, and records its calls. Never
 * blocks the caller. Thread-safe.
 *
 * <pre>{@code
 * MockPrimitive<String, Integer> fetch =
 *     MockPrimitive.<String, Integer>named("fetch").thenFail(new IOException("down")).thenReturn(7);
 * }</pre>
 *
 * @param <I> input type
 * @param <O> output type
 */
public final class MockPrimitive<I, O> implements WorkflowPrimitive<I, O> {

  private final String name;
  private final List<Function<? super I, ? extends O>> script = new ArrayList<>();
  private final List<I> inputs = new ArrayList<>();
  private Duration delay = Duration.ZERO;
  private int cancellations;

  private MockPrimitive(String name) {
    this.name = Objects.requireNonNull(name, "name");
  }

  /**
   * An empty script; add answers with the {@code then...} methods.
   *
   * @param name the step name it reports
   * @param <I> input type
   * @param <O> output type
   * @return the mock
   */
  public static <I, O> MockPrimitive<I, O> named(String name) {
    return new MockPrimitive<>(name);
  }

  /**
   * A mock that always returns {@code value}.
   *
   * @param value the answer
   * @param <I> input type
   * @param <O> output type
   * @return the mock
   */
  public static <I, O> MockPrimitive<I, O> returning(O value) {
    return MockPrimitive.<I, O>named("mock").thenReturn(value);
  }

  /**
   * A mock that always fails with {@code failure}.
   *
   * @param failure the failure
   * @param <I> input type
   * @param <O> output type
   * @return the mock
   */
  public static <I, O> MockPrimitive<I, O> failing(Throwable failure) {
    return MockPrimitive.<I, O>named("mock").thenFail(failure);
  }

  /**
   * Adds an answer: return {@code value}.
   *
   * @param value the value
   * @return this mock
   */
  public synchronized MockPrimitive<I, O> thenReturn(O value) {
    script.add(input -> value);
    return this;
  }

  /**
   * Adds an answer: fail with {@code failure}.
   *
   * @param failure the failure
   * @return this mock
   */
  public synchronized MockPrimitive<I, O> thenFail(Throwable failure) {
    Objects.requireNonNull(failure, "failure");
    script.add(
        input -> {
          throw new ScriptedFailure(failure);
        });
    return this;
  }

  /**
   * Adds an answer computed from the input.
   *
   * @param answer the function; an exception it throws becomes the failure
   * @return this mock
   */
  public synchronized MockPrimitive<I, O> thenAnswer(Function<? super I, ? extends O> answer) {
    script.add(Objects.requireNonNull(answer, "answer"));
    return this;
  }

  /**
   * Answers every call after {@code delay}, on the runtime's scheduler (virtual or real).
   *
   * @param newDelay the delay; zero answers at once
   * @return this mock
   */
  public synchronized MockPrimitive<I, O> withDelay(Duration newDelay) {
    this.delay = Objects.requireNonNull(newDelay, "delay");
    return this;
  }

  @Override
  public CompletableFuture<O> execute(I input, WorkflowContext context) {
    Function<? super I, ? extends O> answer;
    Duration wait;
    synchronized (this) {
      if (script.isEmpty()) {
        return CompletableFuture.failedFuture(
            new IllegalStateException("MockPrimitive '" + name + "' has no scripted answer"));
      }
      answer = script.get(Math.min(inputs.size(), script.size() - 1));
      inputs.add(input);
      wait = delay;
    }
    if (wait.isZero()) {
      return answer(answer, input);
    }
    DelayedAnswer<O> result = new DelayedAnswer<>(this);
    try {
      result.timer =
          context
              .runtime()
              .scheduler()
              .schedule(
                  () -> {
                    if (!result.isDone()) {
                      answer(answer, input)
                          .whenComplete(
                              (value, error) -> {
                                if (error == null) {
                                  result.complete(value);
                                } else {
                                  result.completeExceptionally(error);
                                }
                              });
                    }
                  },
                  wait.toNanos(),
                  TimeUnit.NANOSECONDS);
    } catch (RuntimeException | Error e) { // execute never throws: the scheduler's failure is ours
      return CompletableFuture.failedFuture(e);
    }
    return result;
  }

  private CompletableFuture<O> answer(Function<? super I, ? extends O> answer, I input) {
    try {
      return CompletableFuture.completedFuture(answer.apply(input));
    } catch (ScriptedFailure scripted) {
      return CompletableFuture.failedFuture(scripted.getCause());
    } catch (RuntimeException | Error e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private synchronized void cancelled() {
    cancellations++;
  }

  @Override
  public String name() {
    return name;
  }

  /** Answers come at once or from the scheduler: the caller is never held. */
  @Override
  public boolean isBlocking() {
    return false;
  }

  /**
   * How many times it was called.
   *
   * @return the count
   */
  public synchronized int calls() {
    return inputs.size();
  }

  /**
   * The inputs of every call, in call order.
   *
   * @return a copy
   */
  public synchronized List<I> inputs() {
    return new ArrayList<>(inputs);
  }

  /**
   * How many of its delayed answers were cancelled before they came.
   *
   * @return the count
   */
  public synchronized int cancellations() {
    return cancellations;
  }

  /** A pending delayed answer; cancelling it cancels its timer and is counted once. */
  private static final class DelayedAnswer<O> extends CompletableFuture<O> {
    private final MockPrimitive<?, O> mock;
    private final AtomicBoolean counted = new AtomicBoolean();
    volatile Future<?> timer;

    DelayedAnswer(MockPrimitive<?, O> mock) {
      this.mock = mock;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      // cancel() also returns true when the answer was cancelled before: count it once.
      if (cancelled && counted.compareAndSet(false, true)) {
        mock.cancelled();
        Future<?> pending = timer;
        if (pending != null) {
          pending.cancel(false); // leave no timer behind for an answer nobody waits for
        }
      }
      return cancelled;
    }
  }

  /** Carries a scripted failure (possibly checked) through a {@link Function}. */
  private static final class ScriptedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ScriptedFailure(Throwable failure) {
      super(failure);
    }
  }
}

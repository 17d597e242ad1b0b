package dev.tta.primitives.temporal;

import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.common.RetryOptions;
import io.temporal.common.converter.DataConverterException;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The workflow side of a durable run: activity options from the step's policies, a step's call with
 * its fallbacks, parallel branches and bounded for-each stages. Everything here uses Temporal's
 * workflow API only and decides from recorded results alone, so the generated workflow stays
 * deterministic.
 */
public final class DurableWorkflow {

  /** The start-to-close timeout of a step without {@code @Timeout}. */
  public static final Duration DEFAULT_START_TO_CLOSE = Duration.ofMinutes(10);

  /** The type of the failure a run fails with: a step's failure, named. */
  public static final String STEP_FAILED = "dev.tta.primitives.WorkflowException";

  // Temporal refuses a zero initial interval; a retry "without delay" waits this long.
  private static final Duration SHORTEST_INTERVAL = Duration.ofMillis(1);

  private DurableWorkflow() {}

  /**
   * The retry options of {@code @Retry}: at most {@code maxAttempts} attempts, waits from {@code
   * delay} growing by {@code backoff} up to {@code maxDelay}. Which failures are retried is decided
   * in the activity (see {@link DurableActivity}).
   *
   * @param maxAttempts attempts in all, 1 for a step without {@code @Retry}
   * @param delay the first wait
   * @param backoff the growth factor, at least 1
   * @param maxDelay the longest wait
   * @return the options
   */
  public static RetryOptions retry(
      int maxAttempts, Duration delay, double backoff, Duration maxDelay) {
    Duration initial = delay.compareTo(SHORTEST_INTERVAL) < 0 ? SHORTEST_INTERVAL : delay;
    Duration longest = maxDelay.compareTo(initial) < 0 ? initial : maxDelay;
    return RetryOptions.newBuilder()
        .setMaximumAttempts(maxAttempts)
        .setInitialInterval(initial)
        .setBackoffCoefficient(backoff)
        .setMaximumInterval(longest)
        .build();
  }

  /**
   * The retry options of a step without {@code @Retry}: one attempt, as in process, never
   * Temporal's default of unlimited attempts.
   *
   * @return the options
   */
  public static RetryOptions once() {
    return retry(1, SHORTEST_INTERVAL, 1.0, SHORTEST_INTERVAL);
  }

  /**
   * The options of one attempt-bounded activity.
   *
   * @param startToClose each attempt's time limit ({@code @Timeout}, else {@link
   *     #DEFAULT_START_TO_CLOSE})
   * @param scheduleToClose all attempts' time limit ({@code @Retry(maxDuration)}), or {@code null}
   * @param retry the retry options
   * @return the options
   */
  public static ActivityOptions activity(
      Duration startToClose, Duration scheduleToClose, RetryOptions retry) {
    ActivityOptions.Builder options =
        ActivityOptions.newBuilder().setStartToCloseTimeout(startToClose).setRetryOptions(retry);
    if (scheduleToClose != null) {
      options.setScheduleToCloseTimeout(scheduleToClose);
    }
    return options.build();
  }

  /**
   * A fallback of a step: an activity run after the step's activity failed for good.
   *
   * @param onTimeout whether it handles a timed-out step (its {@code applyOn} covers {@code
   *     TimeoutException}); other failures carry the activity's own verdict
   * @param call the fallback's activity, given the failure
   * @param <T> the step's value type
   */
  public record Fallback<T>(boolean onTimeout, Functions.Func1<DurableCause, T> call) {
    /**
     * Checks the call.
     *
     * @param onTimeout whether it handles a timed-out step
     * @param call the fallback's activity
     */
    public Fallback {
      Objects.requireNonNull(call, "call");
    }
  }

  /**
   * A fallback of a step, for {@link #call}.
   *
   * @param onTimeout whether it handles a timed-out step
   * @param call the fallback's activity
   * @param <T> the step's value type
   * @return the fallback
   */
  public static <T> Fallback<T> fallback(boolean onTimeout, Functions.Func1<DurableCause, T> call) {
    return new Fallback<>(onTimeout, call);
  }

  /**
   * Runs a step's activity and, when it fails for good, its fallbacks in order, each handling the
   * previous one's failure; the last failure fails the run with the {@link #STEP_FAILED} failure
   * naming the step.
   *
   * @param step the step
   * @param call the step's activity
   * @param fallbacks its fallbacks, outermost last
   * @param <T> its value type
   * @return the step's value, or a fallback's
   */
  @SafeVarargs
  public static <T> T call(DurableStep step, Functions.Func<T> call, Fallback<T>... fallbacks) {
    ActivityFailure failure;
    try {
      return call.apply();
    } catch (ActivityFailure e) {
      failure = e;
    } catch (DataConverterException e) {
      // The step's value could not be read back: fail the run naming the step, rather than the
      // workflow task, which Temporal would retry for ever.
      throw stepFailed(step, 1, "its value could not be converted: " + e.getMessage(), e);
    }
    int attempts = attempts(step, failure);
    for (Fallback<T> fallback : fallbacks) {
      if (!handles(fallback, failure)) {
        break;
      }
      try {
        return fallback.call().apply(cause(failure));
      } catch (ActivityFailure e) {
        failure = e;
      }
    }
    throw failed(step, failure, attempts);
  }

  /**
   * Waits for a parallel stage's branches: the first failure fails the stage.
   *
   * @param branches the branches' results
   */
  public static void all(Promise<?>... branches) {
    Promise.allOf(branches).get();
  }

  /**
   * Calls {@code call} on each element, at most {@code maxConcurrency} at a time (0: no bound), and
   * collects the results in the elements' order. A failure stops starting further elements and
   * fails the stage once those in flight have ended.
   *
   * @param step the step called on each element
   * @param items the elements
   * @param maxConcurrency the most calls in flight, 0 for no bound
   * @param call the step's call of one element
   * @param <E> the element type
   * @param <R> the result type
   * @return the results
   */
  public static <E, R> List<R> forEach(
      DurableStep step,
      Iterable<? extends E> items,
      int maxConcurrency,
      Functions.Func1<E, R> call) {
    requireInput(step, items);
    List<Promise<R>> started = new ArrayList<>();
    for (E item : items) {
      if (maxConcurrency > 0) {
        Workflow.await(() -> failed(started) || inFlight(started) < maxConcurrency);
      }
      if (failed(started)) {
        break;
      }
      started.add(Async.function(call, item));
    }
    Workflow.await(() -> inFlight(started) == 0);
    List<R> results = new ArrayList<>(started.size());
    for (Promise<R> result : started) {
      results.add(result.get());
    }
    return results;
  }

  /**
   * Fails the run naming {@code step} when its for-each stage got no elements at all ({@code
   * null}), as an in-process run does; an exception other than Temporal's failures would fail the
   * workflow task, which Temporal retries for ever.
   *
   * @param step the for-each step
   * @param items what the previous stage yielded
   */
  public static void requireInput(DurableStep step, Object items) {
    if (items == null) {
      throw stepFailed(step, 1, "for-each '" + step.step() + "' got a null input", null);
    }
  }

  private static boolean failed(List<? extends Promise<?>> started) {
    for (Promise<?> p : started) {
      if (p.isCompleted() && p.getFailure() != null) {
        return true;
      }
    }
    return false;
  }

  private static int inFlight(List<? extends Promise<?>> started) {
    int n = 0;
    for (Promise<?> p : started) {
      if (!p.isCompleted()) {
        n++;
      }
    }
    return n;
  }

  private static boolean handles(Fallback<?> fallback, ActivityFailure failure) {
    Throwable cause = failure.getCause();
    if (cause instanceof ApplicationFailure recorded && recorded.getDetails().getSize() >= 2) {
      return Boolean.TRUE.equals(recorded.getDetails().get(1, Boolean.class));
    }
    if (cause instanceof TimeoutFailure) {
      return fallback.onTimeout();
    }
    // Cancelled or terminated: nothing a fallback should hide.
    return false;
  }

  private static DurableCause cause(ActivityFailure failure) {
    Throwable cause = failure.getCause();
    if (cause instanceof ApplicationFailure recorded) {
      return new DurableCause(recorded.getType(), recorded.getOriginalMessage());
    }
    Throwable shown = cause != null ? cause : failure;
    String message =
        shown instanceof TemporalFailure temporal
            ? temporal.getOriginalMessage()
            : shown.getMessage();
    return new DurableCause(shown.getClass().getName(), message);
  }

  /** The attempts the step's activity made: as it reported them, else from its retry state. */
  private static int attempts(DurableStep step, ActivityFailure failure) {
    if (failure.getCause() instanceof ApplicationFailure recorded
        && recorded.getDetails().getSize() >= 1) {
      Integer attempt = recorded.getDetails().get(0, Integer.class);
      if (attempt != null && attempt > 0) {
        return attempt;
      }
    }
    return failure.getRetryState() == RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED
        ? step.maxAttempts()
        : 1;
  }

  /**
   * The failure that fails the run: non-retryable, of type {@link #STEP_FAILED}, naming the step
   * and its attempts in its details, with the activity's failure as its cause.
   */
  static ApplicationFailure failed(DurableStep step, ActivityFailure failure, int attempts) {
    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
    String what =
        cause instanceof TemporalFailure temporal
            ? temporal.getOriginalMessage()
            : cause.toString();
    return stepFailed(step, attempts, what, failure);
  }

  /**
   * The non-retryable {@link #STEP_FAILED} failure, worded as {@code WorkflowException} words a
   * step's failure, with the step and its attempts as details for {@link DurableClient}.
   */
  private static ApplicationFailure stepFailed(
      DurableStep step, int attempts, String what, Throwable cause) {
    String message =
        "workflow '"
            + step.workflow()
            + "', step '"
            + step.step()
            + "' failed"
            + (attempts > 1 ? " after " + attempts + " attempts" : "")
            + ": "
            + what;
    return ApplicationFailure.newNonRetryableFailureWithCause(
        message, STEP_FAILED, cause, step.step(), attempts);
  }
}

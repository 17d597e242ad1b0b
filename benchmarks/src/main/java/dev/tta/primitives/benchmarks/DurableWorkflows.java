package dev.tta.primitives.benchmarks;

import dev.tta.primitives.annotations.Durable;
import dev.tta.primitives.annotations.Retry;
import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Timeout;
import dev.tta.primitives.annotations.Workflow;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;

/**
 * The durable workflow of {@link DurableBench}, twice: as a {@code @Workflow @Durable} class, which
 * the processor turns into {@code DurableWorkflows_RetriedTemporal}, and written by hand with the
 * Temporal SDK as a Temporal user writes it. Both are three sequential steps of {@code x + 1} on a
 * {@code long}, each an activity with the retry options of {@code @Retry}'s defaults (3 attempts,
 * 100 ms first interval, backoff 2, at most 30 s) and a 10 s start-to-close timeout.
 */
public final class DurableWorkflows {
  private DurableWorkflows() {}

  /** The step timeout of both workflows. */
  static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);

  /** {@code @Retry} (defaults) and {@code @Timeout("10s")} on each step: three activities. */
  @Workflow(name = "DurableRetried")
  @Durable
  public static class Retried {
    /**
     * The first step.
     *
     * @param x the input
     * @return {@code x + 1}
     */
    @Step
    @Retry
    @Timeout("10s")
    public long first(long x) {
      return x + 1;
    }

    /**
     * The second step.
     *
     * @param x the input
     * @return {@code x + 1}
     */
    @Step
    @Retry
    @Timeout("10s")
    public long second(long x) {
      return x + 1;
    }

    /**
     * The third step.
     *
     * @param x the input
     * @return {@code x + 1}
     */
    @Step
    @Retry
    @Timeout("10s")
    public long third(long x) {
      return x + 1;
    }
  }

  /** The task queue of the hand-written workflow's worker. */
  public static final String BY_HAND_QUEUE = "ByHand";

  /** The hand-written workflow's interface. */
  @WorkflowInterface
  public interface ThreeSteps {
    /**
     * Runs the three steps.
     *
     * @param x the input
     * @return {@code x + 3}
     */
    @WorkflowMethod
    long run(long x);
  }

  /** The hand-written workflow's activities. */
  @ActivityInterface
  public interface Steps {
    /**
     * The first step.
     *
     * @param x the input
     * @return {@code x + 1}
     */
    long first(long x);

    /**
     * The second step.
     *
     * @param x the input
     * @return {@code x + 1}
     */
    long second(long x);

    /**
     * The third step.
     *
     * @param x the input
     * @return {@code x + 1}
     */
    long third(long x);
  }

  /** The activities: the steps themselves. */
  public static final class StepsImpl implements Steps {
    @Override
    public long first(long x) {
      return x + 1;
    }

    @Override
    public long second(long x) {
      return x + 1;
    }

    @Override
    public long third(long x) {
      return x + 1;
    }
  }

  /**
   * The options the generated workflow gives each of its steps' activities: a 10 s start-to-close
   * timeout and {@code @Retry}'s defaults as retry options.
   */
  static ActivityOptions byHandOptions() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(STEP_TIMEOUT)
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setMaximumAttempts(3)
                .setInitialInterval(Duration.ofMillis(100))
                .setBackoffCoefficient(2.0)
                .setMaximumInterval(Duration.ofSeconds(30))
                .build())
        .build();
  }

  /** The workflow: one activity stub, the three calls in sequence. */
  public static final class ThreeStepsImpl implements ThreeSteps {
    private final Steps steps =
        io.temporal.workflow.Workflow.newActivityStub(Steps.class, byHandOptions());

    @Override
    public long run(long x) {
      long a = steps.first(x);
      long b = steps.second(a);
      return steps.third(b);
    }
  }
}

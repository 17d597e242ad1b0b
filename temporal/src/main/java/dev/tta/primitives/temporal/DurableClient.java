package dev.tta.primitives.temporal;

import dev.tta.primitives.WorkflowException;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;

/**
 * The client side of a durable run: the options a run starts with, and a failed run's failure as
 * the {@link WorkflowException} an in-process run throws.
 */
public final class DurableClient {

  private DurableClient() {}

  /**
   * The options of a run.
   *
   * @param taskQueue the task queue its workers poll
   * @param workflowId its id, or {@code null} for one Temporal makes up
   * @param runTimeout its time limit (a class-level {@code @Timeout}), or {@code null}
   * @return the options
   */
  public static WorkflowOptions options(String taskQueue, String workflowId, Duration runTimeout) {
    WorkflowOptions.Builder options = WorkflowOptions.newBuilder().setTaskQueue(taskQueue);
    if (workflowId != null) {
      options.setWorkflowId(workflowId);
    }
    if (runTimeout != null) {
      options.setWorkflowRunTimeout(runTimeout);
    }
    return options.build();
  }

  /**
   * {@code failure} as the exception the run's caller gets: a step's failure names the step and its
   * attempts, with Temporal's failure of the activity as the cause; any other failure of the run (a
   * run timeout, a termination, a start refused) names the workflow, with Temporal's exception as
   * the cause.
   *
   * @param workflow the workflow's name
   * @param failure what Temporal's client threw
   * @return the exception to throw
   */
  public static WorkflowException failure(
      String workflow, io.temporal.client.WorkflowException failure) {
    if (failure instanceof WorkflowFailedException
        && failure.getCause() instanceof ApplicationFailure named
        && DurableWorkflow.STEP_FAILED.equals(named.getType())
        && named.getDetails().getSize() >= 2) {
      String step = named.getDetails().get(0, String.class);
      Integer attempts = named.getDetails().get(1, Integer.class);
      Throwable cause = named.getCause() != null ? named.getCause() : named;
      return new WorkflowException(
          workflow, step, attempts != null && attempts > 0 ? attempts : 1, cause);
    }
    return new WorkflowException(workflow, workflow, 1, failure);
  }
}

package dev.tta.primitives;

/**
 * A workflow run failed. Names the workflow and the step that failed and how many attempts that
 * step made; the {@linkplain #getCause() cause} is the step's own failure (for a retried step the
 * last one, with the earlier ones {@linkplain #getSuppressed() suppressed}).
 */
public class WorkflowException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String workflow;
  private final String step;
  private final int attempts;

  /**
   * Creates the exception.
   *
   * @param workflow the workflow's name
   * @param step the failed step's name
   * @param attempts the attempts the step made, at least 1
   * @param cause the step's own failure
   */
  public WorkflowException(String workflow, String step, int attempts, Throwable cause) {
    super(message(workflow, step, attempts, cause), cause);
    this.workflow = workflow;
    this.step = step;
    this.attempts = attempts;
  }

  private static String message(String workflow, String step, int attempts, Throwable cause) {
    StringBuilder sb = new StringBuilder();
    sb.append("workflow '").append(workflow).append("', step '").append(step).append("' failed");
    if (attempts > 1) {
      sb.append(" after ").append(attempts).append(" attempts");
    }
    if (cause != null) {
      sb.append(": ").append(cause);
    }
    return sb.toString();
  }

  /**
   * The workflow that failed.
   *
   * @return its name
   */
  public String workflow() {
    return workflow;
  }

  /**
   * The step that failed.
   *
   * @return its name
   */
  public String step() {
    return step;
  }

  /**
   * How many attempts the failed step made, counting the first call.
   *
   * @return at least 1
   */
  public int attempts() {
    return attempts;
  }
}

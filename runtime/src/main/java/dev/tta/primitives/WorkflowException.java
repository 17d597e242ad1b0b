package dev.tta.primitives;

/**
 * A workflow run failed. Names the workflow and the step that failed and how many attempts that
 * step made; the {@linkplain #getCause() cause} is the step's own failure (for a retried step the
 * last one, with the earlier ones {@linkplain #getSuppressed() suppressed}).
 */
public class WorkflowException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The name of the workflow that failed; see {@link #workflow()}. */
  private final String workflow;

  /** The name of the step that failed, or the workflow's; see {@link #step()}. */
  private final String step;

  /** The attempts the failed step made, at least 1; see {@link #attempts()}. */
  private final int attempts;

  // The runtime's executor refused the step's work (not the step's own rejection): never retried.
  private final transient boolean rejection;

  /**
   * Creates the exception.
   *
   * @param workflow the workflow's name
   * @param step the failed step's name, or the workflow's for a failure of the whole run
   * @param attempts the attempts the step made, at least 1
   * @param cause the step's own failure
   */
  public WorkflowException(String workflow, String step, int attempts, Throwable cause) {
    this(workflow, step, attempts, cause, false);
  }

  private WorkflowException(
      String workflow, String step, int attempts, Throwable cause, boolean rejection) {
    super(message(workflow, step, attempts, cause), cause);
    this.workflow = workflow;
    this.step = step;
    this.attempts = attempts;
    this.rejection = rejection;
  }

  /** The runtime's executor refused to run the step's work; {@code cause} is what it threw. */
  static WorkflowException rejected(String workflow, String step, int attempts, Throwable cause) {
    return new WorkflowException(workflow, step, attempts, cause, true);
  }

  /** The same failure under another step's name (a step renaming its body's report). */
  WorkflowException renamed(String newStep) {
    WorkflowException copy =
        new WorkflowException(workflow, newStep, attempts, getCause(), rejection);
    for (Throwable earlier : getSuppressed()) {
      copy.addSuppressed(earlier);
    }
    return copy;
  }

  /** Whether the runtime's executor refused the work (see {@link #rejected}). */
  boolean isRejection() {
    return rejection;
  }

  private static String message(String workflow, String step, int attempts, Throwable cause) {
    StringBuilder sb = new StringBuilder();
    sb.append("workflow '").append(workflow).append("'");
    if (!step.equals(workflow)) {
      sb.append(", step '").append(step).append("'");
    }
    sb.append(" failed");
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

package dev.tta.primitives.temporal;

import java.util.Objects;

/**
 * One step of a durable workflow as both sides of a run know it: the workflow's name, the step's
 * name and the attempts its retry options allow. Generated code holds one per step.
 */
public final class DurableStep {

  private final String workflow;
  private final String step;
  private final int maxAttempts;

  private DurableStep(String workflow, String step, int maxAttempts) {
    this.workflow = Objects.requireNonNull(workflow, "workflow");
    this.step = Objects.requireNonNull(step, "step");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    this.maxAttempts = maxAttempts;
  }

  /**
   * The step {@code step} of workflow {@code workflow}.
   *
   * @param workflow the workflow's name
   * @param step the step's name
   * @param maxAttempts the attempts its retry options allow (1 without {@code @Retry})
   * @return the step
   */
  public static DurableStep of(String workflow, String step, int maxAttempts) {
    return new DurableStep(workflow, step, maxAttempts);
  }

  /** {@return the workflow's name} */
  public String workflow() {
    return workflow;
  }

  /** {@return the step's name} */
  public String step() {
    return step;
  }

  /** {@return the attempts the step's retry options allow} */
  public int maxAttempts() {
    return maxAttempts;
  }

  @Override
  public String toString() {
    return workflow + "." + step;
  }
}

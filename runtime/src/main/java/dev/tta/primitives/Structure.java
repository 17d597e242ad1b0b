package dev.tta.primitives;

/**
 * A primitive whose {@link WorkflowPrimitive#name() name} may describe its shape ("sequence",
 * "parallel") rather than name a user's step. What such a primitive reports (failures, timeouts,
 * retries, events) names the workflow instead: users see their steps or their workflow, never an
 * internal primitive.
 */
interface Structure {

  /**
   * Whether this primitive's reports name the workflow rather than {@link
   * WorkflowPrimitive#name()}.
   *
   * @return true for compositions, and for policies wrapped around one (a class-level policy)
   */
  boolean reportsAsWorkflow();

  /**
   * Whether {@code primitive} reports as its workflow.
   *
   * @param primitive any primitive
   * @return true if it is a {@link Structure} that does
   */
  static boolean reportsAsWorkflow(WorkflowPrimitive<?, ?> primitive) {
    return primitive instanceof Structure && ((Structure) primitive).reportsAsWorkflow();
  }

  /**
   * The name that {@code primitive}'s failures and events carry in {@code context}.
   *
   * @param primitive the primitive
   * @param context the run's context
   * @return the step's name, or the workflow's for a composition
   */
  static String reportedName(WorkflowPrimitive<?, ?> primitive, WorkflowContext context) {
    return reportsAsWorkflow(primitive) ? context.workflowName() : primitive.name();
  }
}

package dev.tta.primitives;

/** Test helper: a run's cancellation scope that the test stops by hand. */
final class StoppedScope implements CancelScope {
  private volatile boolean stopped;

  void stop() {
    stopped = true;
  }

  @Override
  public boolean isStopped() {
    return stopped;
  }

  @Override
  public CancelScope parent() {
    return null;
  }

  /** A context on {@code runtime} whose work runs in this scope. */
  WorkflowContext context(WorkflowRuntime runtime) {
    return WorkflowContext.create("wf", runtime).withScope(this);
  }
}

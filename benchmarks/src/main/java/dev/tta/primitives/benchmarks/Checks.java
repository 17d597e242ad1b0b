package dev.tta.primitives.benchmarks;

import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowRuntime;
import dev.tta.primitives.WorkflowScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

/** Checks, run once in set-up, that a row measures what its description says. */
final class Checks {
  private Checks() {}

  /**
   * The async-step row arms a real deadline per attempt and disarms it when the step completes:
   * runs the same workflow once on the default runtime's scheduler behind a counting wrapper. On
   * the wrapper (not the runtime's own timer) a step whose deadlines are all disarmed cancels its
   * timer, so each attempt shows as one timer armed and cancelled; on the default scheduler itself
   * the deadlines of a step share one timer.
   */
  static void asyncStepsArmAndDisarmTimers() {
    List<ScheduledFuture<?>> timers = new ArrayList<>();
    WorkflowScheduler scheduler = WorkflowRuntime.defaults().scheduler();
    WorkflowRuntime counting =
        WorkflowRuntime.builder()
            .scheduler(
                (task, delay, unit) -> {
                  ScheduledFuture<?> timer = scheduler.schedule(task, delay, unit);
                  timers.add(timer);
                  return timer;
                })
            .build();
    Workflows.RetriedTimedAsync steps = new Workflows.RetriedTimedAsync();
    Workflows_RetriedTimedAsyncWorkflow workflow =
        new Workflows_RetriedTimedAsyncWorkflow(steps, counting);
    long result =
        steps.trampoline.drain(
            workflow.execute(1L, WorkflowContext.create("RetriedTimedAsync", counting)));
    check(result == 4, "result " + result);
    check(timers.size() == 3, timers.size() + " timers armed, not 3");
    for (ScheduledFuture<?> timer : timers) {
      check(timer.isCancelled(), "a timer was not disarmed");
    }
  }

  static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException("benchmark set-up check failed: " + message);
    }
  }
}

package dev.tta.primitives;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task after a delay: retry back-off waits and timeout deadlines. Waits are scheduled, no
 * thread sleeps. Implementations run the task on the runtime's executor rather than on a timer
 * thread, because the task may go on to run user steps; but a due task must never be dropped: if
 * the executor rejects it, run it on the timer thread (as the default scheduler does).
 */
@FunctionalInterface
public interface WorkflowScheduler {

  /**
   * Schedules {@code task} to run once after {@code delay}.
   *
   * @param task what to run
   * @param delay how long to wait; zero or less runs the task as soon as possible
   * @param unit the unit of {@code delay}
   * @return a handle whose {@code cancel} stops the task if it has not started
   */
  ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit);
}

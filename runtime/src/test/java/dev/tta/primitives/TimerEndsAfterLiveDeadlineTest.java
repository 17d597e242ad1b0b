package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Interrupted while a deadline is live, the timer ends soon after that call ends, not at the
 * deadline's due time.
 */
class TimerEndsAfterLiveDeadlineTest {

  @Test
  void timerInterruptedDuringACallEndsOnceTheCallIsOver() throws Exception {
    DefaultTimer timer = new DefaultTimer("review-timer-");
    DeadlineQueue.OwnTimer own =
        new DeadlineQueue.OwnTimer() {
          @Override
          public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
            return timer.schedule(task, delay, unit);
          }

          @Override
          public ScheduledFuture<?> scheduleOnTimer(Runnable task, long delay, TimeUnit unit) {
            return timer.schedule(task, delay, unit);
          }
        };
    WorkflowRuntime runtime = WorkflowRuntime.builder().scheduler(own).build();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    WorkflowRunner<String, String> workflow =
        WorkflowRunner.of(
            "W",
            TimeoutPrimitive.of(
                LambdaPrimitive.of(
                    "step",
                    (String in) -> {
                      started.countDown();
                      finish.await();
                      return in;
                    }),
                Duration.ofSeconds(30)),
            runtime);
    var run = workflow.runAsync("x");
    assertTrue(started.await(5, SECONDS));
    Thread thread;
    while ((thread = timer.thread()) == null) { // the deadline is armed just after the step starts
      Thread.onSpinWait();
    }
    Thread.sleep(100); // the timer thread is waiting for the live deadline
    thread.interrupt(); // as mvn exec:java does at the program's end; the deadline is live
    while (thread.isInterrupted()) {
      Thread.onSpinWait();
    }
    finish.countDown();
    assertEquals("x", run.get(5, SECONDS)); // only the queue's idle leftover remains
    thread.join(3000);
    assertFalse(thread.isAlive(), "the timer thread waits for a droppable leftover (30 s)");
  }
}

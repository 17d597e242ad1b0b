package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The runtime's own timer: deadlines run on it, it ends when interrupted (as {@code mvn exec:java}
 * interrupts the threads a program started) unless real work is pending, and user code never runs
 * on it.
 */
class DefaultTimerTest {

  private static final long PATIENCE = 10;

  /** A tidy-up task that agrees to be dropped, like an idle deadline queue's. */
  private static final class Leftover implements Runnable, DefaultTimer.Droppable {
    @Override
    public void run() {}

    @Override
    public boolean tryDrop() {
      return true;
    }
  }

  @Test
  void interruptedTimerWithOnlyDroppableTasksEndsAtOnce() throws Exception {
    DefaultTimer timer = new DefaultTimer("test-timer-");
    timer.schedule(new Leftover(), 1, TimeUnit.HOURS);
    Thread thread = timer.thread();
    assertNotNull(thread);

    thread.interrupt();
    thread.join(SECONDS.toMillis(PATIENCE));

    assertFalse(thread.isAlive(), "the timer thread outlived its interrupt");
    assertNull(timer.thread());
  }

  @Test
  void interruptedTimerServesPendingWorkThenEnds() throws Exception {
    DefaultTimer timer = new DefaultTimer("test-timer-");
    CountDownLatch ran = new CountDownLatch(1);
    timer.schedule(new Leftover(), 1, TimeUnit.HOURS);
    timer.schedule(ran::countDown, 300, TimeUnit.MILLISECONDS);
    Thread thread = timer.thread();

    thread.interrupt();

    assertTrue(ran.await(PATIENCE, SECONDS), "the pending task was lost to the interrupt");
    thread.join(SECONDS.toMillis(PATIENCE));
    assertFalse(thread.isAlive(), "the timer thread did not end once its work was done");
  }

  @Test
  void cancellingTheLastRealTaskOfAnEndingTimerEndsIt() throws Exception {
    DefaultTimer timer = new DefaultTimer("test-timer-");
    ScheduledFuture<?> real = timer.schedule(() -> {}, 1, TimeUnit.HOURS);
    Thread thread = timer.thread();
    thread.interrupt();
    // The interrupt is seen while the real task keeps the thread: only then cancel it.
    long giveUp = System.nanoTime() + SECONDS.toNanos(PATIENCE);
    while (thread.isInterrupted() && System.nanoTime() < giveUp) {
      Thread.onSpinWait();
    }
    assertFalse(thread.isInterrupted(), "the timer never saw its interrupt");

    assertTrue(real.cancel(false));
    thread.join(SECONDS.toMillis(PATIENCE));

    assertFalse(thread.isAlive(), "the timer thread waited for a cancelled task");
  }

  @Test
  void timerStartsAgainAfterItEnded() throws Exception {
    DefaultTimer timer = new DefaultTimer("test-timer-");
    timer.schedule(new Leftover(), 1, TimeUnit.HOURS);
    Thread first = timer.thread();
    first.interrupt();
    first.join(SECONDS.toMillis(PATIENCE));

    CountDownLatch ran = new CountDownLatch(1);
    timer.schedule(ran::countDown, 0, TimeUnit.MILLISECONDS);

    assertTrue(ran.await(PATIENCE, SECONDS));
  }

  @Test
  void aTasksFutureReportsItsOutcome() throws Exception {
    DefaultTimer timer = new DefaultTimer("test-timer-");
    ScheduledFuture<?> fired = timer.schedule(() -> {}, 0, TimeUnit.MILLISECONDS);
    ScheduledFuture<?> failed =
        timer.schedule(
            () -> {
              throw new IllegalStateException("broken task");
            },
            0,
            TimeUnit.MILLISECONDS);
    ScheduledFuture<?> cancelled = timer.schedule(() -> {}, 1, TimeUnit.HOURS);

    assertNull(fired.get(PATIENCE, SECONDS));
    assertTrue(fired.isDone());
    assertFalse(fired.cancel(false), "a task that ran cannot be cancelled");
    ExecutionException failure =
        assertThrows(ExecutionException.class, () -> failed.get(PATIENCE, SECONDS));
    assertEquals("broken task", failure.getCause().getMessage());
    assertFalse(cancelled.isDone());
    assertThrows(TimeoutException.class, () -> cancelled.get(10, TimeUnit.MILLISECONDS));
    assertTrue(cancelled.cancel(false));
    assertFalse(cancelled.cancel(false), "cancelled twice");
    assertTrue(cancelled.isCancelled());
    assertTrue(cancelled.isDone());
    assertThrows(CancellationException.class, cancelled::get);
  }

  @Test
  void aFailingTaskDoesNotEndTheTimer() throws Exception {
    DefaultTimer timer = new DefaultTimer("test-timer-");
    timer.schedule(
        () -> {
          throw new IllegalStateException("broken task");
        },
        0,
        TimeUnit.MILLISECONDS);
    CountDownLatch ran = new CountDownLatch(1);
    timer.schedule(ran::countDown, 50, TimeUnit.MILLISECONDS);

    assertTrue(ran.await(PATIENCE, SECONDS));
  }

  @Test
  void deadlineFiresOnTheTimerThreadAndTheFallbackRunsOnTheExecutor() throws Exception {
    AtomicReference<String> timedOutOn = new AtomicReference<>();
    AtomicReference<String> fallbackOn = new AtomicReference<>();
    CountDownLatch release = new CountDownLatch(1);
    WorkflowListener listener =
        new WorkflowListener() {
          @Override
          public void onTimeout(WorkflowContext context, String step, Duration timeout) {
            timedOutOn.set(Thread.currentThread().getName());
          }
        };
    WorkflowRuntime runtime = WorkflowRuntime.builder().listener(listener).build();
    WorkflowPrimitive<String, String> stuck =
        LambdaPrimitive.of(
            "stuck",
            (String in) -> {
              release.await(PATIENCE, SECONDS);
              return in;
            });
    WorkflowPrimitive<String, String> guarded =
        FallbackPrimitive.<String, String>builder(
                TimeoutPrimitive.of(stuck, Duration.ofMillis(50), false))
            .recover(
                (in, cause, context) -> {
                  fallbackOn.set(Thread.currentThread().getName());
                  return cause instanceof TimeoutException ? "fallback" : "wrong cause " + cause;
                });
    try {
      CompletableFuture<String> result =
          guarded.execute("x", WorkflowContext.create("wf", runtime));

      assertEquals("fallback", result.get(PATIENCE, SECONDS));
      assertTrue(timedOutOn.get().startsWith("tta-timer-"), "deadline ran on " + timedOutOn);
      assertTrue(fallbackOn.get().startsWith("tta-worker-"), "fallback ran on " + fallbackOn);
    } finally {
      release.countDown();
    }
  }
}

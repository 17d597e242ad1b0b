package dev.tta.primitives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The default runtime's idle threads end when interrupted (e.g. by a container that interrupts the
 * threads it is shutting down), instead of living on. In a class of its own: it interrupts the
 * shared default threads.
 */
class IdleDefaultThreadsTest {

  private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(10);

  private static boolean isDefaultThread(Thread thread) {
    String name = thread.getName();
    return name.startsWith("tta-worker-") || name.startsWith("tta-timer-");
  }

  private static List<Thread> defaultThreads() {
    List<Thread> threads = new ArrayList<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (isDefaultThread(thread) && thread.isAlive()) {
        threads.add(thread);
      }
    }
    return threads;
  }

  /**
   * Whether {@code thread} runs workflow work: a step body (test code), an isolated call, a retry
   * or a deadline. Work of other test classes may still be ending on the shared threads.
   */
  private static boolean runsWorkflowWork(Thread thread) {
    for (StackTraceElement frame : thread.getStackTrace()) {
      String type = frame.getClassName();
      if (type.contains("Test")
          || type.startsWith("dev.failsafe.")
          || type.startsWith("dev.tta.primitives.IsolatedCall")
          || type.startsWith("dev.tta.primitives.Futures")
          || type.startsWith("dev.tta.primitives.DeadlineQueue")) {
        return true;
      }
    }
    return false;
  }

  private static void awaitNoWorkflowWork() throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE_NANOS;
    while (System.nanoTime() < deadline) {
      if (defaultThreads().stream().noneMatch(IdleDefaultThreadsTest::runsWorkflowWork)) {
        return;
      }
      Thread.sleep(10); // polling for the end of other classes' work: nothing to wait on
    }
  }

  // Issue 11, defect 9: idle default threads ignore interrupts.
  @Test
  void idleDefaultThreadsEndWhenInterrupted() throws Exception {
    WorkflowRuntime defaults = WorkflowRuntime.defaults();
    // A deadline that passes (so that no timer task is left pending) on a worker-thread step.
    WorkflowRunner<String, String> timed =
        WorkflowRunner.of(
            "Timed",
            StepPrimitive.of(
                "timed",
                TimeoutPrimitive.of(
                    LambdaPrimitive.of(
                        "timed",
                        (String in) -> {
                          new CountDownLatch(1).await(30, TimeUnit.SECONDS); // until interrupted
                          return in;
                        }),
                    Duration.ofMillis(100))),
            defaults);
    AtomicInteger calls = new AtomicInteger();
    WorkflowRunner<String, String> retried =
        WorkflowRunner.of(
            "Retried",
            StepPrimitive.of(
                "flaky",
                RetryPrimitive.of(
                    LambdaPrimitive.of(
                        "flaky",
                        (String in) -> {
                          if (calls.incrementAndGet() == 1) {
                            throw new IOException("first attempt fails");
                          }
                          return in + "?";
                        }),
                    RetryPolicy.builder()
                        .maxAttempts(2)
                        .delay(Duration.ofMillis(10))
                        .jitter(0)
                        .build())),
            defaults);
    // Worker threads and the timer, each used and then idle.
    WorkflowException timeout = assertThrows(WorkflowException.class, () -> timed.run("x"));
    assertInstanceOf(TimeoutException.class, timeout.getCause());
    assertEquals("x?", retried.run("x"));
    awaitNoWorkflowWork();

    List<Thread> threads = defaultThreads();
    assertTrue(threads.stream().anyMatch(t -> t.getName().startsWith("tta-worker-")), "no worker");
    assertTrue(threads.stream().anyMatch(t -> t.getName().startsWith("tta-timer-")), "no timer");
    for (Thread thread : threads) {
      thread.interrupt();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    List<String> alive = new ArrayList<>();
    for (Thread thread : threads) {
      thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      if (thread.isAlive()) {
        alive.add(thread.getName() + " (" + thread.getState() + ")");
      }
    }

    assertEquals(List.of(), alive, "default threads still alive 5 s after an interrupt");
  }
}

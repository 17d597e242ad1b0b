package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A listener that throws, even a checked exception it does not declare, changes nothing about the
 * run: the run ends as it would with no listener, and the failure is logged (once at WARNING per
 * listener and event, later ones below).
 */
class ThrowingListenerTest {

  private static final long PATIENCE_SECONDS = 10;

  // Held here: the runtime logs through System.Logger "dev.tta.primitives", by default this one.
  private final Logger log = Logger.getLogger("dev.tta.primitives");
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          records.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void attachHandler() {
    log.addHandler(handler);
  }

  @AfterEach
  void removeHandler() {
    log.removeHandler(handler);
    release.countDown();
  }

  /** Throws {@code t}, checked or not, from a method that declares nothing. */
  @SuppressWarnings("unchecked")
  static <T extends Throwable> void sneaky(Throwable t) throws T {
    throw (T) t;
  }

  private static WorkflowRunner<String, String> exclaim(WorkflowListener listener) {
    return WorkflowRunner.of(
        "W",
        StepPrimitive.of("exclaim", LambdaPrimitive.of("exclaim", (String in) -> in + "!")),
        WorkflowRuntime.builder().listener(listener).build());
  }

  private static <T> T valueWithin(CompletableFuture<T> run, String which) throws Exception {
    try {
      return run.get(PATIENCE_SECONDS, SECONDS);
    } catch (TimeoutException e) {
      return fail(which + " never completed (waited " + PATIENCE_SECONDS + " s)");
    }
  }

  private List<LogRecord> warnings() {
    List<LogRecord> warnings = new ArrayList<>();
    for (LogRecord record : records) {
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        warnings.add(record);
      }
    }
    return warnings;
  }

  // Issue 11, defect 4: a throwing listener hangs the run (onStepSuccess, runAsync).
  @Test
  void checkedThrowFromOnStepSuccessLeavesRunAsyncUnchanged() throws Exception {
    WorkflowRunner<String, String> workflow =
        exclaim(
            new WorkflowListener() {
              @Override
              public void onStepSuccess(WorkflowContext context, String step, Duration elapsed) {
                sneaky(new IOException("listener failed"));
              }
            });

    assertEquals("x!", valueWithin(workflow.runAsync("x"), "runAsync's future"));
  }

  // Issue 11, defect 4: a throwing listener hangs the run (onStepSuccess, run).
  @Test
  void checkedThrowFromOnStepSuccessLeavesRunUnchanged() {
    WorkflowRunner<String, String> workflow =
        exclaim(
            new WorkflowListener() {
              @Override
              public void onStepSuccess(WorkflowContext context, String step, Duration elapsed) {
                sneaky(new IOException("listener failed"));
              }
            });

    String value =
        assertTimeoutPreemptively(
            Duration.ofSeconds(PATIENCE_SECONDS), () -> workflow.run("x"), "run() never returned");
    assertEquals("x!", value);
  }

  // Issue 11, defect 4: a throwing listener fails the run (onWorkflowStart).
  @Test
  void checkedThrowFromOnWorkflowStartLeavesRunUnchanged() throws Exception {
    WorkflowRunner<String, String> workflow =
        exclaim(
            new WorkflowListener() {
              @Override
              public void onWorkflowStart(WorkflowContext context) {
                sneaky(new IOException("listener failed"));
              }
            });

    assertEquals("x!", assertDoesNotThrow(() -> workflow.run("x")));
    assertEquals("x!", valueWithin(workflow.runAsync("x"), "runAsync's future"));
  }

  // Issue 11, defect 4: a throwing listener changes the run (onRetry).
  @Test
  void checkedThrowFromOnRetryLeavesTheRetryUnchanged() {
    AtomicInteger calls = new AtomicInteger();
    LambdaPrimitive<String, String> flaky =
        LambdaPrimitive.of(
            "flaky",
            (String in) -> {
              if (calls.incrementAndGet() == 1) {
                throw new IOException("first attempt fails");
              }
              return in + "!";
            });
    RetryPolicy policy =
        RetryPolicy.builder().maxAttempts(3).delay(Duration.ofMillis(1)).jitter(0).build();
    WorkflowRunner<String, String> workflow =
        WorkflowRunner.of(
            "W",
            StepPrimitive.of("flaky", RetryPrimitive.of(flaky, policy)),
            WorkflowRuntime.builder()
                .listener(
                    new WorkflowListener() {
                      @Override
                      public void onRetry(
                          WorkflowContext context,
                          String step,
                          int nextAttempt,
                          Throwable failure,
                          Duration delay) {
                        sneaky(new IOException("listener failed"));
                      }
                    })
                .build());

    String value =
        assertTimeoutPreemptively(
            Duration.ofSeconds(PATIENCE_SECONDS),
            () -> assertDoesNotThrow(() -> workflow.run("x")),
            "run() never returned");
    assertEquals("x!", value);
    assertEquals(2, calls.get(), "attempts");
  }

  // Issue 11, defect 4: a throwing listener changes the run (onTimeout).
  @Test
  void checkedThrowFromOnTimeoutLeavesTheTimeoutUnchanged() throws Exception {
    CountDownLatch interrupted = new CountDownLatch(1);
    LambdaPrimitive<String, String> slow =
        LambdaPrimitive.of(
            "slow",
            (String in) -> {
              try {
                release.await(PATIENCE_SECONDS * 3, SECONDS);
              } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
              }
              return in;
            });
    WorkflowRunner<String, String> workflow =
        WorkflowRunner.of(
            "W",
            StepPrimitive.of("slow", TimeoutPrimitive.of(slow, Duration.ofMillis(100))),
            WorkflowRuntime.builder()
                .listener(
                    new WorkflowListener() {
                      @Override
                      public void onTimeout(
                          WorkflowContext context, String step, Duration timeout) {
                        sneaky(new IOException("listener failed"));
                      }
                    })
                .build());

    WorkflowException failure =
        assertTimeoutPreemptively(
            Duration.ofSeconds(PATIENCE_SECONDS),
            () -> assertThrows(WorkflowException.class, () -> workflow.run("x")),
            "run() never returned");
    assertInstanceOf(TimeoutException.class, failure.getCause());
    // As with no listener: the late step is interrupted at the deadline.
    assertTrue(
        interrupted.await(PATIENCE_SECONDS, SECONDS),
        "the late step was not interrupted at its deadline");
  }

  // Issue 11, defect 4: a throwing listener is logged once at WARNING, not once per run.
  @Test
  void checkedThrowsFromOnStepSuccessAreLoggedOnceAtWarning() throws Exception {
    List<IOException> thrown = new CopyOnWriteArrayList<>();
    WorkflowRunner<String, String> workflow =
        exclaim(
            new WorkflowListener() {
              @Override
              public void onStepSuccess(WorkflowContext context, String step, Duration elapsed) {
                IOException e = new IOException("listener failed " + (thrown.size() + 1));
                thrown.add(e);
                sneaky(e);
              }
            });

    for (int i = 1; i <= 50; i++) {
      assertEquals("x!", valueWithin(workflow.runAsync("x"), "run " + i));
    }

    assertEquals(50, thrown.size());
    List<LogRecord> warnings = warnings();
    assertEquals(1, warnings.size(), "records at WARNING or above");
    assertEquals(Level.WARNING, warnings.get(0).getLevel());
    assertSame(thrown.get(0), warnings.get(0).getThrown());
  }

  // Issue 11, defect 4: the same for an unchecked throw, which is caught today.
  @Test
  void uncheckedThrowsFromOnStepSuccessAreLoggedOnceAtWarning() throws Exception {
    List<RuntimeException> thrown = new CopyOnWriteArrayList<>();
    WorkflowRunner<String, String> workflow =
        exclaim(
            new WorkflowListener() {
              @Override
              public void onStepSuccess(WorkflowContext context, String step, Duration elapsed) {
                RuntimeException e =
                    new IllegalStateException("listener failed " + (thrown.size() + 1));
                thrown.add(e);
                throw e;
              }
            });

    for (int i = 1; i <= 50; i++) {
      assertEquals("x!", valueWithin(workflow.runAsync("x"), "run " + i));
    }

    assertEquals(50, thrown.size());
    List<LogRecord> warnings = warnings();
    assertEquals(1, warnings.size(), "records at WARNING or above");
    assertEquals(Level.WARNING, warnings.get(0).getLevel());
    assertSame(thrown.get(0), warnings.get(0).getThrown());
  }
}

package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.testing.VirtualTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A stop that does not allow interruption ({@code cancel(false)}, a timeout built with {@code
 * interrupt = false}) cancels nested isolated work without interrupting its thread.
 */
class NonInterruptingCancellationTest {

  private static final long PATIENCE_SECONDS = 10;

  /** A blocking step that waits for {@code release} and records whether it was interrupted. */
  private static final class Probe {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch done = new CountDownLatch(1);
    final AtomicBoolean interrupted = new AtomicBoolean();

    LambdaPrimitive<String, String> step() {
      return LambdaPrimitive.of(
          "probe",
          (in, ctx) -> {
            started.countDown();
            try {
              release.await(PATIENCE_SECONDS * 3, SECONDS);
            } catch (InterruptedException e) {
              interrupted.set(true);
            } finally {
              done.countDown();
            }
            return in;
          });
    }

    /** Lets the step end and reports whether it was interrupted before. */
    boolean releaseAndReport() throws InterruptedException {
      release.countDown();
      assertTrue(done.await(PATIENCE_SECONDS, SECONDS), "the step did not end");
      return interrupted.get();
    }

    void awaitStarted() throws InterruptedException {
      assertTrue(started.await(PATIENCE_SECONDS, SECONDS), "the step never started");
    }
  }

  @Test
  void nonInterruptingTimeoutDoesNotInterruptANestedParallelBranch() throws Exception {
    VirtualTime time = new VirtualTime();
    Probe probe = new Probe();
    WorkflowPrimitive<String, List<String>> parallel = ParallelPrimitive.of(List.of(probe.step()));

    CompletableFuture<List<String>> result =
        TimeoutPrimitive.of(parallel, Duration.ofMillis(50), false)
            .execute("x", WorkflowContext.create("wf", time.runtime()));
    probe.awaitStarted();
    time.advance(Duration.ofMillis(50));

    ExecutionException e = assertThrows(ExecutionException.class, () -> result.get(0, SECONDS));
    assertInstanceOf(TimeoutException.class, e.getCause());
    assertFalse(probe.releaseAndReport(), "interrupt=false, yet the nested branch was interrupted");
  }

  @Test
  void interruptingTimeoutInterruptsANestedParallelBranch() throws Exception {
    VirtualTime time = new VirtualTime();
    Probe probe = new Probe();
    WorkflowPrimitive<String, List<String>> parallel = ParallelPrimitive.of(List.of(probe.step()));

    TimeoutPrimitive.of(parallel, Duration.ofMillis(50))
        .execute("x", WorkflowContext.create("wf", time.runtime()));
    probe.awaitStarted();
    time.advance(Duration.ofMillis(50));

    assertTrue(probe.done.await(PATIENCE_SECONDS, SECONDS), "the branch was not interrupted");
    assertTrue(probe.interrupted.get());
  }

  @Test
  void cancelFalseOnAParallelStageCancelsWithoutInterrupting() throws Exception {
    Probe probe = new Probe();
    CompletableFuture<List<String>> result =
        ParallelPrimitive.of(List.of(probe.step())).execute("x", WorkflowContext.create("wf"));
    probe.awaitStarted();

    assertTrue(result.cancel(false));

    assertTrue(result.isCancelled());
    assertFalse(probe.releaseAndReport(), "cancel(false) interrupted the branch");
  }

  @Test
  void cancelFalseOnAForEachCancelsWithoutInterrupting() throws Exception {
    Probe probe = new Probe();
    CompletableFuture<List<String>> result =
        ParallelPrimitive.forEach(probe.step(), 1)
            .execute(List.of("x"), WorkflowContext.create("wf"));
    probe.awaitStarted();

    assertTrue(result.cancel(false));

    assertFalse(probe.releaseAndReport(), "cancel(false) interrupted the element");
  }

  @Test
  void cancelFalseOnRunAsyncCancelsWithoutInterrupting() throws Exception {
    Probe probe = new Probe();
    CompletableFuture<String> run =
        WorkflowRunner.of("wf", probe.step(), WorkflowRuntime.defaults()).runAsync("x");
    probe.awaitStarted();

    assertTrue(run.cancel(false));

    assertFalse(probe.releaseAndReport(), "cancel(false) interrupted the run's step");
  }
}

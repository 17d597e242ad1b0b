package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.testing.MockPrimitive;
import dev.tta.primitives.testing.VirtualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TimeoutPrimitiveTest {

  /** Generous: a real-time wait that should end far sooner, so a busy machine never flakes. */
  private static final long PATIENCE_SECONDS = 10;

  private static final Duration SHORT = Duration.ofMillis(200);

  private final VirtualTime time = new VirtualTime();
  private final WorkflowContext virtual = WorkflowContext.create("wf", time.runtime());
  private final WorkflowContext real = WorkflowContext.create("wf");

  /** Waits for a real-time future to fail and returns its failure as the caller sees it. */
  private static Throwable awaitFailure(CompletableFuture<?> future) {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> future.get(PATIENCE_SECONDS, SECONDS));
    return e.getCause();
  }

  private static Throwable failureOf(CompletableFuture<?> done) {
    assertTrue(done.isDone(), "not done");
    ExecutionException e = assertThrows(ExecutionException.class, () -> done.get(0, SECONDS));
    return e.getCause();
  }

  private static void await(CountDownLatch latch, String what) throws InterruptedException {
    assertTrue(latch.await(PATIENCE_SECONDS, SECONDS), "timed out waiting until " + what);
  }

  // ---- blocking steps on real threads ----

  @Test
  void overrunningBlockingStepFailsWithTimeoutException() {
    LambdaPrimitive<String, String> sleeper =
        LambdaPrimitive.of(
            "sleeper",
            (in, ctx) -> {
              Thread.sleep(2_000);
              return "late";
            });

    CompletableFuture<String> result = TimeoutPrimitive.of(sleeper, SHORT).execute("in", real);

    assertInstanceOf(TimeoutException.class, awaitFailure(result));
  }

  @Test
  void callerIsReleasedAtTheDeadlineNotWhenTheBlockingStepEnds() {
    LambdaPrimitive<String, String> sleeper =
        LambdaPrimitive.of(
            "sleeper",
            (in, ctx) -> {
              Thread.sleep(2_000);
              return "late";
            });

    long start = System.nanoTime();
    CompletableFuture<String> result = TimeoutPrimitive.of(sleeper, SHORT).execute("in", real);
    awaitFailure(result);
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;

    assertTrue(elapsedMs >= SHORT.toMillis() - 20, "released before the deadline: " + elapsedMs);
    assertTrue(elapsedMs < 1_500, "released after " + elapsedMs + "ms, not at the deadline");
  }

  @Test
  void executeReturnsWithoutRunningTheBlockingStepOnTheCallersThread() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    LambdaPrimitive<String, String> step =
        LambdaPrimitive.of(
            "step",
            (in, ctx) -> {
              ranOn.set(Thread.currentThread());
              release.await(PATIENCE_SECONDS, SECONDS);
              return "done";
            });

    CompletableFuture<String> result;
    try {
      result = TimeoutPrimitive.of(step, Duration.ofSeconds(PATIENCE_SECONDS)).execute("in", real);
      assertFalse(result.isDone(), "execute held the caller until the step ended");
    } finally {
      release.countDown();
    }

    assertEquals("done", result.get(PATIENCE_SECONDS, SECONDS));
    assertNotSame(Thread.currentThread(), ranOn.get(), "the step ran on the caller's thread");
  }

  @Test
  void stepThatSwallowsInterruptsStillReleasesTheCallerAtTheDeadline() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    LambdaPrimitive<String, String> stubborn =
        LambdaPrimitive.of(
            "stubborn",
            (in, ctx) -> {
              while (true) {
                try {
                  if (release.await(PATIENCE_SECONDS, SECONDS)) {
                    return "late";
                  }
                } catch (InterruptedException ignored) {
                  interrupted.countDown(); // and carry on regardless
                }
              }
            });

    try {
      long start = System.nanoTime();
      CompletableFuture<String> result = TimeoutPrimitive.of(stubborn, SHORT).execute("in", real);
      Throwable failure = awaitFailure(result);
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;

      assertInstanceOf(TimeoutException.class, failure);
      assertTrue(elapsedMs < 1_500, "released after " + elapsedMs + "ms");
      await(interrupted, "the stubborn step was interrupted");
    } finally {
      release.countDown();
    }
  }

  @Test
  void busyLoopIgnoringInterruptsStillReleasesTheCallerAtTheDeadline() {
    AtomicBoolean stop = new AtomicBoolean();
    LambdaPrimitive<String, String> spinner =
        LambdaPrimitive.of(
            "spinner",
            (in, ctx) -> {
              long deadline = System.nanoTime() + SECONDS.toNanos(PATIENCE_SECONDS);
              while (!stop.get() && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // never looks at the interrupt flag
              }
              return "late";
            });

    try {
      long start = System.nanoTime();
      CompletableFuture<String> result = TimeoutPrimitive.of(spinner, SHORT).execute("in", real);
      Throwable failure = awaitFailure(result);
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;

      assertInstanceOf(TimeoutException.class, failure);
      assertTrue(elapsedMs < 1_500, "released after " + elapsedMs + "ms");
    } finally {
      stop.set(true);
    }
  }

  @Test
  void lateBlockingStepIsInterruptedWhenInterruptIsOn() throws Exception {
    CountDownLatch interrupted = new CountDownLatch(1);
    LambdaPrimitive<String, String> sleeper =
        LambdaPrimitive.of(
            "sleeper",
            (in, ctx) -> {
              try {
                Thread.sleep(SECONDS.toMillis(PATIENCE_SECONDS));
              } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
              }
              return "late";
            });

    CompletableFuture<String> result =
        TimeoutPrimitive.of(sleeper, Duration.ofMillis(100), true).execute("in", real);

    await(interrupted, "the late step was interrupted");
    assertInstanceOf(TimeoutException.class, awaitFailure(result));
  }

  @Test
  void lateBlockingStepIsNotInterruptedWhenInterruptIsOff() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch finished = new CountDownLatch(1);
    AtomicInteger interrupts = new AtomicInteger();
    LambdaPrimitive<String, String> waiter =
        LambdaPrimitive.of(
            "waiter",
            (in, ctx) -> {
              try {
                while (true) {
                  try {
                    if (release.await(PATIENCE_SECONDS, SECONDS)) {
                      return "late";
                    }
                  } catch (InterruptedException e) {
                    interrupts.incrementAndGet();
                  }
                }
              } finally {
                finished.countDown();
              }
            });

    CompletableFuture<String> result;
    try {
      result = TimeoutPrimitive.of(waiter, Duration.ofMillis(100), false).execute("in", real);
      assertInstanceOf(TimeoutException.class, awaitFailure(result));
    } finally {
      release.countDown();
    }
    await(finished, "the late step ended");

    assertEquals(0, interrupts.get());
  }

  @Test
  void fastBlockingStepSucceedsAndDisarmsTheTimer() throws Exception {
    LambdaPrimitive<String, String> fast = LambdaPrimitive.of("fast", (in, ctx) -> in + "!");

    CompletableFuture<String> result =
        TimeoutPrimitive.of(fast, Duration.ofSeconds(1)).execute("in", virtual);

    assertEquals("in!", result.get(PATIENCE_SECONDS, SECONDS));
    assertEquals(List.of(Duration.ofSeconds(1)), time.scheduledDelays());
    assertEquals(0, time.pendingTasks());
  }

  @Test
  void cancellingTheResultInterruptsARunningBlockingStep() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    LambdaPrimitive<String, String> sleeper =
        LambdaPrimitive.of(
            "sleeper",
            (in, ctx) -> {
              started.countDown();
              try {
                Thread.sleep(SECONDS.toMillis(PATIENCE_SECONDS));
              } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
              }
              return "late";
            });

    CompletableFuture<String> result =
        TimeoutPrimitive.of(sleeper, Duration.ofSeconds(PATIENCE_SECONDS)).execute("in", real);
    await(started, "the step started");
    assertTrue(result.cancel(true));

    await(interrupted, "the cancelled step was interrupted");
  }

  @Test
  void cancellingTheResultCancelsTheStepAndDisarmsTheTimer() {
    CompletableFuture<String> never = new CompletableFuture<>();
    LambdaPrimitive<String, String> hanging =
        LambdaPrimitive.ofAsync("hanging", (in, ctx) -> never);

    CompletableFuture<String> result = TimeoutPrimitive.of(hanging, SHORT).execute("in", virtual);
    result.cancel(true);

    assertTrue(never.isCancelled(), "the step's own future was not cancelled");
    assertEquals(0, time.pendingTasks());
  }

  @Test
  void lateInterruptDoesNotLeakIntoTheWorkerThreadsNextTask() throws Exception {
    try (OneThread worker = new OneThread()) {
      WorkflowContext context = onVirtualTime(worker);
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      AtomicBoolean interruptedAtExit = new AtomicBoolean();
      LambdaPrimitive<String, String> spinner =
          LambdaPrimitive.of(
              "spinner",
              (in, ctx) -> {
                started.countDown();
                while (release.getCount() > 0) {
                  Thread.onSpinWait(); // leaves the interrupt flag set
                }
                interruptedAtExit.set(Thread.currentThread().isInterrupted());
                return "late";
              });
      LambdaPrimitive<String, Boolean> probe =
          LambdaPrimitive.of("probe", (in, ctx) -> Thread.currentThread().isInterrupted());

      CompletableFuture<String> late = TimeoutPrimitive.of(spinner, SHORT).execute("in", context);
      await(started, "the spinner started");
      time.advance(SHORT); // the deadline interrupts the worker thread
      assertInstanceOf(TimeoutException.class, failureOf(late));
      release.countDown();
      CompletableFuture<Boolean> next =
          TimeoutPrimitive.of(probe, Duration.ofMinutes(1)).execute("in", context);

      assertFalse(next.get(PATIENCE_SECONDS, SECONDS), "the next task saw the late interrupt");
      assertTrue(interruptedAtExit.get(), "test setup: the spinner was never interrupted");
      assertEquals(0, worker.interruptedAfterTasks());
    }
  }

  @Test
  void blockingStepStillQueuedAtTheDeadlineNeverRuns() throws Exception {
    try (OneThread worker = new OneThread()) {
      WorkflowContext context = onVirtualTime(worker);
      CountDownLatch unblock = new CountDownLatch(1);
      worker.execute(
          () -> {
            try {
              unblock.await(PATIENCE_SECONDS, SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
      AtomicInteger runs = new AtomicInteger();
      LambdaPrimitive<String, String> queued =
          LambdaPrimitive.of(
              "queued",
              (in, ctx) -> {
                runs.incrementAndGet();
                return "ran";
              });

      CompletableFuture<String> result = TimeoutPrimitive.of(queued, SHORT).execute("in", context);
      time.advance(SHORT);
      assertInstanceOf(TimeoutException.class, failureOf(result));
      unblock.countDown();
      worker.drain();

      assertEquals(0, runs.get());
    }
  }

  private WorkflowContext onVirtualTime(OneThread worker) {
    return WorkflowContext.create(
        "wf", WorkflowRuntime.builder().executor(worker).clock(time).scheduler(time).build());
  }

  /**
   * An executor with one thread that, unlike a ThreadPoolExecutor, does not clear the interrupt
   * flag between tasks, and counts the tasks that leave it set.
   */
  private static final class OneThread implements Executor, AutoCloseable {
    private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final AtomicInteger interruptedAfterTasks = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread thread = new Thread(this::serve, "one-thread");

    OneThread() {
      thread.setDaemon(true);
      thread.start();
    }

    private void serve() {
      while (!closed.get()) {
        try {
          tasks.take().run();
        } catch (InterruptedException e) {
          interruptedAfterTasks.incrementAndGet(); // a flag left over from the previous task
          continue;
        }
        if (Thread.currentThread().isInterrupted()) {
          interruptedAfterTasks.incrementAndGet();
        }
      }
    }

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
    }

    int interruptedAfterTasks() {
      return interruptedAfterTasks.get();
    }

    /** Waits until every task submitted so far has run. */
    void drain() throws InterruptedException {
      CountDownLatch drained = new CountDownLatch(1);
      execute(drained::countDown);
      await(drained, "the worker drained its queue");
    }

    @Override
    public void close() {
      closed.set(true);
      tasks.add(() -> {});
    }
  }

  // ---- non-blocking steps on virtual time ----

  @Test
  void asyncStepTimesOutAtExactlyTheVirtualDeadline() {
    MockPrimitive<String, String> slow =
        MockPrimitive.<String, String>named("slow")
            .thenReturn("late")
            .withDelay(Duration.ofSeconds(1));
    AtomicLong failedAtNanos = new AtomicLong(-1);

    CompletableFuture<String> result = TimeoutPrimitive.of(slow, SHORT).execute("in", virtual);
    result.whenComplete((value, error) -> failedAtNanos.set(time.nanoTime()));
    time.advance(SHORT.minusNanos(1));
    assertFalse(result.isDone(), "timed out before the deadline");

    time.advance(Duration.ofNanos(1));

    assertInstanceOf(TimeoutException.class, failureOf(result));
    assertEquals(SHORT.toNanos(), failedAtNanos.get());
  }

  @Test
  void lateAsyncStepIsCancelledAtTheDeadline() {
    MockPrimitive<String, String> slow =
        MockPrimitive.<String, String>named("slow")
            .thenReturn("late")
            .withDelay(Duration.ofSeconds(1));

    TimeoutPrimitive.of(slow, SHORT).execute("in", virtual);
    time.advance(Duration.ofSeconds(5));

    assertEquals(1, slow.cancellations());
  }

  @Test
  void timeoutExceptionIsTheUnwrappedFailureOfTheFuture() {
    MockPrimitive<String, String> slow =
        MockPrimitive.<String, String>named("slow")
            .thenReturn("late")
            .withDelay(Duration.ofSeconds(1));
    List<Throwable> seen = Collections.synchronizedList(new ArrayList<>());

    CompletableFuture<String> result = TimeoutPrimitive.of(slow, SHORT).execute("in", virtual);
    result.whenComplete((value, error) -> seen.add(error));
    time.advance(SHORT);

    assertEquals(1, seen.size());
    assertInstanceOf(TimeoutException.class, seen.get(0));
  }

  @Test
  void fastAsyncStepSucceedsAndDisarmsTheTimer() {
    MockPrimitive<String, String> quick =
        MockPrimitive.<String, String>named("quick")
            .thenReturn("ok")
            .withDelay(Duration.ofMillis(50));

    CompletableFuture<String> result = TimeoutPrimitive.of(quick, SHORT).execute("in", virtual);
    time.advance(Duration.ofMillis(50));

    assertEquals("ok", result.getNow("not done"));
    assertEquals(0, time.pendingTasks());
  }

  @Test
  void asyncStepFailureBeforeTheDeadlinePassesThroughUnchanged() {
    IllegalStateException down = new IllegalStateException("down");
    MockPrimitive<String, String> failing =
        MockPrimitive.<String, String>named("failing")
            .thenFail(down)
            .withDelay(Duration.ofMillis(50));

    CompletableFuture<String> result = TimeoutPrimitive.of(failing, SHORT).execute("in", virtual);
    time.advance(Duration.ofMillis(50));

    assertSame(down, failureOf(result));
    assertEquals(0, time.pendingTasks());
  }

  @Test
  void alreadyCompletedStepArmsNoTimer() {
    MockPrimitive<String, String> instant = MockPrimitive.returning("ok");

    CompletableFuture<String> result = TimeoutPrimitive.of(instant, SHORT).execute("in", virtual);

    assertEquals("ok", result.getNow("not done"));
    assertEquals(List.of(), time.scheduledDelays());
  }

  // ---- with retry ----

  @Test
  void eachRetryAttemptGetsItsOwnDeadline() {
    // attempts take 300, 300 and 150 ms: the first two overrun 200 ms, the third does not,
    // although by then far more than 200 ms have passed since the first attempt began.
    long[] takesMs = {300, 300, 150};
    AtomicInteger attempt = new AtomicInteger();
    List<CompletableFuture<String>> attempts = Collections.synchronizedList(new ArrayList<>());
    LambdaPrimitive<String, String> flaky =
        LambdaPrimitive.ofAsync(
            "flaky",
            (in, ctx) -> {
              int n = attempt.getAndIncrement();
              CompletableFuture<String> answer = new CompletableFuture<>();
              attempts.add(answer);
              time.schedule(() -> answer.complete("attempt " + (n + 1)), takesMs[n], MILLISECONDS);
              return answer;
            });
    RetryPolicy policy =
        RetryPolicy.builder()
            .maxAttempts(3)
            .delay(Duration.ofMillis(100))
            .backoff(1.0)
            .jitter(0.0)
            .build();

    CompletableFuture<String> result =
        RetryPrimitive.of(TimeoutPrimitive.of(flaky, SHORT), policy).execute("in", virtual);
    time.advance(Duration.ofSeconds(5));

    assertEquals("attempt 3", result.getNow("not done"));
    assertTrue(attempts.get(0).isCancelled() && attempts.get(1).isCancelled());
  }

  @Test
  void timeoutsAreRetriedUntilAttemptsRunOut() {
    MockPrimitive<String, String> slow =
        MockPrimitive.<String, String>named("slow")
            .thenReturn("late")
            .withDelay(Duration.ofSeconds(1));
    RetryPolicy policy =
        RetryPolicy.builder()
            .maxAttempts(3)
            .delay(Duration.ofMillis(100))
            .backoff(1.0)
            .jitter(0.0)
            .build();

    CompletableFuture<String> result =
        RetryPrimitive.of(TimeoutPrimitive.of(slow, SHORT), policy).execute("in", virtual);
    time.advance(Duration.ofSeconds(5));

    WorkflowException failure = assertInstanceOf(WorkflowException.class, failureOf(result));
    assertEquals(3, failure.attempts());
    assertInstanceOf(TimeoutException.class, failure.getCause());
    assertEquals(3, slow.cancellations());
  }

  @Test
  void blockingStepUnderRetryIsTimedPerAttempt() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    LambdaPrimitive<String, String> slowThenFast =
        LambdaPrimitive.of(
            "slowThenFast",
            (in, ctx) -> {
              if (calls.incrementAndGet() == 1) {
                Thread.sleep(SECONDS.toMillis(PATIENCE_SECONDS));
              }
              return "ok";
            });
    RetryPolicy policy =
        RetryPolicy.builder()
            .maxAttempts(2)
            .delay(Duration.ofMillis(10))
            .backoff(1.0)
            .jitter(0.0)
            .build();

    CompletableFuture<String> result =
        RetryPrimitive.of(TimeoutPrimitive.of(slowThenFast, Duration.ofMillis(100)), policy)
            .execute("in", real);

    assertEquals("ok", result.get(PATIENCE_SECONDS, SECONDS));
    assertEquals(2, calls.get());
  }

  @Test
  void cancellingARetriedTimedStepInterruptsTheAttemptInFlight() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch secondStarted = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    LambdaPrimitive<String, String> step =
        LambdaPrimitive.of(
            "step",
            (in, ctx) -> {
              if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("first attempt fails");
              }
              secondStarted.countDown();
              try {
                Thread.sleep(SECONDS.toMillis(PATIENCE_SECONDS));
              } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
              }
              return "late";
            });
    RetryPolicy policy =
        RetryPolicy.builder()
            .maxAttempts(3)
            .delay(Duration.ofMillis(10))
            .backoff(1.0)
            .jitter(0.0)
            .build();

    CompletableFuture<String> result =
        RetryPrimitive.of(TimeoutPrimitive.of(step, Duration.ofSeconds(PATIENCE_SECONDS)), policy)
            .execute("in", real);
    await(secondStarted, "the second attempt started");
    result.cancel(true);

    await(interrupted, "the second attempt was interrupted");
    assertEquals(2, calls.get());
  }

  @Test
  void timeoutAroundRetryStopsAllAttemptsAtTheDeadline() {
    MockPrimitive<String, String> step =
        MockPrimitive.<String, String>named("step")
            .thenFail(new IllegalStateException("down"))
            .withDelay(Duration.ofMillis(100));
    RetryPolicy policy =
        RetryPolicy.builder()
            .maxAttempts(5)
            .delay(Duration.ofMillis(100))
            .backoff(1.0)
            .jitter(0.0)
            .build();

    CompletableFuture<String> result =
        TimeoutPrimitive.of(RetryPrimitive.of(step, policy), Duration.ofMillis(250))
            .execute("in", virtual);
    time.advance(Duration.ofMillis(250)); // attempt 1: 0-100 ms, attempt 2 from 200 ms
    assertInstanceOf(TimeoutException.class, failureOf(result));
    time.advance(Duration.ofSeconds(5));

    assertEquals(2, step.calls());
    assertEquals(1, step.cancellations());
  }

  // ---- events and arguments ----

  record TimeoutEvent(String step, Duration timeout) {}

  @Test
  void timeoutEventFiresWithTheStepAndTheDeadline() {
    List<TimeoutEvent> events = Collections.synchronizedList(new ArrayList<>());
    WorkflowRuntime runtime =
        WorkflowRuntime.builder()
            .clock(time)
            .scheduler(time)
            .listener(
                new WorkflowListener() {
                  @Override
                  public void onTimeout(WorkflowContext c, String step, Duration timeout) {
                    events.add(new TimeoutEvent(step, timeout));
                  }
                })
            .build();
    MockPrimitive<String, String> slow =
        MockPrimitive.<String, String>named("slow")
            .thenReturn("late")
            .withDelay(Duration.ofSeconds(1));

    TimeoutPrimitive.of(slow, SHORT).execute("in", WorkflowContext.create("wf", runtime));
    time.advance(Duration.ofSeconds(5));

    assertEquals(List.of(new TimeoutEvent("slow", SHORT)), events);
  }

  @Test
  void noTimeoutEventWhenTheStepFinishesInTime() {
    AtomicInteger timeouts = new AtomicInteger();
    WorkflowRuntime runtime =
        WorkflowRuntime.builder()
            .clock(time)
            .scheduler(time)
            .listener(
                new WorkflowListener() {
                  @Override
                  public void onTimeout(WorkflowContext c, String step, Duration timeout) {
                    timeouts.incrementAndGet();
                  }
                })
            .build();
    MockPrimitive<String, String> quick =
        MockPrimitive.<String, String>named("quick")
            .thenReturn("ok")
            .withDelay(Duration.ofMillis(50));

    TimeoutPrimitive.of(quick, SHORT).execute("in", WorkflowContext.create("wf", runtime));
    time.advance(Duration.ofSeconds(5));

    assertEquals(0, timeouts.get());
  }

  @Test
  void zeroOrNegativeTimeoutIsRejected() {
    MockPrimitive<String, String> step = MockPrimitive.returning("ok");

    assertThrows(IllegalArgumentException.class, () -> TimeoutPrimitive.of(step, Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class, () -> TimeoutPrimitive.of(step, Duration.ofMillis(-1)));
  }

  @Test
  void aDeadlineBeyondTheNanosecondRangeNeverFires() {
    TimeoutPrimitive<String, String> timeout =
        TimeoutPrimitive.of(LambdaPrimitive.of("fast", (String s) -> s), Duration.ofDays(300_000));

    assertEquals("ok", timeout.execute("ok", real).join());
  }
}

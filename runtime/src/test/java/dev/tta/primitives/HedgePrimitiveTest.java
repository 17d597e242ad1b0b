package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.testing.MockPrimitive;
import dev.tta.primitives.testing.VirtualTime;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HedgePrimitiveTest {

  /** Generous: a real-time wait that should end far sooner, so a busy machine never flakes. */
  private static final long PATIENCE_SECONDS = 10;

  private static final Duration DELAY = Duration.ofMillis(100);

  private final VirtualTime time = new VirtualTime();
  private final WorkflowContext context = WorkflowContext.create("wf", time.runtime());

  /**
   * A non-blocking step whose calls stay pending until the test completes them; records when (on
   * the virtual clock) each call started. Calls listed in {@link #immediately} succeed at once.
   */
  private final class Pending implements WorkflowPrimitive<String, String> {
    final List<CompletableFuture<String>> calls = new ArrayList<>();
    final List<Long> startedAtMillis = new ArrayList<>();
    final Map<Integer, String> immediately = new HashMap<>();

    @Override
    public synchronized CompletableFuture<String> execute(String input, WorkflowContext ctx) {
      startedAtMillis.add(Duration.ofNanos(time.nanoTime()).toMillis());
      String now = immediately.get(calls.size());
      CompletableFuture<String> call =
          now != null ? CompletableFuture.completedFuture(now) : new CompletableFuture<>();
      calls.add(call);
      return call;
    }

    synchronized int count() {
      return calls.size();
    }

    synchronized CompletableFuture<String> call(int index) {
      return calls.get(index);
    }

    @Override
    public String name() {
      return "fetch";
    }

    @Override
    public boolean isBlocking() {
      return false;
    }
  }

  private static Throwable failureOf(CompletableFuture<?> done) {
    assertTrue(done.isDone(), "not done");
    ExecutionException e = assertThrows(ExecutionException.class, () -> done.get(0, SECONDS));
    return e.getCause();
  }

  private static void await(CountDownLatch latch, String what) throws InterruptedException {
    assertTrue(latch.await(PATIENCE_SECONDS, SECONDS), "timed out waiting until " + what);
  }

  // ---- settings ----

  @Test
  void rejectsANegativeDelayNamingIt() {
    MockPrimitive<String, String> step = MockPrimitive.returning("x");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> HedgePrimitive.of(step, Duration.ofMillis(-1), 2));
    assertTrue(e.getMessage().startsWith("delay = "), e.getMessage());
    assertTrue(e.getMessage().contains("must not be negative"), e.getMessage());
  }

  @Test
  void rejectsFewerThanTwoCallsNamingMax() {
    MockPrimitive<String, String> step = MockPrimitive.returning("x");
    for (int max : new int[] {1, 0, -3}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> HedgePrimitive.of(step, DELAY, max));
      assertTrue(e.getMessage().startsWith("max = " + max), e.getMessage());
      assertTrue(e.getMessage().contains(">= 2"), e.getMessage());
    }
  }

  @Test
  void acceptsTheBoundsAndHasTheAnnotationsDefaults() {
    MockPrimitive<String, String> step = MockPrimitive.returning("x");
    HedgePrimitive<String, String> hedge = HedgePrimitive.of(step, Duration.ZERO, 2);
    assertEquals(Duration.ZERO, hedge.delay());
    assertEquals(2, hedge.max());
    HedgePrimitive<String, String> defaults = HedgePrimitive.of(step);
    assertEquals(Duration.ofMillis(100), defaults.delay());
    assertEquals(2, defaults.max());
    assertThrows(NullPointerException.class, () -> HedgePrimitive.of(null, DELAY, 2));
    assertThrows(NullPointerException.class, () -> HedgePrimitive.of(step, null, 2));
    assertEquals(step.name(), hedge.name());
    assertFalse(hedge.isBlocking(), "the caller is never held");
  }

  // ---- the happy path ----

  @Test
  void aCallThatFinishesAtOnceArmsNoTimer() {
    MockPrimitive<String, String> step = MockPrimitive.returning("value");

    CompletableFuture<String> result = HedgePrimitive.of(step, DELAY, 3).execute("in", context);

    assertEquals("value", result.getNow(null));
    assertEquals(1, step.calls());
    assertEquals(List.of(), time.scheduledDelays(), "a timer was armed");
  }

  @Test
  void aFastFirstCallStartsNoSecondAndDisarmsTheTimer() {
    MockPrimitive<String, String> step =
        MockPrimitive.<String, String>named("fetch")
            .thenReturn("value")
            .withDelay(Duration.ofMillis(40));

    CompletableFuture<String> result = HedgePrimitive.of(step, DELAY, 3).execute("in", context);
    assertFalse(result.isDone());
    time.advance(Duration.ofMillis(40));

    assertEquals("value", result.getNow(null));
    assertEquals(0, time.pendingTasks(), "the next start is still scheduled");
    // The mock's own answer, then the hedge's one timer.
    assertEquals(List.of(Duration.ofMillis(40), DELAY), time.scheduledDelays());
    time.advance(Duration.ofSeconds(1));
    assertEquals(1, step.calls());
  }

  // ---- starts at delay intervals ----

  @Test
  void slowCallsAreHedgedExactlyAtEachDelayAndNeverMoreThanMax() {
    Pending step = new Pending();
    CompletableFuture<String> result = HedgePrimitive.of(step, DELAY, 3).execute("in", context);
    assertEquals(1, step.count());

    time.advance(Duration.ofMillis(99));
    assertEquals(1, step.count(), "the second call started early");
    time.advance(Duration.ofMillis(1));
    assertEquals(2, step.count(), "no second call at the delay");
    time.advance(Duration.ofMillis(99));
    assertEquals(2, step.count(), "the third call started early");
    time.advance(Duration.ofMillis(1));
    assertEquals(3, step.count(), "no third call at twice the delay");

    time.advance(Duration.ofSeconds(10));
    assertEquals(3, step.count(), "more calls than max");
    assertEquals(List.of(0L, 100L, 200L), step.startedAtMillis);
    assertEquals(0, time.pendingTasks(), "a timer is left after the last start");
    assertFalse(result.isDone());

    step.call(2).complete("third");
    assertEquals("third", result.getNow(null));
    assertTrue(step.call(0).isCancelled(), "the first call is still running");
    assertTrue(step.call(1).isCancelled(), "the second call is still running");
  }

  @Test
  void theSecondCallWinningCancelsTheFirst() {
    Pending step = new Pending();
    CompletableFuture<String> result = HedgePrimitive.of(step, DELAY, 2).execute("in", context);
    time.advance(DELAY);
    assertEquals(2, step.count());

    step.call(1).complete("second");

    assertEquals("second", result.getNow(null));
    assertTrue(step.call(0).isCancelled(), "the slow first call was not cancelled");
  }

  @Test
  void theFirstCallWinningCancelsTheHedgedOne() {
    MockPrimitive<String, String> step =
        MockPrimitive.<String, String>named("fetch")
            .thenReturn("first")
            .thenReturn("second")
            .withDelay(Duration.ofMillis(150));

    CompletableFuture<String> result = HedgePrimitive.of(step, DELAY, 3).execute("in", context);
    time.advance(DELAY);
    assertEquals(2, step.calls());
    time.advance(Duration.ofMillis(50)); // the first answers at 150ms, before a third is due

    assertEquals("first", result.getNow(null));
    assertEquals(1, step.cancellations(), "the hedged call was not cancelled");
    assertEquals(0, time.pendingTasks(), "a timer or an answer is left behind");
    time.advance(Duration.ofSeconds(1));
    assertEquals(2, step.calls());
  }

  @Test
  void aHedgedCallThatSucceedsAtOnceWinsAndArmsNoFurtherTimer() {
    Pending step = new Pending();
    step.immediately.put(1, "quick");

    CompletableFuture<String> result = HedgePrimitive.of(step, DELAY, 3).execute("in", context);
    time.advance(DELAY);

    assertEquals("quick", result.getNow(null));
    assertTrue(step.call(0).isCancelled());
    assertEquals(0, time.pendingTasks());
    assertEquals(List.of(DELAY), time.scheduledDelays());
  }

  @Test
  void aZeroDelayStartsAllCallsAtOnceWithoutATimer() {
    Pending step = new Pending();

    CompletableFuture<String> result =
        HedgePrimitive.of(step, Duration.ZERO, 3).execute("in", context);

    assertEquals(3, step.count());
    assertEquals(List.of(), time.scheduledDelays());
    step.call(1).complete("b");
    assertEquals("b", result.getNow(null));
    assertTrue(step.call(0).isCancelled());
    assertTrue(step.call(2).isCancelled());
  }

  // ---- failures ----

  @Test
  void aFailureOfTheOnlyCallBeforeTheNextIsDueFailsAtOnce() {
    IOException boom = new IOException("down");
    MockPrimitive<String, String> step =
        MockPrimitive.<String, String>named("fetch")
            .thenFail(boom)
            .thenReturn("never")
            .withDelay(Duration.ofMillis(30));

    CompletableFuture<String> result = HedgePrimitive.of(step, DELAY, 3).execute("in", context);
    time.advance(Duration.ofMillis(30));

    assertSame(boom, failureOf(result), "a single call fails as a plain call would");
    assertEquals(0, time.pendingTasks(), "the next start is still scheduled");
    time.advance(Duration.ofSeconds(1));
    assertEquals(1, step.calls(), "a failure was hedged");
  }

  @Test
  void aCallThatFailsAtOnceIsNotHedged() {
    IOException boom = new IOException("down");
    MockPrimitive<String, String> step = MockPrimitive.failing(boom);

    CompletableFuture<String> result = HedgePrimitive.of(step, DELAY, 3).execute("in", context);

    assertSame(boom, failureOf(result));
    assertEquals(List.of(), time.scheduledDelays());
    assertEquals(1, step.calls());
  }

  @Test
  void aFailureWaitsForTheOthersAndTheLastFailureIsTheCause() {
    Pending step = new Pending();
    IOException first = new IOException("first");
    IOException second = new IOException("second");
    IOException third = new IOException("third");
    CompletableFuture<String> result = HedgePrimitive.of(step, DELAY, 3).execute("in", context);
    time.advance(DELAY);
    assertEquals(2, step.count());

    step.call(0).completeExceptionally(first);
    assertFalse(result.isDone(), "a failure with a call in flight failed the hedge");
    time.advance(DELAY);
    assertEquals(3, step.count(), "no third call while the second was in flight");
    step.call(2).completeExceptionally(third);
    assertFalse(result.isDone());
    step.call(1).completeExceptionally(second);

    WorkflowException e = assertInstanceOf(WorkflowException.class, failureOf(result));
    assertSame(second, e.getCause(), "the cause is not the last failure");
    assertArrayEquals(new Throwable[] {first, third}, e.getSuppressed());
    assertEquals(3, e.attempts());
    assertEquals("wf", e.workflow());
    assertEquals("fetch", e.step());
    assertEquals(0, time.pendingTasks());
  }

  @Test
  void aFailureWithAnotherCallInFlightLetsTheOtherWin() {
    Pending step = new Pending();
    CompletableFuture<String> result = HedgePrimitive.of(step, DELAY, 2).execute("in", context);
    time.advance(DELAY);

    step.call(1).completeExceptionally(new IOException("hedged call failed"));
    assertFalse(result.isDone());
    step.call(0).complete("first");

    assertEquals("first", result.getNow(null));
  }

  // ---- cancellation ----

  @Test
  void cancellingTheHedgeCancelsTheCallsInFlightAndStartsNoMore() {
    Pending step = new Pending();
    CompletableFuture<String> result = HedgePrimitive.of(step, DELAY, 3).execute("in", context);
    time.advance(DELAY);
    assertEquals(2, step.count());

    assertTrue(result.cancel(true));

    assertTrue(step.call(0).isCancelled());
    assertTrue(step.call(1).isCancelled());
    assertEquals(0, time.pendingTasks(), "the next start is still scheduled");
    time.advance(Duration.ofSeconds(1));
    assertEquals(2, step.count(), "a call started after the cancel");
    assertTrue(result.isCancelled());
  }

  @Test
  void noCallStartsOnceTheRunIsCancelled() {
    AtomicBoolean stopped = new AtomicBoolean();
    CancelScope run =
        new CancelScope() {
          @Override
          public boolean isStopped() {
            return stopped.get();
          }

          @Override
          public CancelScope parent() {
            return null;
          }
        };
    WorkflowContext inRun = WorkflowContext.create("wf", time.runtime(), run);
    Pending step = new Pending();
    CompletableFuture<String> result = HedgePrimitive.of(step, DELAY, 3).execute("in", inRun);

    stopped.set(true); // the run is cancelled; its cancel has not reached the hedge yet
    time.advance(DELAY);

    assertEquals(1, step.count(), "a call started in a cancelled run");
    assertTrue(result.isCompletedExceptionally());
    assertThrows(CancellationException.class, () -> result.getNow(null));
    assertTrue(step.call(0).isCancelled(), "the call in flight goes on");
    assertEquals(0, time.pendingTasks());

    CompletableFuture<String> late = HedgePrimitive.of(step, DELAY, 3).execute("in", inRun);
    assertTrue(late.isCompletedExceptionally());
    assertThrows(CancellationException.class, () -> late.getNow(null));
    assertEquals(1, step.count(), "a first call started in a cancelled run");
  }

  @Test
  void aCallFailingInACancelledRunStopsTheOthersAtOnce() {
    AtomicBoolean stopped = new AtomicBoolean();
    CancelScope run =
        new CancelScope() {
          @Override
          public boolean isStopped() {
            return stopped.get();
          }

          @Override
          public CancelScope parent() {
            return null;
          }
        };
    Pending step = new Pending();
    CompletableFuture<String> result =
        HedgePrimitive.of(step, DELAY, 3)
            .execute("in", WorkflowContext.create("wf", time.runtime(), run));
    time.advance(DELAY);
    assertEquals(2, step.count());

    stopped.set(true);
    CancellationException cancelled = new CancellationException("run cancelled");
    step.call(0).completeExceptionally(cancelled);

    assertTrue(result.isCompletedExceptionally(), "the hedge waited in a cancelled run");
    // What the future holds (getNow wraps a cancellation in a new exception on newer JDKs).
    assertSame(cancelled, result.handle((value, failure) -> failure).join());
    assertTrue(step.call(1).isCancelled());
    assertEquals(0, time.pendingTasks());
  }

  // ---- blocking steps ----

  @Test
  void aBlockingWinnerReleasesTheCallerAndInterruptsTheSlowCall() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    AtomicReference<Thread> firstRanOn = new AtomicReference<>();
    CountDownLatch firstEntered = new CountDownLatch(1);
    CountDownLatch firstInterrupted = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    LambdaPrimitive<String, String> step =
        LambdaPrimitive.of(
            "fetch",
            (in, ctx) -> {
              if (calls.incrementAndGet() > 1) {
                return "second";
              }
              firstRanOn.set(Thread.currentThread());
              firstEntered.countDown();
              try {
                never.await(PATIENCE_SECONDS, SECONDS);
              } catch (InterruptedException e) {
                firstInterrupted.countDown();
                throw e;
              }
              return "first, late";
            });

    CompletableFuture<String> result = HedgePrimitive.of(step, DELAY, 2).execute("in", context);
    assertFalse(result.isDone(), "the blocking first call held the caller");
    await(firstEntered, "the first call ran");
    assertNotSame(Thread.currentThread(), firstRanOn.get(), "the first call ran on the caller");
    assertEquals(1, calls.get());

    time.advance(DELAY);

    assertEquals("second", result.get(PATIENCE_SECONDS, SECONDS));
    await(firstInterrupted, "the slow call was interrupted");
    assertEquals(2, calls.get());
    assertEquals(0, time.pendingTasks());
  }

  @Test
  void cancellingAHedgeOfBlockingCallsInterruptsThemAll() throws Exception {
    CountDownLatch entered = new CountDownLatch(2);
    CountDownLatch interrupted = new CountDownLatch(2);
    CountDownLatch never = new CountDownLatch(1);
    LambdaPrimitive<String, String> step =
        LambdaPrimitive.of(
            "fetch",
            (in, ctx) -> {
              entered.countDown();
              try {
                never.await(PATIENCE_SECONDS, SECONDS);
              } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
              }
              return "late";
            });

    CompletableFuture<String> result = HedgePrimitive.of(step, DELAY, 3).execute("in", context);
    time.advance(DELAY);
    await(entered, "both calls ran");

    assertTrue(result.cancel(true));

    await(interrupted, "both calls were interrupted");
    assertEquals(0, time.pendingTasks(), "the third start is still scheduled");
    time.advance(Duration.ofSeconds(1));
    assertEquals(0, entered.getCount());
  }

  // ---- schedulers ----

  /** The handle of a task that a scheduler ran at once. */
  private static final class RanAtOnce extends CompletableFuture<Object>
      implements ScheduledFuture<Object> {
    RanAtOnce() {
      complete(null);
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return 0;
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(0, other.getDelay(TimeUnit.NANOSECONDS));
    }
  }

  @Test
  void aSchedulerThatRunsTasksAtOnceStartsEveryCallAndLeavesNothingArmed() {
    AtomicInteger scheduled = new AtomicInteger();
    WorkflowRuntime runtime =
        WorkflowRuntime.builder()
            .scheduler(
                (task, delay, unit) -> {
                  scheduled.incrementAndGet();
                  task.run();
                  return new RanAtOnce();
                })
            .build();
    Pending step = new Pending();

    CompletableFuture<String> result =
        HedgePrimitive.of(step, DELAY, 3).execute("in", WorkflowContext.create("wf", runtime));

    assertEquals(3, step.count());
    assertEquals(2, scheduled.get());
    step.call(2).complete("third");
    assertEquals("third", result.getNow(null));
    assertTrue(step.call(0).isCancelled());
    assertTrue(step.call(1).isCancelled());
  }

  @Test
  void aSchedulerThatRefusesFailsTheHedgeAndStopsTheCall() {
    RejectedExecutionException refused = new RejectedExecutionException("timer shut down");
    WorkflowRuntime runtime =
        WorkflowRuntime.builder()
            .scheduler(
                (task, delay, unit) -> {
                  throw refused;
                })
            .build();
    Pending step = new Pending();

    CompletableFuture<String> result =
        HedgePrimitive.of(step, DELAY, 3).execute("in", WorkflowContext.create("wf", runtime));

    assertSame(refused, failureOf(result));
    assertTrue(step.call(0).isCancelled(), "the call was left running unwatched");
    assertEquals(1, step.count());
  }

  // ---- real threads ----

  @Test
  void onTheDefaultRuntimeABlockingHedgedCallWins() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch firstInterrupted = new CountDownLatch(1);
    LambdaPrimitive<String, String> step =
        LambdaPrimitive.of(
            "fetch",
            (in, ctx) -> {
              if (calls.incrementAndGet() > 1) {
                return "second";
              }
              try {
                never.await(PATIENCE_SECONDS, SECONDS);
              } catch (InterruptedException e) {
                firstInterrupted.countDown();
                throw e;
              }
              return "first, late";
            });

    CompletableFuture<String> result =
        HedgePrimitive.of(step, Duration.ofMillis(20), 2)
            .execute("in", WorkflowContext.create("wf"));

    assertEquals("second", result.get(PATIENCE_SECONDS, SECONDS));
    await(firstInterrupted, "the slow call was interrupted");
  }

  @Test
  void onRealThreadsACancelEndsTheBlockingCallAndDisarmsTheNextStart() throws Exception {
    try (QuiescentThreads threads = new QuiescentThreads(4)) {
      AtomicInteger entered = new AtomicInteger();
      CountDownLatch inCall = new CountDownLatch(1);
      CountDownLatch never = new CountDownLatch(1);
      LambdaPrimitive<String, String> step =
          LambdaPrimitive.of(
              "fetch",
              (in, ctx) -> {
                entered.incrementAndGet();
                inCall.countDown();
                never.await(PATIENCE_SECONDS * 3, SECONDS); // until interrupted
                return "late";
              });
      WorkflowContext onThreads = WorkflowContext.create("wf", threads.runtime().build());

      // An hour: the next start stays pending unless the cancel disarms it.
      CompletableFuture<String> result =
          HedgePrimitive.of(step, Duration.ofHours(1), 2).execute("in", onThreads);
      await(inCall, "the first call ran");
      assertTrue(result.cancel(true));

      assertTrue(
          threads.awaitQuiescence(Duration.ofSeconds(PATIENCE_SECONDS)),
          "a call or the next start outlived the cancel");
      assertEquals(1, entered.get());
    }
  }

  @Test
  void onRealThreadsAWinDisarmsTheNextStart() throws Exception {
    try (QuiescentThreads threads = new QuiescentThreads(4)) {
      CountDownLatch release = new CountDownLatch(1);
      AtomicInteger calls = new AtomicInteger();
      LambdaPrimitive<String, String> step =
          LambdaPrimitive.of(
              "fetch",
              (in, ctx) -> {
                calls.incrementAndGet();
                release.await(PATIENCE_SECONDS, SECONDS);
                return "value";
              });
      WorkflowContext onThreads = WorkflowContext.create("wf", threads.runtime().build());

      CompletableFuture<String> result =
          HedgePrimitive.of(step, Duration.ofHours(1), 2).execute("in", onThreads);
      release.countDown();

      assertEquals("value", result.get(PATIENCE_SECONDS, SECONDS));
      assertTrue(
          threads.awaitQuiescence(Duration.ofSeconds(PATIENCE_SECONDS)),
          "the next start is still scheduled after the win");
      assertEquals(1, calls.get());
    }
  }

  /**
   * Calls that finish on other threads while the hedge starts more: the outcome always matches what
   * the calls did, and no call is left running.
   */
  @Test
  void underConcurrencyTheOutcomeMatchesTheCalls() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      SplittableRandom random = new SplittableRandom(42);
      for (int i = 0; i < 1_500; i++) {
        Duration delay = i % 10 == 0 ? Duration.ofMillis(1) : Duration.ZERO;
        boolean[] succeeds = {
          random.nextInt(3) == 0, random.nextInt(3) == 0, random.nextInt(3) == 0
        };
        List<CompletableFuture<String>> made = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        WorkflowPrimitive<String, String> step =
            AsyncTestPrimitive.async(
                (in, ctx) -> {
                  CompletableFuture<String> call = new CompletableFuture<>();
                  int index;
                  synchronized (made) {
                    index = made.size();
                    made.add(call);
                  }
                  pool.execute(
                      () -> {
                        if (succeeds[index]) {
                          call.complete("v" + index);
                        } else {
                          IOException failure = new IOException("call " + index);
                          failures.add(failure);
                          call.completeExceptionally(failure);
                        }
                      });
                  return call;
                });

        CompletableFuture<String> result =
            HedgePrimitive.of(step, delay, 3).execute("in", WorkflowContext.create("wf"));
        String value;
        try {
          value = result.get(PATIENCE_SECONDS, SECONDS);
        } catch (ExecutionException e) {
          value = null;
          Throwable failure = e.getCause();
          int calls = made.size(); // no call starts once the hedge failed
          for (CompletableFuture<String> call : made) {
            assertTrue(call.isCompletedExceptionally(), "failed although a call succeeded");
          }
          if (failure instanceof WorkflowException) {
            assertEquals(calls, ((WorkflowException) failure).attempts());
            assertTrue(failures.contains(failure.getCause()));
            assertEquals(calls - 1, failure.getSuppressed().length);
          } else {
            assertEquals(1, calls, "several calls failed without a WorkflowException");
            assertSame(failures.get(0), failure);
          }
        }
        if (value != null) {
          int winner = Integer.parseInt(value.substring(1));
          assertTrue(succeeds[winner]);
          assertEquals(value, made.get(winner).getNow(null));
        }
        for (CompletableFuture<String> call : made) {
          call.handle((v, e) -> null).get(PATIENCE_SECONDS, SECONDS); // none is left pending
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}

package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.testing.MockPrimitive;
import dev.tta.primitives.testing.VirtualTime;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class RetryPrimitiveTest {

  private static final Duration LONG_ENOUGH = Duration.ofMinutes(10);

  private final VirtualTime time = new VirtualTime();
  private final WorkflowContext context = WorkflowContext.create("wf", time.runtime());

  /** Fixed waits of {@code delayMs}, no jitter, so virtual times are exact. */
  private static RetryPolicy.Builder fixed(int maxAttempts, long delayMs) {
    return RetryPolicy.builder()
        .maxAttempts(maxAttempts)
        .delay(Duration.ofMillis(delayMs))
        .backoff(1.0)
        .jitter(0.0);
  }

  private static Throwable failureOf(CompletableFuture<?> future) {
    assertTrue(future.isDone(), "not done");
    ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(0, SECONDS));
    return e.getCause();
  }

  private static WorkflowException workflowFailureOf(CompletableFuture<?> future) {
    return assertInstanceOf(WorkflowException.class, failureOf(future));
  }

  private static MockPrimitive<String, String> failingTimes(int times, String step) {
    MockPrimitive<String, String> mock = MockPrimitive.named(step);
    for (int i = 1; i <= times; i++) {
      mock.thenFail(new IOException("failure " + i));
    }
    return mock;
  }

  private static List<Duration> millis(long... values) {
    List<Duration> list = new ArrayList<>();
    for (long value : values) {
      list.add(Duration.ofMillis(value));
    }
    return list;
  }

  // ---- attempts ----

  @Test
  void maxAttemptsCountsTheFirstCall() {
    MockPrimitive<String, String> step = failingTimes(5, "step");

    CompletableFuture<String> result =
        RetryPrimitive.of(step, fixed(5, 100).build()).execute("in", context);
    time.advance(LONG_ENOUGH);

    assertEquals(5, step.calls());
    assertEquals(5, workflowFailureOf(result).attempts());
  }

  @Test
  void exhaustedRetriesFailWithTheLastFailureAsCause() {
    IOException last = new IOException("last");
    MockPrimitive<String, String> step = failingTimes(4, "step").thenFail(last);

    CompletableFuture<String> result =
        RetryPrimitive.of(step, fixed(5, 100).build()).execute("in", context);
    time.advance(LONG_ENOUGH);

    assertSame(last, workflowFailureOf(result).getCause());
  }

  @Test
  void exhaustedRetriesKeepTheEarlierFailuresSuppressedInOrder() {
    List<Throwable> failures = new ArrayList<>();
    MockPrimitive<String, String> step = MockPrimitive.named("step");
    for (int i = 1; i <= 5; i++) {
      IOException failure = new IOException("failure " + i);
      failures.add(failure);
      step.thenFail(failure);
    }

    CompletableFuture<String> result =
        RetryPrimitive.of(step, fixed(5, 100).build()).execute("in", context);
    time.advance(LONG_ENOUGH);

    assertArrayEquals(failures.subList(0, 4).toArray(), workflowFailureOf(result).getSuppressed());
  }

  @Test
  void exhaustedRetriesNameTheWorkflowAndTheStep() {
    MockPrimitive<String, String> step = failingTimes(3, "fetch");

    CompletableFuture<String> result =
        RetryPrimitive.of(step, fixed(3, 100).build()).execute("in", context);
    time.advance(LONG_ENOUGH);

    WorkflowException failure = workflowFailureOf(result);
    assertEquals("wf", failure.workflow());
    assertEquals("fetch", failure.step());
  }

  @Test
  void everyAttemptGetsTheSameInput() {
    MockPrimitive<String, String> step = failingTimes(3, "step");

    RetryPrimitive.of(step, fixed(3, 100).build()).execute("in", context);
    time.advance(LONG_ENOUGH);

    assertEquals(List.of("in", "in", "in"), step.inputs());
  }

  @Test
  void singleAttemptPolicyNeverRetries() {
    MockPrimitive<String, String> step = failingTimes(2, "step");

    CompletableFuture<String> result =
        RetryPrimitive.of(step, fixed(1, 100).build()).execute("in", context);
    time.advance(LONG_ENOUGH);

    assertEquals(1, step.calls());
    assertEquals(1, workflowFailureOf(result).attempts());
  }

  @Test
  void successOnALaterAttemptReturnsItsValue() {
    MockPrimitive<String, String> step = failingTimes(2, "step").thenReturn("ok");

    CompletableFuture<String> result =
        RetryPrimitive.of(step, fixed(5, 100).build()).execute("in", context);
    time.advance(LONG_ENOUGH);

    assertEquals("ok", result.getNow("not done"));
    assertEquals(3, step.calls());
  }

  @Test
  void successOnTheLastAllowedAttemptReturnsItsValue() {
    MockPrimitive<String, String> step = failingTimes(4, "step").thenReturn("ok");

    CompletableFuture<String> result =
        RetryPrimitive.of(step, fixed(5, 100).build()).execute("in", context);
    time.advance(LONG_ENOUGH);

    assertEquals("ok", result.getNow("not done"));
  }

  @Test
  void asyncFirstAttemptFailureIsRetried() {
    MockPrimitive<String, String> step =
        failingTimes(1, "step").thenReturn("ok").withDelay(Duration.ofMillis(50));

    CompletableFuture<String> result =
        RetryPrimitive.of(step, fixed(3, 100).build()).execute("in", context);
    time.advance(LONG_ENOUGH);

    assertEquals("ok", result.getNow("not done"));
    assertEquals(2, step.calls());
  }

  // ---- retry-on / abort-on ----

  @Test
  void subclassOfARetryOnTypeIsRetried() {
    MockPrimitive<String, String> step =
        MockPrimitive.<String, String>named("step")
            .thenFail(new FileNotFoundException("gone"))
            .thenReturn("ok");

    CompletableFuture<String> result =
        RetryPrimitive.of(step, fixed(3, 100).retryOn(IOException.class).build())
            .execute("in", context);
    time.advance(LONG_ENOUGH);

    assertEquals("ok", result.getNow("not done"));
    assertEquals(2, step.calls());
  }

  @Test
  void abortOnWinsOverRetryOnForSubclasses() {
    FileNotFoundException gone = new FileNotFoundException("gone");
    MockPrimitive<String, String> step =
        MockPrimitive.<String, String>named("step").thenFail(gone).thenReturn("ok");
    RetryPolicy policy =
        fixed(5, 100).retryOn(IOException.class).abortOn(FileNotFoundException.class).build();

    CompletableFuture<String> result = RetryPrimitive.of(step, policy).execute("in", context);
    time.advance(LONG_ENOUGH);

    assertEquals(1, step.calls());
    assertEquals(1, workflowFailureOf(result).attempts());
    assertSame(gone, workflowFailureOf(result).getCause());
  }

  @Test
  void failureOutsideRetryOnStopsAtOnce() {
    IllegalStateException bug = new IllegalStateException("bug");
    MockPrimitive<String, String> step =
        MockPrimitive.<String, String>named("step").thenFail(bug).thenReturn("ok");

    CompletableFuture<String> result =
        RetryPrimitive.of(step, fixed(5, 100).retryOn(IOException.class).build())
            .execute("in", context);

    assertTrue(result.isDone(), "a non-retryable failure must not wait for anything");
    assertEquals(1, step.calls());
    assertEquals(1, workflowFailureOf(result).attempts());
    assertSame(bug, workflowFailureOf(result).getCause());
    assertEquals(0, time.pendingTasks());
  }

  @Test
  void nonRetryableFailureOnALaterAttemptStopsThere() {
    IllegalStateException bug = new IllegalStateException("bug");
    MockPrimitive<String, String> step = failingTimes(2, "step").thenFail(bug).thenReturn("never");

    CompletableFuture<String> result =
        RetryPrimitive.of(step, fixed(5, 100).retryOn(IOException.class).build())
            .execute("in", context);
    time.advance(LONG_ENOUGH);

    assertEquals(3, step.calls());
    assertEquals(3, workflowFailureOf(result).attempts());
    assertSame(bug, workflowFailureOf(result).getCause());
  }

  // ---- waits ----

  @Test
  void waitsGrowByBackoffAndAreCappedExactly() {
    MockPrimitive<String, String> step = failingTimes(6, "step");
    RetryPolicy policy =
        RetryPolicy.builder()
            .maxAttempts(6)
            .delay(Duration.ofMillis(100))
            .backoff(2.0)
            .maxDelay(Duration.ofMillis(500))
            .jitter(0.0)
            .build();

    RetryPrimitive.of(step, policy).execute("in", context);
    time.advance(LONG_ENOUGH);

    assertEquals(millis(100, 200, 400, 500, 500), time.scheduledDelays());
  }

  @Test
  void attemptsStartAtTheEndOfEachWaitOnTheVirtualClock() {
    List<Long> startedAt = Collections.synchronizedList(new ArrayList<>());
    MockPrimitive<String, String> step = MockPrimitive.named("step");
    step.thenAnswer(
        in -> {
          startedAt.add(time.nanoTime() / 1_000_000);
          throw new IllegalStateException("down");
        });
    RetryPolicy policy =
        RetryPolicy.builder()
            .maxAttempts(4)
            .delay(Duration.ofMillis(100))
            .backoff(2.0)
            .maxDelay(Duration.ofMillis(300))
            .jitter(0.0)
            .build();

    RetryPrimitive.of(step, policy).execute("in", context);
    time.advance(LONG_ENOUGH);

    assertEquals(List.of(0L, 100L, 300L, 600L), startedAt);
  }

  @Test
  void jitteredWaitsStayWithinBoundsAndVaryWithTheSeed() {
    Set<Duration> seen = new HashSet<>();
    for (int run = 0; run < 50; run++) {
      VirtualTime runTime = new VirtualTime();
      WorkflowRuntime seeded = runTime.runtime().toBuilder().random(new Random(run)).build();
      RetryPolicy policy =
          RetryPolicy.builder()
              .maxAttempts(4)
              .delay(Duration.ofMillis(100))
              .backoff(2.0)
              .maxDelay(Duration.ofSeconds(1))
              .jitter(0.5)
              .build();

      RetryPrimitive.of(failingTimes(4, "step"), policy)
          .execute("in", WorkflowContext.create("wf", seeded));
      runTime.advance(LONG_ENOUGH);

      List<Duration> waits = runTime.scheduledDelays();
      assertEquals(3, waits.size(), "waits of run " + run + ": " + waits);
      for (int k = 0; k < 3; k++) {
        long base = 100L << k; // 100, 200, 400 ms
        Duration wait = waits.get(k);
        assertTrue(
            wait.compareTo(Duration.ofMillis(base / 2)) >= 0
                && wait.compareTo(Duration.ofMillis(base + base / 2)) <= 0,
            "wait " + (k + 1) + " of run " + run + " = " + wait + ", base " + base + "ms");
      }
      seen.addAll(waits);
    }
    assertTrue(seen.size() > 3, "jittered waits did not vary: " + seen);
  }

  @Test
  void waitsAreScheduledNotSlept() {
    MockPrimitive<String, String> step = failingTimes(1, "step").thenReturn("ok");

    CompletableFuture<String> result =
        RetryPrimitive.of(step, fixed(3, 100).build()).execute("in", context);

    assertFalse(result.isDone());
    assertEquals(1, step.calls());
    assertEquals(millis(100), time.scheduledDelays());
  }

  @Test
  void nextAttemptRunsOnlyWhenVirtualTimeReachesTheWait() {
    MockPrimitive<String, String> step = failingTimes(1, "step").thenReturn("ok");

    CompletableFuture<String> result =
        RetryPrimitive.of(step, fixed(3, 100).build()).execute("in", context);
    time.advance(Duration.ofMillis(99));

    assertEquals(1, step.calls());
    assertFalse(result.isDone());

    time.advance(Duration.ofMillis(1));

    assertEquals(2, step.calls());
    assertEquals("ok", result.getNow("not done"));
  }

  @Test
  void realSchedulerDoesNotHoldTheCallerForTheWait() {
    MockPrimitive<String, String> step = failingTimes(1, "step").thenReturn("ok");
    WorkflowContext real = WorkflowContext.create("wf");

    CompletableFuture<String> result =
        RetryPrimitive.of(step, fixed(2, 600_000).maxDelay(Duration.ofMinutes(10)).build())
            .execute("in", real);
    try {
      assertFalse(result.isDone(), "the caller was held for a ten-minute wait");
      assertEquals(1, step.calls());
    } finally {
      result.cancel(true);
    }
  }

  @Test
  void realSchedulerRunsTheRetryAfterTheWait() throws Exception {
    MockPrimitive<String, String> step = failingTimes(1, "step").thenReturn("ok");
    WorkflowContext real = WorkflowContext.create("wf");

    CompletableFuture<String> result =
        RetryPrimitive.of(step, fixed(2, 20).build()).execute("in", real);

    assertEquals("ok", result.get(5, SECONDS));
    assertEquals(2, step.calls());
  }

  // ---- max duration ----

  @Test
  void maxDurationStopsRetriesBeforeAnAttemptWouldStartTooLate() {
    MockPrimitive<String, String> step = failingTimes(10, "step");
    RetryPolicy policy = fixed(10, 100).maxDuration(Duration.ofMillis(350)).build();

    CompletableFuture<String> result = RetryPrimitive.of(step, policy).execute("in", context);
    time.advance(LONG_ENOUGH);

    // attempts at 0, 100, 200, 300 ms; one at 400 ms would begin after the budget
    assertEquals(4, step.calls());
    assertEquals(4, workflowFailureOf(result).attempts());
  }

  @Test
  void maxDurationFailsAsSoonAsTheNextAttemptWouldStartTooLate() {
    MockPrimitive<String, String> step = failingTimes(10, "step");
    RetryPolicy policy = fixed(10, 100).maxDuration(Duration.ofMillis(350)).build();

    CompletableFuture<String> result = RetryPrimitive.of(step, policy).execute("in", context);
    time.advance(Duration.ofMillis(300));

    assertTrue(result.isCompletedExceptionally(), "should not wait out a wait it cannot use");
    assertEquals(0, time.pendingTasks());
  }

  @Test
  void maxDurationCountsTheTimeSpentInAttempts() {
    MockPrimitive<String, String> step = failingTimes(10, "step").withDelay(Duration.ofMillis(100));
    RetryPolicy policy = fixed(10, 100).maxDuration(Duration.ofMillis(500)).build();

    CompletableFuture<String> result = RetryPrimitive.of(step, policy).execute("in", context);
    time.advance(LONG_ENOUGH);

    // attempts start at 0, 200, 400 ms (each takes 100, then a 100 wait); the next would be 600
    assertEquals(3, step.calls());
    assertEquals(3, workflowFailureOf(result).attempts());
  }

  @Test
  void foreverAsMaxDurationMeansNoBudget() {
    MockPrimitive<String, String> step = failingTimes(2, "step").thenReturn("ok");
    RetryPolicy policy = fixed(3, 100).maxDuration(ChronoUnit.FOREVER.getDuration()).build();

    CompletableFuture<String> result = RetryPrimitive.of(step, policy).execute("in", context);
    time.advance(LONG_ENOUGH);

    assertEquals("ok", result.getNow("not done"));
  }

  @Test
  void waitTooLongForTheBudgetEndsRetriesEvenWhenItIsHuge() {
    MockPrimitive<String, String> step = failingTimes(5, "step");
    RetryPolicy policy =
        RetryPolicy.builder()
            .maxAttempts(5)
            .delay(Duration.ofMillis(100))
            .backoff(1e12)
            .maxDelay(ChronoUnit.FOREVER.getDuration())
            .jitter(0.0)
            .maxDuration(Duration.ofHours(1))
            .build();

    CompletableFuture<String> result = RetryPrimitive.of(step, policy).execute("in", context);
    time.advance(LONG_ENOUGH);

    // the second wait (100ms x 1e12, saturated) cannot fit in the hour: stop after attempt 2
    assertEquals(2, step.calls());
    assertEquals(2, workflowFailureOf(result).attempts());
    assertEquals(0, time.pendingTasks());
  }

  // ---- cancellation ----

  @Test
  void cancellingWhileWaitingStopsFurtherAttempts() {
    MockPrimitive<String, String> step = failingTimes(5, "step");

    CompletableFuture<String> result =
        RetryPrimitive.of(step, fixed(5, 100).build()).execute("in", context);
    time.advance(Duration.ofMillis(150)); // second attempt failed, waiting for the third
    assertEquals(2, step.calls());

    assertTrue(result.cancel(true));
    time.advance(LONG_ENOUGH);

    assertEquals(2, step.calls());
  }

  @Test
  void cancellingWhileWaitingCancelsTheScheduledWait() {
    MockPrimitive<String, String> step = failingTimes(5, "step");

    CompletableFuture<String> result =
        RetryPrimitive.of(step, fixed(5, 100).build()).execute("in", context);
    time.advance(Duration.ofMillis(150));

    result.cancel(true);

    assertEquals(0, time.pendingTasks());
  }

  @Test
  void cancellingBeforeTheFirstRetryStopsFurtherAttempts() {
    MockPrimitive<String, String> step = failingTimes(5, "step");

    CompletableFuture<String> result =
        RetryPrimitive.of(step, fixed(5, 100).build()).execute("in", context);
    result.cancel(true);
    time.advance(LONG_ENOUGH);

    assertEquals(1, step.calls());
    assertEquals(0, time.pendingTasks());
  }

  @Test
  void cancellingDuringTheFirstAttemptCancelsThatAttempt() {
    MockPrimitive<String, String> step = failingTimes(5, "step").withDelay(Duration.ofMillis(50));

    CompletableFuture<String> result =
        RetryPrimitive.of(step, fixed(5, 100).build()).execute("in", context);
    result.cancel(true);
    time.advance(LONG_ENOUGH);

    assertEquals(1, step.cancellations());
    assertEquals(1, step.calls());
  }

  @Test
  void cancellingDuringALaterAttemptCancelsThatAttemptAndStopsRetrying() {
    MockPrimitive<String, String> step = failingTimes(5, "step").withDelay(Duration.ofMillis(50));

    CompletableFuture<String> result =
        RetryPrimitive.of(step, fixed(5, 100).build()).execute("in", context);
    time.advance(Duration.ofMillis(160)); // attempt 1: 0-50, wait to 150, attempt 2 in flight
    assertEquals(2, step.calls());

    result.cancel(true);
    time.advance(LONG_ENOUGH);

    assertEquals(1, step.cancellations());
    assertEquals(2, step.calls());
    assertTrue(result.isCancelled());
  }

  // ---- happy path ----

  @Test
  void happyPathReturnsTheDelegatesOwnFuture() {
    CompletableFuture<String> own = CompletableFuture.completedFuture("ok");
    WorkflowPrimitive<String, String> step = (in, ctx) -> own;

    CompletableFuture<String> result =
        RetryPrimitive.of(step, fixed(3, 100).build()).execute("in", context);

    assertSame(own, result);
  }

  @Test
  void happyPathSchedulesNothing() {
    MockPrimitive<String, String> step = MockPrimitive.returning("ok");

    RetryPrimitive.of(step, fixed(3, 100).maxDuration(Duration.ofSeconds(1)).build())
        .execute("in", context);

    assertEquals(List.of(), time.scheduledDelays());
  }

  // ---- events ----

  record RetryEvent(String step, int nextAttempt, Throwable failure, Duration delay) {}

  @Test
  void retryEventsCarryTheNextAttemptNumberAndItsDelay() {
    List<RetryEvent> events = Collections.synchronizedList(new ArrayList<>());
    WorkflowRuntime runtime =
        WorkflowRuntime.builder()
            .clock(time)
            .scheduler(time)
            .listener(
                new WorkflowListener() {
                  @Override
                  public void onRetry(
                      WorkflowContext c,
                      String step,
                      int nextAttempt,
                      Throwable failure,
                      Duration delay) {
                    events.add(new RetryEvent(step, nextAttempt, failure, delay));
                  }
                })
            .build();
    IOException first = new IOException("first");
    IOException second = new IOException("second");
    MockPrimitive<String, String> step =
        MockPrimitive.<String, String>named("fetch").thenFail(first).thenFail(second);
    RetryPolicy policy =
        RetryPolicy.builder()
            .maxAttempts(3)
            .delay(Duration.ofMillis(100))
            .backoff(2.0)
            .jitter(0.0)
            .build();

    RetryPrimitive.of(step, policy).execute("in", WorkflowContext.create("wf", runtime));
    time.advance(LONG_ENOUGH);

    assertEquals(
        List.of(
            new RetryEvent("fetch", 2, first, Duration.ofMillis(100)),
            new RetryEvent("fetch", 3, second, Duration.ofMillis(200))),
        events);
  }
}

package dev.tta.primitives.processor.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.CacheStats;
import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowException;
import dev.tta.primitives.testing.VirtualTime;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Policies through generated code: each scenario of the policy issue, fast and latch-driven. */
class GeneratedPoliciesTest {

  private static final long PATIENCE_SECONDS = 10;

  @Test
  void retryMaxFiveCallsFiveTimesAndKeepsTheOriginalCause() {
    Policies.AlwaysFails steps = new Policies.AlwaysFails();

    WorkflowException e =
        assertThrows(
            WorkflowException.class, () -> new Policies_AlwaysFailsWorkflow(steps).run("x"));

    assertEquals(5, steps.calls.get());
    assertEquals(5, e.attempts());
    assertEquals("call", e.step());
    assertInstanceOf(IOException.class, e.getCause());
    assertEquals("attempt 5", e.getCause().getMessage());
    assertEquals(4, e.getSuppressed().length);
  }

  @Test
  void abortOnBeatsRetryOnForSubclasses() {
    Policies.Aborts steps = new Policies.Aborts();

    WorkflowException e =
        assertThrows(WorkflowException.class, () -> new Policies_AbortsWorkflow(steps).run("/x"));

    assertEquals(1, steps.calls.get());
    assertInstanceOf(FileNotFoundException.class, e.getCause());
  }

  @Test
  void maxDurationStopsRetriesEarlyOnTheRuntimeClock() {
    VirtualTime time = new VirtualTime();
    Policies.Budget steps = new Policies.Budget();
    CompletableFuture<String> result =
        new Policies_BudgetWorkflow(steps, time.runtime())
            .execute("x", WorkflowContext.create("t", time.runtime()));

    for (int i = 0; i < 10 && !result.isDone(); i++) {
      time.advance(Duration.ofMillis(100));
    }

    assertTrue(result.isCompletedExceptionally());
    // Attempts at 0, 100, 200 and 300ms; one at 400ms would start after the 350ms budget.
    assertEquals(4, steps.calls.get());
  }

  @Test
  void timeoutFailsASleepingStepWithTimeoutExceptionNearTheDeadline() {
    long start = System.nanoTime();

    WorkflowException e =
        assertThrows(
            WorkflowException.class,
            () -> new Policies_SlowWorkflow(new Policies.Slow()).run(false));

    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertInstanceOf(TimeoutException.class, e.getCause());
    assertTrue(millis >= 150 && millis < 1_500, "released after " + millis + "ms");
  }

  @Test
  void timeoutReleasesTheCallerEvenWhenTheStepIgnoresInterrupts() {
    Policies.Slow steps = new Policies.Slow();
    long start = System.nanoTime();
    try {
      WorkflowException e =
          assertThrows(WorkflowException.class, () -> new Policies_SlowWorkflow(steps).run(true));

      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertInstanceOf(TimeoutException.class, e.getCause());
      assertTrue(millis < 1_500, "released after " + millis + "ms");
    } finally {
      steps.release.countDown();
    }
  }

  @Test
  void timeoutWithRetryTimesEachAttemptSeparately() {
    Policies.PerAttempt steps = new Policies.PerAttempt();

    assertEquals("x on attempt 3", new Policies_PerAttemptWorkflow(steps).run("x"));
    assertEquals(3, steps.calls.get());
  }

  @Test
  void timeoutThenRetryThenFallbackReturnsTheFallbackValueWithOriginalArguments() {
    Policies.Degrades steps = new Policies.Degrades();

    String result = new Policies_DegradesWorkflow(steps).run("https://example.test", 7);

    assertEquals("cached https://example.test#7", result);
    assertEquals("https://example.test", steps.fallbackSaw.get(0));
    assertEquals(7, steps.fallbackSaw.get(1));
    assertInstanceOf(TimeoutException.class, steps.fallbackSaw.get(2));
  }

  @Test
  void fallbackAppliesOnMatchingFailuresAndSkipOnWins() {
    Policies_SkipsWorkflow workflow = new Policies_SkipsWorkflow(new Policies.Skips());

    assertEquals("recovered broken disk", workflow.run("disk"));
    WorkflowException e = assertThrows(WorkflowException.class, () -> workflow.run("missing.txt"));
    assertInstanceOf(FileNotFoundException.class, e.getCause());
  }

  @Test
  void fallbackChainReachesTheLastResort() {
    assertEquals(
        "last resort for job after secondary down after primary down",
        new Policies_ChainWorkflow(new Policies.Chain()).run("job"));
  }

  @Test
  void cacheHitsByKeyMethodAndStatsAreReachable() {
    Policies.CachedLookup steps = new Policies.CachedLookup();
    Policies_CachedLookupWorkflow workflow = new Policies_CachedLookupWorkflow(steps);

    assertEquals("ADA", workflow.run("ada"));
    assertEquals("ADA", workflow.run(" ADA "));

    assertEquals(1, steps.calls.get());
    CacheStats stats = workflow.lookupCacheStats();
    assertEquals(1, stats.hits());
    assertEquals(1, stats.misses());
  }

  @Test
  void failuresAndFallbackValuesAreNeverCached() {
    Policies.CachedLookup steps = new Policies.CachedLookup();
    Policies_CachedLookupWorkflow workflow = new Policies_CachedLookupWorkflow(steps);
    steps.broken = true;

    assertEquals("unknown", workflow.run("bob"));
    steps.broken = false;

    assertEquals("BOB", workflow.run("bob"));
    assertEquals(2, steps.calls.get());
  }

  @Test
  void concurrentCallsWithOneKeyRunOnce() throws Exception {
    Policies.CachedLookup steps = new Policies.CachedLookup();
    steps.gate = new CountDownLatch(1);
    Policies_CachedLookupWorkflow workflow = new Policies_CachedLookupWorkflow(steps);
    List<CompletableFuture<String>> results = new ArrayList<>();

    for (int i = 0; i < 8; i++) {
      results.add(workflow.runAsync("eve"));
    }
    steps.gate.countDown();

    for (CompletableFuture<String> result : results) {
      assertEquals("EVE", result.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
    }
    assertEquals(1, steps.calls.get());
  }

  @Test
  void cacheEntriesExpireAfterTheirTtlOnTheRuntimeClock() {
    VirtualTime time = new VirtualTime();
    Policies.CachedLookup steps = new Policies.CachedLookup();
    Policies_CachedLookupWorkflow workflow =
        new Policies_CachedLookupWorkflow(steps, time.runtime());

    workflow.run("kim");
    time.advance(Duration.ofSeconds(59));
    workflow.run("kim");
    assertEquals(1, steps.calls.get());

    time.advance(Duration.ofSeconds(2));
    workflow.run("kim");
    assertEquals(2, steps.calls.get());
  }

  @Test
  void classLevelCacheCachesTheWholeRun() {
    Policies.WholeRun steps = new Policies.WholeRun();
    Policies_WholeRunWorkflow workflow = new Policies_WholeRunWorkflow(steps);

    assertEquals(42, workflow.run("21"));
    assertEquals(42, workflow.run("21"));

    assertEquals(1, steps.runs.get());
    assertEquals(1, workflow.cacheStats().hits());
  }

  @Test
  void cancellingTheRunStopsRetries() {
    VirtualTime time = new VirtualTime();
    Policies.Endless steps = new Policies.Endless();
    CompletableFuture<String> result =
        new Policies_EndlessWorkflow(steps, time.runtime())
            .execute("x", WorkflowContext.create("t", time.runtime()));
    time.advance(Duration.ofMillis(20));
    assertEquals(2, steps.calls.get());

    assertTrue(result.cancel(true));
    time.advance(Duration.ofSeconds(10));

    assertEquals(2, steps.calls.get());
    assertEquals(0, time.pendingTasks());
    assertThrows(CancellationException.class, result::join);
  }

  @Test
  void cancellingRunAsyncStopsRetriesOnRealThreads() throws Exception {
    Policies.Endless steps = new Policies.Endless();
    CountDownLatch secondCall = new CountDownLatch(1);
    steps.onCall =
        n -> {
          if (n == 2) {
            secondCall.countDown();
          }
        };
    CompletableFuture<String> result = new Policies_EndlessWorkflow(steps).runAsync("x");
    assertTrue(secondCall.await(PATIENCE_SECONDS, TimeUnit.SECONDS));

    assertTrue(result.cancel(true));
    int callsAtCancel = steps.calls.get();
    CountDownLatch laterCall = new CountDownLatch(1);
    steps.onCall = n -> laterCall.countDown();

    // Retries come every 20ms; a second later call would mean they were not stopped. One may
    // already have been handed to a thread when cancel ran.
    laterCall.await(500, TimeUnit.MILLISECONDS);
    assertTrue(steps.calls.get() <= callsAtCancel + 1, "calls kept coming: " + steps.calls.get());
    assertThrows(CancellationException.class, result::join);
  }

  @Test
  void runAsyncFailureIsAWorkflowException() {
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () ->
                new Policies_AbortsWorkflow(new Policies.Aborts())
                    .runAsync("/y")
                    .get(PATIENCE_SECONDS, TimeUnit.SECONDS));

    WorkflowException cause = (WorkflowException) e.getCause();
    assertSame(FileNotFoundException.class, cause.getCause().getClass());
  }
}

package dev.tta.primitives.processor.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.BulkheadFullException;
import dev.tta.primitives.CircuitBreakerStats;
import dev.tta.primitives.CircuitOpenException;
import dev.tta.primitives.CircuitState;
import dev.tta.primitives.RateLimitExceededException;
import dev.tta.primitives.WorkflowException;
import dev.tta.primitives.WorkflowRuntime;
import dev.tta.primitives.testing.VirtualTime;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code @CircuitBreaker}, {@code @Bulkhead}, {@code @RateLimit} and {@code @Hedge} through
 * generated code: on a step, a parallel branch, a for-each element and the class, and shared by
 * name.
 */
class MorePoliciesTest {

  private static final long PATIENCE_SECONDS = 10;

  @Test
  void breakerOnAStepOpensAtTheRateAndHalfOpensAfterOpenFor() {
    VirtualTime time = new VirtualTime();
    MorePolicies.Breaker steps = new MorePolicies.Breaker();
    MorePolicies_BreakerWorkflow workflow = new MorePolicies_BreakerWorkflow(steps, time.runtime());

    assertEquals("ok:a", workflow.run("a"));
    assertInstanceOf(
        IOException.class,
        assertThrows(WorkflowException.class, () -> workflow.run("fail")).getCause());
    // One failure in two calls: the rate 0.5 is reached, the breaker opens.
    WorkflowException refused = assertThrows(WorkflowException.class, () -> workflow.run("b"));

    CircuitOpenException open = assertInstanceOf(CircuitOpenException.class, refused.getCause());
    assertEquals("call", refused.step());
    assertEquals(Duration.ofMinutes(1), open.halfOpensIn());
    assertEquals(2, steps.calls.get(), "an open breaker does not call the step");
    CircuitBreakerStats stats = workflow.callCircuitBreaker();
    assertEquals(CircuitState.OPEN, stats.state());
    assertEquals(1, stats.rejectedCalls());

    time.advance(Duration.ofMinutes(1));
    assertEquals("ok:c", workflow.run("c"), "the one trial call passes");
    assertEquals(CircuitState.CLOSED, workflow.callCircuitBreaker().state());
  }

  @Test
  void breakerCountsSkippedFailuresAsSuccesses() {
    MorePolicies.Breaker steps = new MorePolicies.Breaker();
    MorePolicies_BreakerWorkflow workflow = new MorePolicies_BreakerWorkflow(steps);

    for (int i = 0; i < 4; i++) {
      WorkflowException e = assertThrows(WorkflowException.class, () -> workflow.run("skip"));
      assertInstanceOf(IllegalArgumentException.class, e.getCause());
    }

    CircuitBreakerStats stats = workflow.callCircuitBreaker();
    assertEquals(CircuitState.CLOSED, stats.state());
    assertEquals(4, stats.calls());
    assertEquals(0, stats.failedCalls());
  }

  @Test
  void breakersWithoutANameBelongToTheirWorkflowObject() {
    WorkflowRuntime runtime = new VirtualTime().runtime();
    MorePolicies_BreakerWorkflow first =
        new MorePolicies_BreakerWorkflow(new MorePolicies.Breaker(), runtime);
    MorePolicies_BreakerWorkflow second =
        new MorePolicies_BreakerWorkflow(new MorePolicies.Breaker(), runtime);

    assertThrows(WorkflowException.class, () -> first.run("fail1"));
    assertThrows(WorkflowException.class, () -> first.run("fail2"));

    assertEquals(CircuitState.OPEN, first.callCircuitBreaker().state());
    assertEquals(CircuitState.CLOSED, second.callCircuitBreaker().state());
    assertEquals("ok:x", second.run("x"));
  }

  @Test
  void retriesPassTheBreakerAndStopAtCircuitOpen() {
    MorePolicies.RetriedBreaker steps = new MorePolicies.RetriedBreaker();

    WorkflowException e =
        assertThrows(
            WorkflowException.class, () -> new MorePolicies_RetriedBreakerWorkflow(steps).run("x"));

    assertInstanceOf(CircuitOpenException.class, e.getCause());
    assertEquals(2, steps.calls.get(), "two attempts fail, the third is refused and not retried");
    assertEquals(3, e.attempts());
  }

  @Test
  void bulkheadRunsOneCallQueuesOneAndRejectsTheNext() throws Exception {
    VirtualTime time = new VirtualTime();
    MorePolicies.OneAtATime steps = new MorePolicies.OneAtATime();
    MorePolicies_OneAtATimeWorkflow workflow =
        new MorePolicies_OneAtATimeWorkflow(steps, time.runtime());
    try {
      CompletableFuture<String> first = workflow.runAsync("a");
      assertTrue(steps.entered.await(PATIENCE_SECONDS, TimeUnit.SECONDS));
      CompletableFuture<String> queued = queue(workflow, time, "b");

      WorkflowException rejected = assertThrows(WorkflowException.class, () -> workflow.run("c"));

      assertInstanceOf(BulkheadFullException.class, rejected.getCause());
      assertEquals("hold", rejected.step());
      assertFalse(queued.isDone(), "the queued call waits for the slot");
      steps.release.countDown();
      assertEquals("held:a", first.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
      assertEquals("held:b", queued.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
      assertEquals(2, steps.calls.get());
    } finally {
      steps.release.countDown();
    }
  }

  @Test
  void aQueuedBulkheadCallFailsAfterMaxWait() throws Exception {
    VirtualTime time = new VirtualTime();
    MorePolicies.OneAtATime steps = new MorePolicies.OneAtATime();
    MorePolicies_OneAtATimeWorkflow workflow =
        new MorePolicies_OneAtATimeWorkflow(steps, time.runtime());
    try {
      CompletableFuture<String> first = workflow.runAsync("a");
      assertTrue(steps.entered.await(PATIENCE_SECONDS, TimeUnit.SECONDS));
      CompletableFuture<String> queued = queue(workflow, time, "b");

      time.advance(Duration.ofHours(1));

      Throwable failure = queued.handle((v, t) -> t).get(PATIENCE_SECONDS, TimeUnit.SECONDS);
      WorkflowException e = assertInstanceOf(WorkflowException.class, failure);
      assertInstanceOf(BulkheadFullException.class, e.getCause());
      assertFalse(first.isDone(), "the call in flight is not limited by maxWait");
      steps.release.countDown();
      assertEquals("held:a", first.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
      assertEquals(1, steps.calls.get());
    } finally {
      steps.release.countDown();
    }
  }

  @Test
  void cancellingAQueuedBulkheadCallNeverStartsIt() throws Exception {
    VirtualTime time = new VirtualTime();
    MorePolicies.OneAtATime steps = new MorePolicies.OneAtATime();
    MorePolicies_OneAtATimeWorkflow workflow =
        new MorePolicies_OneAtATimeWorkflow(steps, time.runtime());
    try {
      CompletableFuture<String> first = workflow.runAsync("a");
      assertTrue(steps.entered.await(PATIENCE_SECONDS, TimeUnit.SECONDS));
      CompletableFuture<String> queued = queue(workflow, time, "b");

      assertTrue(queued.cancel(true));
      steps.release.countDown();

      assertEquals("held:a", first.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
      // The queue place is free again: a later call runs, and the cancelled one never did.
      assertEquals("held:c", workflow.run("c"));
      assertEquals(2, steps.calls.get());
      assertInstanceOf(
          CancellationException.class, queued.handle((v, t) -> t).get(), "ended cancelled");
    } finally {
      steps.release.countDown();
    }
  }

  /** Starts a run of {@code in} and returns once it waits in the bulkhead's queue. */
  private static CompletableFuture<String> queue(
      MorePolicies_OneAtATimeWorkflow workflow, VirtualTime time, String in) {
    int before = time.pendingTasks();
    CompletableFuture<String> queued = workflow.runAsync(in);
    while (time.pendingTasks() == before) {
      Thread.onSpinWait(); // a queued call schedules its maxWait on the virtual scheduler
    }
    return queued;
  }

  @Test
  void rateLimitAllowsPermitsPerIntervalOnVirtualTime() {
    VirtualTime time = new VirtualTime();
    MorePolicies.TwoPerMinute steps = new MorePolicies.TwoPerMinute();
    MorePolicies_TwoPerMinuteWorkflow workflow =
        new MorePolicies_TwoPerMinuteWorkflow(steps, time.runtime());

    assertEquals("ok:a", workflow.run("a"));
    assertEquals("ok:b", workflow.run("b"));
    WorkflowException e = assertThrows(WorkflowException.class, () -> workflow.run("c"));

    RateLimitExceededException limit =
        assertInstanceOf(RateLimitExceededException.class, e.getCause());
    assertEquals("call", e.step());
    assertEquals(Duration.ofMinutes(1), limit.waitNeeded());
    assertEquals(2, steps.calls.get());

    time.advance(Duration.ofSeconds(59));
    assertThrows(WorkflowException.class, () -> workflow.run("d"));
    time.advance(Duration.ofSeconds(1));
    assertEquals("ok:e", workflow.run("e"));
  }

  @Test
  void rateLimitWaitsOnTheSchedulerForThePermit() throws Exception {
    VirtualTime time = new VirtualTime();
    MorePolicies.OnePerSecond steps = new MorePolicies.OnePerSecond();
    MorePolicies_OnePerSecondWorkflow workflow =
        new MorePolicies_OnePerSecondWorkflow(steps, time.runtime());

    assertEquals("ok:a", workflow.run("a"));
    CompletableFuture<String> waiting = workflow.runAsync("b");
    while (time.pendingTasks() == 0) {
      Thread.onSpinWait(); // until the run has reached the limiter and scheduled its wait
    }

    assertFalse(waiting.isDone());
    assertEquals(1, steps.calls.get());
    time.advance(Duration.ofSeconds(1));
    assertEquals("ok:b", waiting.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
    assertEquals(2, steps.calls.get());
  }

  @Test
  void hedgeStartsASecondCallAfterTheDelayAndCancelsTheSlowOne() throws Exception {
    VirtualTime time = new VirtualTime();
    MorePolicies.Hedged steps = new MorePolicies.Hedged();
    MorePolicies_HedgedWorkflow workflow = new MorePolicies_HedgedWorkflow(steps, time.runtime());

    CompletableFuture<String> result = workflow.runAsync("x");
    assertTrue(steps.firstEntered.await(PATIENCE_SECONDS, TimeUnit.SECONDS));
    while (time.pendingTasks() == 0) {
      Thread.onSpinWait(); // until the hedge has scheduled its next call
    }
    assertFalse(result.isDone());
    time.advance(Duration.ofMillis(50));

    assertEquals("hedged:x", result.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
    assertTrue(
        steps.firstInterrupted.await(PATIENCE_SECONDS, TimeUnit.SECONDS),
        "the losing call was interrupted");
    assertEquals(2, steps.calls.get());
  }

  @Test
  void rateLimitOnAParallelBranchNamesThatBranch() {
    MorePolicies_LimitedBranchWorkflow workflow =
        new MorePolicies_LimitedBranchWorkflow(new MorePolicies.LimitedBranch());

    MorePolicies_LimitedBranchWorkflow.Output output = workflow.run("x");
    assertEquals("limited:x", output.limited());
    WorkflowException e = assertThrows(WorkflowException.class, () -> workflow.run("y"));

    assertInstanceOf(RateLimitExceededException.class, e.getCause());
    assertEquals("limited", e.step());
  }

  @Test
  void rateLimitOnAForEachStepCountsEveryElement() {
    MorePolicies_LimitedElementsWorkflow workflow =
        new MorePolicies_LimitedElementsWorkflow(new MorePolicies.LimitedElements());

    assertEquals(List.of("a!", "b!"), workflow.run("a,b"));
    WorkflowException e = assertThrows(WorkflowException.class, () -> workflow.run("c"));

    assertInstanceOf(RateLimitExceededException.class, e.getCause());
    assertEquals("fetch", e.step());
  }

  @Test
  void bulkheadOnAForEachStepBoundsElementsInFlight() {
    MorePolicies.OneElementAtATime steps = new MorePolicies.OneElementAtATime();

    List<String> result = new MorePolicies_OneElementAtATimeWorkflow(steps).run("a,b,c,d,e,f,g,h");

    assertEquals(List.of("a!", "b!", "c!", "d!", "e!", "f!", "g!", "h!"), result);
    assertEquals(1, steps.mostInFlight.get());
  }

  @Test
  void breakerOnTheClassGuardsWholeRuns() {
    MorePolicies.WholeBreaker steps = new MorePolicies.WholeBreaker();
    MorePolicies_WholeBreakerWorkflow workflow = new MorePolicies_WholeBreakerWorkflow(steps);

    assertThrows(WorkflowException.class, () -> workflow.run("a"));
    assertThrows(WorkflowException.class, () -> workflow.run("b"));
    WorkflowException e = assertThrows(WorkflowException.class, () -> workflow.run("c"));

    assertInstanceOf(CircuitOpenException.class, e.getCause());
    assertEquals("WholeBreaker", e.workflow());
    assertEquals("WholeBreaker", e.step(), "a whole-run refusal names the workflow");
    assertEquals(2, steps.calls.get());
    assertEquals(CircuitState.OPEN, workflow.circuitBreaker().state());
  }

  @Test
  void aNamedRateLimitIsSharedAcrossWorkflowsOfOneRuntime() {
    WorkflowRuntime runtime = new VirtualTime().runtime();
    WorkflowRuntime other = new VirtualTime().runtime();

    assertEquals(
        "a:x",
        new MorePolicies_SharedLimitAWorkflow(new MorePolicies.SharedLimitA(), runtime).run("x"));
    WorkflowException e =
        assertThrows(
            WorkflowException.class,
            () ->
                new MorePolicies_SharedLimitBWorkflow(new MorePolicies.SharedLimitB(), runtime)
                    .run("y"));

    RateLimitExceededException limit =
        assertInstanceOf(RateLimitExceededException.class, e.getCause());
    assertEquals("api", limit.limiter());
    assertEquals(
        "b:z",
        new MorePolicies_SharedLimitBWorkflow(new MorePolicies.SharedLimitB(), other).run("z"));
  }

  @Test
  void aNamedBreakerIsSharedAcrossWorkflowObjects() {
    WorkflowRuntime runtime = new VirtualTime().runtime();
    MorePolicies_SharedBreakerWorkflow first =
        new MorePolicies_SharedBreakerWorkflow(new MorePolicies.SharedBreaker(), runtime);
    MorePolicies_SharedBreakerWorkflow second =
        new MorePolicies_SharedBreakerWorkflow(new MorePolicies.SharedBreaker(), runtime);

    assertInstanceOf(
        IOException.class, assertThrows(WorkflowException.class, () -> first.run("a")).getCause());
    WorkflowException e = assertThrows(WorkflowException.class, () -> second.run("b"));

    CircuitOpenException open = assertInstanceOf(CircuitOpenException.class, e.getCause());
    assertEquals("backend", open.breaker());
    assertEquals(CircuitState.OPEN, second.callCircuitBreaker().state());
  }

  @Test
  void aCallRunInPlaceThatFindsNoSlotSpendsOnePermitOnly() throws Exception {
    VirtualTime time = new VirtualTime();
    MorePolicies.Guarded steps = new MorePolicies.Guarded();
    MorePolicies_GuardedWorkflow workflow = new MorePolicies_GuardedWorkflow(steps, time.runtime());
    try {
      CompletableFuture<String> holder = workflow.runAsync("a"); // permit 1, the slot
      assertTrue(steps.entered.await(PATIENCE_SECONDS, TimeUnit.SECONDS));

      // run() calls the step in place when it can; here the slot is taken, so the stage goes
      // through the primitives, which take permit 2 and refuse for the bulkhead.
      WorkflowException full = assertThrows(WorkflowException.class, () -> workflow.run("b"));
      assertInstanceOf(BulkheadFullException.class, full.getCause());

      steps.release.countDown();
      assertEquals("ok:a", holder.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
      assertEquals("ok:c", workflow.run("c"), "permit 3: the refused call spent only one");
      WorkflowException limited = assertThrows(WorkflowException.class, () -> workflow.run("d"));
      assertInstanceOf(RateLimitExceededException.class, limited.getCause());
      assertEquals(2, steps.calls.get());
      assertEquals(CircuitState.CLOSED, workflow.callCircuitBreaker().state());
      assertEquals(2, workflow.callCircuitBreaker().calls(), "a and c: refusals are not counted");
    } finally {
      steps.release.countDown();
    }
  }

  @Test
  void aBreakerOnAParallelBranchOpensForThatBranchAlone() {
    MorePolicies.GuardedBranches steps = new MorePolicies.GuardedBranches();
    MorePolicies_GuardedBranchesWorkflow workflow =
        new MorePolicies_GuardedBranchesWorkflow(steps, new VirtualTime().runtime());

    WorkflowException first = assertThrows(WorkflowException.class, () -> workflow.run("a"));
    WorkflowException second = assertThrows(WorkflowException.class, () -> workflow.run("b"));

    assertInstanceOf(IOException.class, first.getCause());
    assertEquals("flaky", first.step());
    assertInstanceOf(CircuitOpenException.class, second.getCause());
    assertEquals("flaky", second.step());
    assertEquals(1, steps.flakyCalls.get());
    assertEquals(CircuitState.OPEN, workflow.flakyCircuitBreaker().state());
  }

  @Test
  void aBreakerOnAForEachStepCountsEveryElement() {
    MorePolicies.GuardedElements steps = new MorePolicies.GuardedElements();
    MorePolicies_GuardedElementsWorkflow workflow =
        new MorePolicies_GuardedElementsWorkflow(steps, new VirtualTime().runtime());

    assertInstanceOf(
        IOException.class,
        assertThrows(WorkflowException.class, () -> workflow.run("a")).getCause());
    assertInstanceOf(
        IOException.class,
        assertThrows(WorkflowException.class, () -> workflow.run("b")).getCause());
    WorkflowException refused = assertThrows(WorkflowException.class, () -> workflow.run("c,d"));

    assertInstanceOf(CircuitOpenException.class, refused.getCause());
    assertEquals("fetch", refused.step());
    assertEquals(2, steps.calls.get(), "an open breaker calls no element");
  }

  @Test
  void aRateLimitOnTheClassLimitsWholeRuns() {
    MorePolicies_LimitedRunsWorkflow workflow =
        new MorePolicies_LimitedRunsWorkflow(
            new MorePolicies.LimitedRuns(), new VirtualTime().runtime());

    assertEquals("ok:a", workflow.run("a"));
    WorkflowException e = assertThrows(WorkflowException.class, () -> workflow.run("b"));

    assertInstanceOf(RateLimitExceededException.class, e.getCause());
    assertEquals("LimitedRuns", e.step(), "a whole-run refusal names the workflow");
  }
}

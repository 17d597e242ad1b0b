package dev.tta.primitives.processor.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowException;
import dev.tta.primitives.testing.VirtualTime;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Policies hold on each parallel branch and on each for-each element, through generated code. */
class BranchPoliciesTest {

  private static final long PATIENCE_SECONDS = 10;

  @Test
  void retryOnAParallelBranchRetriesThatBranchOnly() {
    BranchPolicies.FlakyBranch steps = new BranchPolicies.FlakyBranch();

    BranchPolicies_FlakyBranchWorkflow.Output output =
        new BranchPolicies_FlakyBranchWorkflow(steps).run("x");

    assertEquals("flaky:x", output.flaky());
    assertEquals("steady:x", output.steady());
    assertEquals(3, steps.flakyCalls.get());
    assertEquals(1, steps.steadyCalls.get());
  }

  @Test
  void forEachTimeoutFailsTheRunAtTheDeadlineWhileAnElementIgnoresInterrupts() throws Exception {
    BranchPolicies.HangingElement steps = new BranchPolicies.HangingElement();
    long start = System.nanoTime();
    try {
      WorkflowException e =
          assertThrows(
              WorkflowException.class,
              () -> new BranchPolicies_HangingElementWorkflow(steps).run("a,hang,b"));

      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertInstanceOf(TimeoutException.class, e.getCause());
      assertEquals("fetch", e.step());
      // The hang lasts until the latch opens (up to 30s): the run did not wait for it.
      assertTrue(millis < 5_000, "released after " + millis + "ms");
      assertEquals(1, steps.hangEnded.getCount(), "the hanging element had already ended");
      // It was interrupted at the deadline, and ignored it.
      assertTrue(steps.interrupted.await(PATIENCE_SECONDS, TimeUnit.SECONDS));
      assertEquals(1, steps.hangEnded.getCount(), "the hanging element gave in to the interrupt");
    } finally {
      steps.release.countDown();
    }
    assertTrue(steps.hangEnded.await(PATIENCE_SECONDS, TimeUnit.SECONDS));
  }

  @Test
  void retryOnAForEachStepRetriesEachElementOnItsOwn() {
    BranchPolicies.FlakyElements steps = new BranchPolicies.FlakyElements();

    List<String> result = new BranchPolicies_FlakyElementsWorkflow(steps).run("a,b,c,d");

    assertEquals(List.of("A", "B", "C", "D"), result);
    for (String item : List.of("a", "b", "c", "d")) {
      assertEquals(2, steps.calls.get(item).get(), "calls of " + item);
    }
  }

  @Test
  void retryOnAForEachStepGivesUpOnAnElementThatKeepsFailing() {
    BranchPolicies.FlakyElements steps = new BranchPolicies.FlakyElements();
    steps.broken.add("b");

    WorkflowException e =
        assertThrows(
            WorkflowException.class,
            () -> new BranchPolicies_FlakyElementsWorkflow(steps).run("a,b,c"));

    assertEquals(2, e.attempts());
    assertEquals("fetch", e.step());
    assertInstanceOf(IOException.class, e.getCause());
    assertEquals("call 2 of b", e.getCause().getMessage());
    assertEquals(2, steps.calls.get("b").get());
  }

  @Test
  void fallbackOnAForEachStepReplacesOnlyTheFailingElements() {
    BranchPolicies.PartialElements steps = new BranchPolicies.PartialElements();

    List<String> result =
        new BranchPolicies_PartialElementsWorkflow(steps).run("one,bad1,three,bad2");

    assertEquals(List.of("ONE", "?bad1", "THREE", "?bad2"), result);
    assertEquals(4, steps.parsed.size());
    assertEquals(2, steps.causes.size());
    assertTrue(
        steps.causes.stream().anyMatch(c -> c.getMessage().equals("cannot parse bad1")),
        steps.causes.toString());
  }

  @Test
  void asyncStepIsRetriedAfterEachPerAttemptTimeout() throws Exception {
    VirtualTime time = new VirtualTime();
    BranchPolicies.AsyncAttempts steps = new BranchPolicies.AsyncAttempts();
    CompletableFuture<String> result =
        new BranchPolicies_AsyncAttemptsWorkflow(steps, time.runtime())
            .execute("q", WorkflowContext.create("t", time.runtime()));
    assertEquals(1, steps.attempts.size());

    time.advance(Duration.ofMillis(999));
    assertFalse(result.isDone());
    time.advance(Duration.ofMillis(1)); // attempt 1's deadline
    assertTrue(steps.attempts.get(0).isCancelled(), "the late attempt was not cancelled");
    assertEquals(1, steps.attempts.size(), "retried before the delay");

    time.advance(Duration.ofMillis(100)); // the retry delay
    assertEquals(2, steps.attempts.size());
    steps.attempts.get(1).complete("42");

    assertEquals("42", result.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
    assertEquals(2, steps.attempts.size());
    // Attempt 1's deadline, the wait, attempt 2's deadline: no thread slept.
    assertEquals(
        List.of(Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofSeconds(1)),
        time.scheduledDelays());
  }

  @Test
  void asyncStepTimingOutOnEveryAttemptFailsWithTheLastTimeout() {
    VirtualTime time = new VirtualTime();
    BranchPolicies.AsyncAttempts steps = new BranchPolicies.AsyncAttempts();
    CompletableFuture<String> result =
        new BranchPolicies_AsyncAttemptsWorkflow(steps, time.runtime())
            .execute("q", WorkflowContext.create("t", time.runtime()));

    for (int i = 0; i < 10 && !result.isDone(); i++) {
      time.advance(Duration.ofMillis(550));
    }

    ExecutionException e =
        assertThrows(
            ExecutionException.class, () -> result.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
    WorkflowException failure = assertInstanceOf(WorkflowException.class, e.getCause());
    assertEquals(3, failure.attempts());
    assertInstanceOf(TimeoutException.class, failure.getCause());
    assertEquals(3, steps.attempts.size());
    assertTrue(steps.attempts.stream().allMatch(CompletableFuture::isCancelled));
    assertEquals(0, time.pendingTasks());
  }

  @Test
  void forEachTimeoutIsPerElementNotPerStage() throws Exception {
    VirtualTime time = new VirtualTime();
    BranchPolicies.SlowElements steps = new BranchPolicies.SlowElements();
    CompletableFuture<List<Integer>> result =
        new BranchPolicies_SlowElementsWorkflow(steps, time.runtime())
            .execute("a,bb,ccc", WorkflowContext.create("t", time.runtime()));

    // One element at a time, each answering after 600ms of its 1s: 1.8s in all.
    for (int i = 0; i < 3; i++) {
      assertEquals(i + 1, steps.started.size(), "elements started");
      time.advance(Duration.ofMillis(600));
      assertFalse(result.isDone());
      steps.started.get(i).complete(i + 1);
    }

    assertEquals(List.of(1, 2, 3), result.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
    assertEquals(0, time.pendingTasks());
  }
}

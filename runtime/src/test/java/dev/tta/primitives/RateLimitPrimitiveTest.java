package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.testing.VirtualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Starts per interval, bursts, max wait and cancellation of a rate limit, on virtual time. */
class RateLimitPrimitiveTest {

  private final VirtualTime time = new VirtualTime();
  private final RejectionLog rejections = new RejectionLog();
  private final WorkflowRuntime runtime = time.runtime().toBuilder().listener(rejections).build();
  private final WorkflowContext context = WorkflowContext.create("wf", runtime);

  private static RateLimitPolicy policy(int permits, Duration per, Duration maxWait) {
    return RateLimitPolicy.builder().permits(permits).per(per).maxWait(maxWait).build();
  }

  /** A call that was cancelled, or never started because its run was, fails with this. */
  private static void assertCancelled(CompletableFuture<?> future) {
    assertCancelled(future, "should have failed with a CancellationException");
  }

  private static void assertCancelled(CompletableFuture<?> future, String message) {
    assertTrue(future.isDone(), message);
    assertThrows(CancellationException.class, future::join, message);
  }

  private static Throwable failureOf(CompletableFuture<?> future) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(0, SECONDS));
    return e.getCause();
  }

  private void advanceMillis(long millis) {
    time.advance(Duration.ofMillis(millis));
  }

  @Test
  void threePerSecondStartsThreeAtOnceAndTheRestWhenTheIntervalHasPassed() {
    Gate gate = new Gate("api");
    RateLimitPrimitive<String, String> limit =
        RateLimitPrimitive.of(gate, policy(3, Duration.ofSeconds(1), null));

    List<CompletableFuture<String>> calls = new ArrayList<>();
    for (String in : List.of("a", "b", "c", "d", "e")) {
      calls.add(limit.execute(in, context));
    }
    assertEquals(List.of(0L, 0L, 0L), gate.startedAtMillis(), "a burst of 3 at t=0");
    assertEquals(2, limit.waiting());
    assertEquals(List.of(Duration.ofSeconds(1)), time.scheduledDelays(), "one timer for both");

    advanceMillis(999);
    assertEquals(3, gate.inputs().size(), "[0, 1s) holds 3 starts");
    advanceMillis(1);
    assertEquals(List.of(0L, 0L, 0L, 1000L, 1000L), gate.startedAtMillis());
    assertEquals(List.of("a", "b", "c", "d", "e"), gate.inputs(), "first come, first served");
    assertEquals(0, limit.waiting());
    assertEquals(0, time.pendingTasks());
    for (int i = 0; i < 5; i++) {
      gate.finish(i);
    }
    assertEquals("E", calls.get(4).join());
  }

  @Test
  void aLargeLimitStartsItsBurstsExactly() {
    Gate gate = new Gate("api");
    RateLimitPrimitive<String, String> limit =
        RateLimitPrimitive.of(gate, policy(40, Duration.ofSeconds(1), null));
    for (int i = 0; i < 100; i++) {
      limit.execute("x" + i, context);
    }
    assertEquals(40, gate.inputs().size());
    advanceMillis(1000);
    assertEquals(80, gate.inputs().size());
    advanceMillis(999);
    assertEquals(80, gate.inputs().size());
    advanceMillis(1);
    List<Long> started = gate.startedAtMillis();
    assertEquals(100, started.size());
    assertEquals(2000L, started.get(99));
    assertEquals(1000L, started.get(40));
  }

  @Test
  void aHugeLimitCostsOnlyTheStartsItSees() {
    Gate gate = new Gate("api");
    RateLimitPrimitive<String, String> limit =
        RateLimitPrimitive.of(gate, policy(Integer.MAX_VALUE, Duration.ofDays(365), Duration.ZERO));
    for (int i = 0; i < 1000; i++) {
      limit.execute("x" + i, context);
    }
    assertEquals(1000, gate.inputs().size());
  }

  @Test
  void theWindowSlidesOverTheLastStarts() {
    Gate gate = new Gate("api");
    RateLimitPrimitive<String, String> limit =
        RateLimitPrimitive.of(gate, policy(2, Duration.ofSeconds(1), null));

    limit.execute("a", context); // 0
    advanceMillis(500);
    limit.execute("b", context); // 500
    advanceMillis(100);
    limit.execute("c", context); // waits for 1000: [0, 1000) is full
    advanceMillis(600); // now 1200
    limit.execute("d", context); // waits for 1500: [500, 1500) holds b and c
    advanceMillis(1000);
    assertEquals(List.of(0L, 500L, 1000L, 1500L), gate.startedAtMillis());
  }

  /** Random arrivals: every call starts at the earliest time the rule allows, in arrival order. */
  @Test
  void startsAreExactlyTheEarliestTheRuleAllows() {
    int permits = 3;
    long per = 1000;
    Gate gate = new Gate("api");
    RateLimitPrimitive<String, String> limit =
        RateLimitPrimitive.of(gate, policy(permits, Duration.ofMillis(per), null));
    Random random = new Random(42);
    List<Long> arrivals = new ArrayList<>();
    long now = 0;
    for (int i = 0; i < 200; i++) {
      long step = random.nextInt(4) == 0 ? random.nextInt(1500) : random.nextInt(3) * 10;
      advanceMillis(step);
      now += step;
      arrivals.add(now);
      limit.execute("x" + i, context);
    }
    advanceMillis(1_000_000);

    List<Long> expected = new ArrayList<>();
    for (int k = 0; k < arrivals.size(); k++) {
      long start = arrivals.get(k);
      if (k > 0) {
        start = Math.max(start, expected.get(k - 1));
      }
      if (k >= permits) {
        start = Math.max(start, expected.get(k - permits) + per);
      }
      expected.add(start);
    }
    List<Long> started = gate.startedAtMillis();
    assertEquals(expected, started);
    for (int k = permits; k < started.size(); k++) {
      assertTrue(started.get(k) - started.get(k - permits) >= per, "window at " + k);
    }
    assertNotEquals(arrivals, started, "some calls had to wait");
  }

  @Test
  void aZeroMaxWaitRejectsAtOnceWithoutRunningOrScheduling() {
    Gate gate = new Gate("api");
    RateLimitPrimitive<String, String> limit =
        RateLimitPrimitive.of(gate, policy(1, Duration.ofSeconds(1), Duration.ZERO));

    limit.execute("a", context);
    advanceMillis(400);
    CompletableFuture<String> b = limit.execute("b", context);

    RateLimitExceededException e = assertInstanceOf(RateLimitExceededException.class, failureOf(b));
    assertEquals("api", e.limiter());
    assertEquals(Duration.ofMillis(600), e.waitNeeded());
    assertEquals(List.of("api: RateLimitExceededException"), rejections.heard);
    assertEquals(List.of("a"), gate.inputs());
    assertEquals(List.of(), time.scheduledDelays());

    advanceMillis(600);
    limit.execute("c", context); // [1000, 2000) is empty
    assertEquals(List.of(0L, 1000L), gate.startedAtMillis());
  }

  @Test
  void aBoundedMaxWaitAdmitsShortWaitsAndRejectsLongerOnes() {
    Gate gate = new Gate("api");
    RateLimitPrimitive<String, String> limit =
        RateLimitPrimitive.of(gate, policy(1, Duration.ofSeconds(1), Duration.ofMillis(1500)));

    limit.execute("a", context);
    CompletableFuture<String> b = limit.execute("b", context); // waits 1s
    CompletableFuture<String> c = limit.execute("c", context); // would wait 2s

    assertFalse(b.isDone());
    RateLimitExceededException e = assertInstanceOf(RateLimitExceededException.class, failureOf(c));
    assertEquals(Duration.ofSeconds(2), e.waitNeeded());
    advanceMillis(1000);
    assertEquals(List.of(0L, 1000L), gate.startedAtMillis());
    gate.finish(1);
    assertEquals("B", b.join());
  }

  @Test
  void cancellingAWaitingCallGivesItsPermitToTheCallsBehind() {
    Gate gate = new Gate("api");
    RateLimitPrimitive<String, String> limit =
        RateLimitPrimitive.of(gate, policy(1, Duration.ofSeconds(1), Duration.ofMillis(2000)));

    limit.execute("a", context); // 0
    CompletableFuture<String> b = limit.execute("b", context); // expects 1000
    CompletableFuture<String> c = limit.execute("c", context); // expects 2000
    assertInstanceOf(
        RateLimitExceededException.class,
        failureOf(limit.execute("x", context)),
        "3000 is past maxWait");
    rejections.heard.clear();

    assertTrue(b.cancel(true));
    assertEquals(1, limit.waiting());
    CompletableFuture<String> d = limit.execute("d", context); // c moved to 1000: d expects 2000
    assertFalse(d.isDone(), "admitted: b's permit went back");

    advanceMillis(3000);
    assertEquals(List.of("a", "c", "d"), gate.inputs(), "the cancelled b never started");
    assertEquals(List.of(0L, 1000L, 2000L), gate.startedAtMillis());
    assertEquals(List.of(), rejections.heard);
    gate.finish(1);
    assertEquals("C", c.join());
  }

  @Test
  void cancellingEveryWaitingCallStopsTheTimer() {
    Gate gate = new Gate("api");
    RateLimitPrimitive<String, String> limit =
        RateLimitPrimitive.of(gate, policy(1, Duration.ofSeconds(1), null));

    limit.execute("a", context);
    CompletableFuture<String> b = limit.execute("b", context);
    CompletableFuture<String> c = limit.execute("c", context);
    c.cancel(true);
    b.cancel(true);
    assertEquals(0, time.pendingTasks());
    advanceMillis(5000);
    assertEquals(List.of("a"), gate.inputs());
    limit.execute("d", context);
    assertEquals(List.of(0L, 5000L), gate.startedAtMillis(), "nothing reserved is left");
  }

  @Test
  void aWaitingCallWhoseRunWasCancelledNeverStartsAndGivesItsPermitBack() {
    Gate gate = new Gate("api");
    RateLimitPrimitive<String, String> limit =
        RateLimitPrimitive.of(gate, policy(1, Duration.ofSeconds(1), null));
    StoppedScope run = new StoppedScope();

    limit.execute("a", context); // 0
    CompletableFuture<String> b = limit.execute("b", run.context(runtime)); // expects 1000
    CompletableFuture<String> c = limit.execute("c", context); // expects 2000
    run.stop(); // the cancel has not reached b's future

    advanceMillis(1000);
    assertCancelled(b);
    assertEquals(List.of(0L, 1000L), gate.startedAtMillis(), "c took b's permit at 1000");
    assertEquals(List.of("a", "c"), gate.inputs());
    assertFalse(c.isDone());

    int scheduled = time.scheduledDelays().size();
    CompletableFuture<String> e = limit.execute("e", run.context(runtime));
    assertCancelled(e, "a cancelled run does not wait");
    assertEquals(scheduled, time.scheduledDelays().size(), "no wait was scheduled");
    assertEquals(List.of(), rejections.heard);
  }

  @Test
  void aBlockingDelegateThatWaitedRunsOnTheExecutor() throws Exception {
    LambdaPrimitive<String, String> blocking =
        LambdaPrimitive.of("api", (String in) -> in + "@" + Thread.currentThread().getName());
    RateLimitPrimitive<String, String> limit =
        RateLimitPrimitive.of(blocking, policy(1, Duration.ofSeconds(1), null));

    String first = limit.execute("a", context).get(10, SECONDS);
    CompletableFuture<String> second = limit.execute("b", context);
    assertEquals("a@" + Thread.currentThread().getName(), first, "a permit at once: in place");
    assertFalse(second.isDone());
    advanceMillis(1000);
    String ran = second.get(10, SECONDS);
    assertTrue(ran.startsWith("b@tta-worker-"), ran);
  }

  @Test
  void aSharedNameSharesThePermitsAcrossStepsAndNamesTheRejection() {
    Gate first = new Gate("search");
    Gate second = new Gate("fetch");
    RateLimitPolicy one = policy(1, Duration.ofSeconds(1), Duration.ZERO);
    RateLimitPrimitive<String, String> searches =
        RateLimitPrimitive.shared(first, one, "api-key", runtime);
    RateLimitPrimitive<String, String> fetches =
        RateLimitPrimitive.shared(second, one, "api-key", runtime);

    searches.execute("a", context);
    RateLimitExceededException e =
        assertInstanceOf(
            RateLimitExceededException.class, failureOf(fetches.execute("b", context)));
    assertEquals("api-key", e.limiter());
    assertEquals(List.of("fetch: RateLimitExceededException"), rejections.heard);
    RateLimitPrimitive.of(second, one).execute("c", context);
    assertEquals(List.of("c"), second.inputs(), "an unnamed limit has permits of its own");

    IllegalStateException clash =
        assertThrows(
            IllegalStateException.class,
            () ->
                RateLimitPrimitive.shared(
                    first, policy(2, Duration.ofSeconds(1), null), "api-key", runtime));
    assertTrue(clash.getMessage().contains("@RateLimit"), clash.getMessage());
  }

  @Test
  void aRunReportsTheRejectionAsAWorkflowExceptionNamingTheStep() {
    Gate gate = new Gate("api");
    RateLimitPrimitive<String, String> limit =
        RateLimitPrimitive.of(gate, policy(1, Duration.ofSeconds(1), Duration.ZERO));
    WorkflowRunner<String, String> workflow =
        WorkflowRunner.of("W", StepPrimitive.of("search", limit), runtime);

    limit.execute("a", context); // takes the only slot or permit
    WorkflowException e = assertThrows(WorkflowException.class, () -> workflow.run("b"));
    assertEquals("search", e.step());
    assertInstanceOf(RateLimitExceededException.class, e.getCause());
  }

  @Test
  void policiesCheckTheirRanges() {
    assertEquals(new RateLimitPolicy(10, Duration.ofSeconds(1), null), RateLimitPolicy.defaults());
    assertEquals(RateLimitPolicy.defaults(), RateLimitPolicy.builder().build());
    assertThrows(IllegalArgumentException.class, () -> policy(0, Duration.ofSeconds(1), null));
    assertThrows(IllegalArgumentException.class, () -> policy(1, Duration.ZERO, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> policy(1, Duration.ofSeconds(1), Duration.ofMillis(-1)));
    assertThrows(NullPointerException.class, () -> policy(1, null, null));
  }
}

package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.testing.VirtualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Slots, the waiting queue, max wait, cancellation and exact concurrency of a bulkhead. */
class BulkheadPrimitiveTest {

  private final VirtualTime time = new VirtualTime();
  private final RejectionLog rejections = new RejectionLog();
  private final WorkflowRuntime runtime = time.runtime().toBuilder().listener(rejections).build();
  private final WorkflowContext context = WorkflowContext.create("wf", runtime);

  private static BulkheadPolicy policy(int value, int queue, Duration maxWait) {
    return BulkheadPolicy.builder().value(value).queue(queue).maxWait(maxWait).build();
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

  @Test
  void callsBeyondTheSlotsAreRejectedWithoutRunningWhenThereIsNoQueue() {
    Gate gate = new Gate("db");
    BulkheadPrimitive<String, String> bulkhead = BulkheadPrimitive.of(gate, policy(2, 0, null));

    CompletableFuture<String> a = bulkhead.execute("a", context);
    CompletableFuture<String> b = bulkhead.execute("b", context);
    CompletableFuture<String> c = bulkhead.execute("c", context);

    assertEquals(List.of("a", "b"), gate.inputs());
    BulkheadFullException full = assertInstanceOf(BulkheadFullException.class, failureOf(c));
    assertEquals("db", full.bulkhead());
    assertTrue(full.getMessage().contains("2 calls in flight of 2"), full.getMessage());
    assertEquals(List.of("db: BulkheadFullException"), rejections.heard);
    assertEquals(2, bulkhead.inFlight());

    gate.finish(0); // gives its slot back
    assertEquals("A", a.join());
    assertEquals(1, bulkhead.inFlight());
    CompletableFuture<String> d = bulkhead.execute("d", context);
    assertEquals(List.of("a", "b", "d"), gate.inputs());
    gate.finish(1);
    gate.finish(2);
    assertEquals("B", b.join());
    assertEquals("D", d.join());
    assertEquals(0, bulkhead.inFlight());
  }

  @Test
  void aFailedOrCancelledCallGivesItsSlotBack() {
    Gate gate = new Gate("db");
    BulkheadPrimitive<String, String> bulkhead = BulkheadPrimitive.of(gate, policy(1, 0, null));

    CompletableFuture<String> a = bulkhead.execute("a", context);
    gate.call(0).completeExceptionally(new IllegalStateException("down"));
    assertInstanceOf(IllegalStateException.class, failureOf(a));
    assertEquals(0, bulkhead.inFlight());

    CompletableFuture<String> b = bulkhead.execute("b", context);
    b.cancel(true);
    assertTrue(gate.call(1).isCancelled(), "the cancel reached the delegate's future");
    assertEquals(0, bulkhead.inFlight());
    assertEquals(List.of("a", "b"), gate.inputs());
  }

  @Test
  void waitingCallsStartFirstComeFirstServedAsSlotsFree() {
    Gate gate = new Gate("db");
    BulkheadPrimitive<String, String> bulkhead = BulkheadPrimitive.of(gate, policy(1, 2, null));

    CompletableFuture<String> a = bulkhead.execute("a", context);
    CompletableFuture<String> b = bulkhead.execute("b", context);
    CompletableFuture<String> c = bulkhead.execute("c", context);
    CompletableFuture<String> d = bulkhead.execute("d", context);

    assertEquals(List.of("a"), gate.inputs(), "the waiting calls did not run");
    assertFalse(b.isDone());
    assertFalse(c.isDone());
    assertEquals(2, bulkhead.waiting());
    BulkheadFullException full = assertInstanceOf(BulkheadFullException.class, failureOf(d));
    assertTrue(
        full.getMessage().contains("1 calls in flight of 1 and 2 waiting"), full.getMessage());

    gate.finish(0);
    assertEquals("A", a.join());
    assertEquals(List.of("a", "b"), gate.inputs(), "b took a's slot");
    assertEquals(1, bulkhead.inFlight());
    assertEquals(1, bulkhead.waiting());
    gate.finish(1);
    assertEquals("B", b.join());
    assertEquals(List.of("a", "b", "c"), gate.inputs());
    gate.finish(2);
    assertEquals("C", c.join());
    assertEquals(0, bulkhead.inFlight());
    assertEquals(0, bulkhead.waiting());
    assertEquals(0, time.pendingTasks(), "no timer without maxWait");
  }

  @Test
  void aCallWaitingPastMaxWaitFailsOnTheRuntimesSchedulerAndNeverRuns() {
    Gate gate = new Gate("db");
    BulkheadPrimitive<String, String> bulkhead =
        BulkheadPrimitive.of(gate, policy(1, 1, Duration.ofMillis(100)));

    bulkhead.execute("a", context);
    CompletableFuture<String> b = bulkhead.execute("b", context);
    assertEquals(List.of(Duration.ofMillis(100)), time.scheduledDelays());

    time.advance(Duration.ofMillis(99));
    assertFalse(b.isDone());
    time.advance(Duration.ofMillis(1));
    BulkheadFullException full = assertInstanceOf(BulkheadFullException.class, failureOf(b));
    assertTrue(
        full.getMessage().contains("no slot within its maxWait of 100 ms"), full.getMessage());
    assertEquals(List.of("db: BulkheadFullException"), rejections.heard);
    assertEquals(0, bulkhead.waiting());

    gate.finish(0);
    assertEquals(List.of("a"), gate.inputs(), "the rejected call never ran");
    assertEquals(0, bulkhead.inFlight());
  }

  @Test
  void aCallThatGetsASlotInTimeCancelsItsTimer() {
    Gate gate = new Gate("db");
    BulkheadPrimitive<String, String> bulkhead =
        BulkheadPrimitive.of(gate, policy(1, 1, Duration.ofMillis(100)));

    bulkhead.execute("a", context);
    CompletableFuture<String> b = bulkhead.execute("b", context);
    time.advance(Duration.ofMillis(50));
    gate.finish(0);
    assertEquals(List.of("a", "b"), gate.inputs());
    assertEquals(0, time.pendingTasks(), "b's max-wait timer was cancelled");
    time.advance(Duration.ofMillis(100));
    gate.finish(1);
    assertEquals("B", b.join());
    assertEquals(List.of(), rejections.heard);
  }

  @Test
  void cancellingAWaitingCallTakesItOutOfTheQueue() {
    Gate gate = new Gate("db");
    BulkheadPrimitive<String, String> bulkhead =
        BulkheadPrimitive.of(gate, policy(1, 2, Duration.ofSeconds(1)));

    bulkhead.execute("a", context);
    CompletableFuture<String> b = bulkhead.execute("b", context);
    CompletableFuture<String> c = bulkhead.execute("c", context);
    assertEquals(2, time.pendingTasks());

    assertTrue(b.cancel(true));
    assertEquals(1, bulkhead.waiting());
    assertEquals(1, time.pendingTasks(), "b's timer was cancelled");
    CompletableFuture<String> d = bulkhead.execute("d", context); // b's place in the queue is free
    assertFalse(d.isDone());

    gate.finish(0);
    assertEquals(List.of("a", "c"), gate.inputs(), "c, not the cancelled b, took the slot");
    gate.finish(1);
    assertEquals(List.of("a", "c", "d"), gate.inputs());
    gate.finish(2);
    assertEquals("C", c.join());
    assertEquals("D", d.join());
    assertEquals(0, bulkhead.inFlight());
    time.advance(Duration.ofSeconds(2));
    assertEquals(List.of(), rejections.heard);
  }

  @Test
  void cancellingACallThatWaitedAndStartedCancelsTheDelegateAndFreesItsSlot() {
    Gate gate = new Gate("db");
    BulkheadPrimitive<String, String> bulkhead = BulkheadPrimitive.of(gate, policy(1, 1, null));

    bulkhead.execute("a", context);
    CompletableFuture<String> b = bulkhead.execute("b", context);
    gate.finish(0);
    assertEquals(List.of("a", "b"), gate.inputs());

    assertTrue(b.cancel(true));
    assertTrue(gate.call(1).isCancelled(), "the cancel reached the delegate's future");
    assertEquals(0, bulkhead.inFlight());
    bulkhead.execute("c", context);
    assertEquals(List.of("a", "b", "c"), gate.inputs(), "the slot was free again");
  }

  @Test
  void aWaitingCallWhoseRunWasCancelledNeverStartsAndLeavesItsSlotFree() {
    Gate gate = new Gate("db");
    BulkheadPrimitive<String, String> bulkhead = BulkheadPrimitive.of(gate, policy(1, 2, null));
    StoppedScope run = new StoppedScope();

    CompletableFuture<String> a = bulkhead.execute("a", context);
    CompletableFuture<String> b = bulkhead.execute("b", run.context(runtime));
    CompletableFuture<String> c = bulkhead.execute("c", context);
    run.stop(); // the run of b is cancelled; the cancel has not reached b's future

    gate.finish(0);
    assertCancelled(b);
    assertEquals(List.of("a", "c"), gate.inputs(), "b never started; c took the slot");
    gate.finish(1);
    assertEquals("A", a.join());
    assertEquals("C", c.join());
    assertEquals(0, bulkhead.inFlight());

    CompletableFuture<String> e = bulkhead.execute("e", context);
    CompletableFuture<String> f = bulkhead.execute("f", run.context(runtime));
    assertCancelled(f, "a cancelled run does not queue");
    assertEquals(0, bulkhead.waiting());
    gate.finish(2);
    assertEquals("E", e.join());
    assertEquals(List.of(), rejections.heard, "a cancellation is no rejection");
  }

  @Test
  void aMaxWaitOfAWaitingCallWhoseRunWasCancelledIsNoRejection() {
    Gate gate = new Gate("db");
    BulkheadPrimitive<String, String> bulkhead =
        BulkheadPrimitive.of(gate, policy(1, 1, Duration.ofMillis(10)));
    StoppedScope run = new StoppedScope();

    bulkhead.execute("a", context);
    CompletableFuture<String> b = bulkhead.execute("b", run.context(runtime));
    run.stop();
    time.advance(Duration.ofMillis(10));
    assertCancelled(b);
    assertEquals(List.of(), rejections.heard);
  }

  @Test
  void aSharedNameSharesTheSlotsAcrossStepsAndNamesTheRejection() {
    Gate first = new Gate("read");
    Gate second = new Gate("write");
    BulkheadPolicy one = policy(1, 0, null);
    BulkheadPrimitive<String, String> reads = BulkheadPrimitive.shared(first, one, "db", runtime);
    BulkheadPrimitive<String, String> writes = BulkheadPrimitive.shared(second, one, "db", runtime);
    BulkheadPrimitive<String, String> own = BulkheadPrimitive.of(second, one);

    reads.execute("a", context);
    CompletableFuture<String> b = writes.execute("b", context);
    CompletableFuture<String> c = own.execute("c", context);

    BulkheadFullException full = assertInstanceOf(BulkheadFullException.class, failureOf(b));
    assertEquals("db", full.bulkhead());
    assertEquals(
        List.of("write: BulkheadFullException"), rejections.heard, "the event names the step");
    assertFalse(c.isDone(), "an unnamed bulkhead has slots of its own");
    assertEquals(1, writes.inFlight());

    IllegalStateException clash =
        assertThrows(
            IllegalStateException.class,
            () -> BulkheadPrimitive.shared(first, policy(2, 0, null), "db", runtime));
    assertTrue(clash.getMessage().contains("@Bulkhead"), clash.getMessage());
  }

  @Test
  void aRunReportsTheRejectionAsAWorkflowExceptionNamingTheStep() {
    Gate gate = new Gate("db");
    BulkheadPrimitive<String, String> bulkhead = BulkheadPrimitive.of(gate, policy(1, 0, null));
    WorkflowRunner<String, String> workflow =
        WorkflowRunner.of("W", StepPrimitive.of("lookup", bulkhead), runtime);

    bulkhead.execute("a", context); // takes the only slot or permit
    WorkflowException e = assertThrows(WorkflowException.class, () -> workflow.run("b"));
    assertEquals("lookup", e.step());
    assertInstanceOf(BulkheadFullException.class, e.getCause());
  }

  @Test
  void policiesCheckTheirRanges() {
    assertEquals(new BulkheadPolicy(10, 0, null), BulkheadPolicy.defaults());
    assertEquals(BulkheadPolicy.defaults(), BulkheadPolicy.builder().build());
    assertThrows(IllegalArgumentException.class, () -> policy(0, 0, null));
    assertThrows(IllegalArgumentException.class, () -> policy(1, -1, null));
    assertThrows(IllegalArgumentException.class, () -> policy(1, 0, Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> policy(1, 1, Duration.ofSeconds(-1)));
    Gate gate = new Gate("db");
    assertThrows(
        IllegalArgumentException.class,
        () -> BulkheadPrimitive.shared(gate, BulkheadPolicy.defaults(), " ", runtime));
  }

  @Test
  void aZeroMaxWaitNeverQueues() {
    Gate gate = new Gate("db");
    BulkheadPrimitive<String, String> bulkhead =
        BulkheadPrimitive.of(gate, policy(1, 5, Duration.ZERO));
    bulkhead.execute("a", context);
    assertInstanceOf(BulkheadFullException.class, failureOf(bulkhead.execute("b", context)));
    assertEquals(0, time.pendingTasks());
  }

  /** Many threads call at once, with a blocking delegate: never more than 3 in flight. */
  @Test
  void neverMoreThanValueBlockingCallsInFlightUnderConcurrency() throws Exception {
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    LambdaPrimitive<Integer, Integer> blocking =
        LambdaPrimitive.of(
            "work",
            (Integer in) -> {
              most.accumulateAndGet(inside.incrementAndGet(), Math::max);
              for (int i = 0; i < 200; i++) {
                Thread.onSpinWait();
              }
              inside.decrementAndGet();
              return in;
            });
    hammer(blocking, inside, most);
  }

  /** The same with a delegate whose calls complete on other threads. */
  @Test
  void neverMoreThanValueAsyncCallsInFlightUnderConcurrency() throws Exception {
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      WorkflowPrimitive<Integer, Integer> async =
          AsyncTestPrimitive.async(
              (Integer in, WorkflowContext ctx) -> {
                most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                return CompletableFuture.supplyAsync(
                    () -> {
                      inside.decrementAndGet();
                      return in;
                    },
                    pool);
              });
      hammer(async, inside, most);
    } finally {
      pool.shutdownNow();
    }
  }

  private static void hammer(
      WorkflowPrimitive<Integer, Integer> delegate, AtomicInteger inside, AtomicInteger most)
      throws Exception {
    int threads = 8;
    int callsPerThread = 250;
    WorkflowContext ctx = WorkflowContext.create("wf", WorkflowRuntime.builder().build());
    BulkheadPrimitive<Integer, Integer> bulkhead =
        BulkheadPrimitive.of(delegate, policy(3, threads * callsPerThread, null));
    CountDownLatch go = new CountDownLatch(1);
    List<List<CompletableFuture<Integer>>> perThread = new ArrayList<>();
    List<Thread> callers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int base = t * callsPerThread;
      List<CompletableFuture<Integer>> mine = new ArrayList<>();
      perThread.add(mine);
      Thread caller =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                for (int i = 0; i < callsPerThread; i++) {
                  mine.add(bulkhead.execute(base + i, ctx));
                }
              });
      callers.add(caller);
      caller.start();
    }
    go.countDown();
    for (Thread caller : callers) {
      caller.join(SECONDS.toMillis(30));
      assertFalse(caller.isAlive(), "a caller hung");
    }
    int done = 0;
    for (int t = 0; t < threads; t++) {
      List<CompletableFuture<Integer>> mine = perThread.get(t);
      assertEquals(callsPerThread, mine.size());
      for (int i = 0; i < callsPerThread; i++) {
        assertEquals(t * callsPerThread + i, mine.get(i).get(30, SECONDS));
        done++;
      }
    }
    assertEquals(threads * callsPerThread, done);
    assertTrue(most.get() <= 3, "most in flight: " + most.get());
    assertEquals(0, inside.get());
    assertEquals(0, bulkhead.inFlight());
    assertEquals(0, bulkhead.waiting());
  }
}

package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.testing.VirtualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The deadlines of one {@link TimeoutPrimitive} share one scheduled task per runtime: they still
 * fire in order, each at its own deadline; settled calls are dropped; a call on another runtime
 * gets a timer of its own. Tests marked "own timer" run on a scheduler that, like the default one,
 * lets an idle queue keep its task.
 */
class TimeoutDeadlineQueueTest {

  private static final long PATIENCE_SECONDS = 10;
  private static final Duration TIMEOUT = Duration.ofMillis(100);

  private final VirtualTime time = new VirtualTime();

  /** The step's pending futures, in call order; the test completes them. */
  private final List<CompletableFuture<String>> calls =
      Collections.synchronizedList(new ArrayList<>());

  private final TimeoutPrimitive<String, String> timeout =
      TimeoutPrimitive.of(
          LambdaPrimitive.<String, String>ofAsync(
              "pending",
              (in, ctx) -> {
                CompletableFuture<String> call = new CompletableFuture<>();
                calls.add(call);
                return call;
              }),
          TIMEOUT);

  /** Counts the tasks scheduled through it. */
  private static class Counting implements WorkflowScheduler {
    private final WorkflowScheduler target;
    final AtomicInteger scheduled = new AtomicInteger();

    Counting(WorkflowScheduler target) {
      this.target = target;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
      scheduled.incrementAndGet();
      return target.schedule(task, delay, unit);
    }
  }

  /** Counting, and marked as the runtime's own timer: an idle queue keeps its task here. */
  private static final class CountingOwnTimer extends Counting implements DeadlineQueue.OwnTimer {
    CountingOwnTimer(WorkflowScheduler target) {
      super(target);
    }

    @Override
    public ScheduledFuture<?> scheduleOnTimer(Runnable task, long delay, TimeUnit unit) {
      return schedule(task, delay, unit); // virtual time runs every task on the advancing thread
    }
  }

  private Counting counting(boolean ownTimer) {
    return ownTimer ? new CountingOwnTimer(time) : new Counting(time);
  }

  private WorkflowContext on(WorkflowScheduler scheduler) {
    return WorkflowContext.create(
        "wf", WorkflowRuntime.builder().clock(time).scheduler(scheduler).build());
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  private static Throwable failureOf(CompletableFuture<?> done) {
    assertTrue(done.isDone(), "not done");
    ExecutionException e = assertThrows(ExecutionException.class, () -> done.get(0, SECONDS));
    return e.getCause();
  }

  private static void assertTimedOut(CompletableFuture<?> result) {
    assertInstanceOf(TimeoutException.class, failureOf(result));
  }

  @ParameterizedTest(name = "own timer: {0}")
  @ValueSource(booleans = {false, true})
  void overlappingDeadlinesFireInOrderEachAtItsOwnDeadline(boolean ownTimer) {
    List<String> timedOut = Collections.synchronizedList(new ArrayList<>());
    WorkflowRuntime runtime =
        WorkflowRuntime.builder()
            .clock(time)
            .scheduler(counting(ownTimer))
            .listener(
                new WorkflowListener() {
                  @Override
                  public void onTimeout(WorkflowContext c, String step, Duration after) {
                    timedOut.add(c.workflowName() + "@" + time.nanoTime() / 1_000_000);
                  }
                })
            .build();

    CompletableFuture<String> a = timeout.execute("a", WorkflowContext.create("a", runtime));
    time.advance(ms(30));
    CompletableFuture<String> b = timeout.execute("b", WorkflowContext.create("b", runtime));
    time.advance(ms(30));
    CompletableFuture<String> c = timeout.execute("c", WorkflowContext.create("c", runtime));
    time.advance(ms(39));
    assertEquals(List.of(), timedOut, "at 99 ms");
    time.advance(ms(100));

    assertEquals(List.of("a@100", "b@130", "c@160"), timedOut);
    assertTimedOut(a);
    assertTimedOut(b);
    assertTimedOut(c);
    assertEquals(0, timeout.deadlines().size());
    assertEquals(0, time.pendingTasks());
  }

  @ParameterizedTest(name = "own timer: {0}")
  @ValueSource(booleans = {false, true})
  void callsArmedBackToBackShareOneScheduledTask(boolean ownTimer) {
    Counting scheduler = counting(ownTimer);
    WorkflowContext context = on(scheduler);
    List<CompletableFuture<String>> results = new ArrayList<>();

    for (int i = 0; i < 50; i++) {
      results.add(timeout.execute("x", context));
    }
    assertEquals(1, scheduler.scheduled.get());
    assertEquals(50, timeout.deadlines().size());
    calls.forEach(call -> call.complete("done"));

    results.forEach(result -> assertEquals("done", result.getNow("not done")));
    assertEquals(0, timeout.deadlines().size(), "settled calls are dropped when none is left");
    // Elsewhere the idle queue cancels its task; on its own timer it keeps it for the next call.
    assertEquals(ownTimer ? 1 : 0, time.pendingTasks());

    CompletableFuture<String> next = timeout.execute("next", context);
    assertEquals(ownTimer ? 1 : 2, scheduler.scheduled.get());
    time.advance(TIMEOUT);
    assertTimedOut(next);
  }

  @ParameterizedTest(name = "own timer: {0}")
  @ValueSource(booleans = {false, true})
  void deadlineArmedAfterTheQueueDrainedSchedulesAgain(boolean ownTimer) {
    Counting scheduler = counting(ownTimer);
    WorkflowContext context = on(scheduler);

    CompletableFuture<String> first = timeout.execute("first", context);
    time.advance(TIMEOUT);
    assertTimedOut(first);
    assertEquals(0, time.pendingTasks(), "the queue is empty: no task is left");
    time.advance(ms(50));
    CompletableFuture<String> second = timeout.execute("second", context);

    assertEquals(2, scheduler.scheduled.get());
    time.advance(ms(99));
    assertFalse(second.isDone(), "timed out before its deadline");
    time.advance(ms(1));
    assertTimedOut(second);
  }

  @ParameterizedTest(name = "own timer: {0}")
  @ValueSource(booleans = {false, true})
  void taskForASettledCallDoesNotExpireTheNextOneEarly(boolean ownTimer) {
    WorkflowContext context = on(counting(ownTimer));

    CompletableFuture<String> settled = timeout.execute("settled", context);
    time.advance(ms(10));
    calls.get(0).complete("ok");
    time.advance(ms(40));
    CompletableFuture<String> later = timeout.execute("later", context); // deadline at 150 ms
    time.advance(ms(99)); // the first call's task (if kept) came and went at 100 ms

    assertEquals("ok", settled.getNow("not done"));
    assertFalse(later.isDone(), "timed out at the settled call's deadline");
    time.advance(ms(1));
    assertTimedOut(later);
  }

  @Test
  void taskForASettledHeadReschedulesForTheLiveOneBehindIt() {
    WorkflowContext context = on(time);

    timeout.execute("head", context);
    time.advance(ms(50));
    CompletableFuture<String> behind = timeout.execute("behind", context); // deadline at 150 ms
    time.advance(ms(10));
    calls.get(0).complete("ok");
    time.advance(ms(89));
    assertFalse(behind.isDone(), "timed out at the settled head's deadline");
    time.advance(ms(1));

    assertTimedOut(behind);
    assertEquals(List.of(TIMEOUT, ms(50)), time.scheduledDelays());
  }

  @Test
  void taskIsTrustedForTheDeadlineItWasScheduledFor() {
    // As with a timer per call: the scheduler, not a clock it does not share, says when it is due.
    VirtualTime frozen = new VirtualTime();
    WorkflowContext context =
        WorkflowContext.create(
            "wf", WorkflowRuntime.builder().clock(frozen).scheduler(time).build());

    CompletableFuture<String> result = timeout.execute("in", context);
    time.advance(TIMEOUT);

    assertTimedOut(result);
  }

  @Test
  void lateTaskTimesOutOnlyTheCallsWhoseDeadlinePassed() {
    AtomicBoolean stalled = new AtomicBoolean(true);
    // The first task comes 50 ms late (a stalled timer); later ones on time.
    WorkflowScheduler lateOnce =
        (task, delay, unit) ->
            time.schedule(
                task,
                unit.toNanos(delay) + (stalled.getAndSet(false) ? ms(50).toNanos() : 0),
                NANOSECONDS);
    WorkflowContext context = on(lateOnce);

    CompletableFuture<String> a = timeout.execute("a", context); // deadline 100 ms
    time.advance(ms(40));
    CompletableFuture<String> b = timeout.execute("b", context); // deadline 140 ms
    time.advance(ms(80));
    CompletableFuture<String> c = timeout.execute("c", context); // deadline 220 ms
    time.advance(ms(29));
    assertFalse(a.isDone() || b.isDone() || c.isDone(), "the task came before 150 ms");
    time.advance(ms(1));

    assertTimedOut(a);
    assertTimedOut(b);
    assertFalse(c.isDone(), "timed out before its deadline");
    time.advance(ms(50)); // 200 ms
    calls.get(2).complete("c");
    assertEquals("c", c.getNow("not done"));
    assertEquals(0, time.pendingTasks());
  }

  @Test
  void callOnAnotherRuntimeGetsATimerOfItsOwnOnItsOwnClock() {
    WorkflowContext bound = WorkflowContext.create("wf", time.runtime());
    VirtualTime otherTime = new VirtualTime();
    otherTime.advance(ms(500)); // another clock, far ahead
    WorkflowContext other = WorkflowContext.create("wf", otherTime.runtime());

    CompletableFuture<String> a = timeout.execute("a", bound); // binds the queue
    CompletableFuture<String> b1 = timeout.execute("b1", other);
    CompletableFuture<String> b2 = timeout.execute("b2", other);

    assertEquals(List.of(TIMEOUT, TIMEOUT), otherTime.scheduledDelays(), "a timer per call");
    assertEquals(1, timeout.deadlines().size(), "only the bound runtime's call is queued");
    calls.get(1).complete("b1");
    assertEquals("b1", b1.getNow("not done"));
    assertEquals(1, otherTime.pendingTasks(), "the settled call's timer was cancelled");
    otherTime.advance(TIMEOUT);
    assertTimedOut(b2);
    assertFalse(a.isDone(), "timed out by another runtime's time");
    time.advance(TIMEOUT);
    assertTimedOut(a);
    assertEquals(0, time.pendingTasks());
    assertEquals(0, otherTime.pendingTasks());
  }

  @ParameterizedTest(name = "own timer: {0}")
  @ValueSource(booleans = {false, true})
  void settledCallsBehindALongPendingOneDoNotAccumulate(boolean ownTimer) {
    WorkflowContext context = on(counting(ownTimer));
    CompletableFuture<String> head = timeout.execute("head", context);
    int largest = 0;

    for (int i = 1; i <= 2_000; i++) {
      CompletableFuture<String> result = timeout.execute("short", context);
      if (i % 2 == 0) {
        calls.get(i).complete("ok");
      } else {
        result.cancel(true);
      }
      largest = Math.max(largest, timeout.deadlines().size());
    }

    // Two live calls at most (the head and the newest): compaction keeps the rest below the
    // minimum.
    int bound = DeadlineQueue.COMPACT_MIN + 2 + 1;
    assertTrue(largest <= bound, "the queue grew to " + largest + " entries, not " + bound);
    time.advance(TIMEOUT);
    assertTimedOut(head);
    assertEquals(0, timeout.deadlines().size(), "settled entries were kept after the head fired");
  }

  @Test
  void schedulerThatThrowsWhenReschedulingFailsTheCallsItWasToWatch() {
    RejectedExecutionException shutDown = new RejectedExecutionException("scheduler shut down");
    AtomicBoolean broken = new AtomicBoolean();
    WorkflowContext context =
        on(
            (task, delay, unit) -> {
              if (broken.get()) {
                throw shutDown;
              }
              return time.schedule(task, delay, unit);
            });

    CompletableFuture<String> a = timeout.execute("a", context);
    time.advance(ms(10));
    CompletableFuture<String> b = timeout.execute("b", context);
    broken.set(true);
    time.advance(ms(90)); // a's deadline: the task for b cannot be scheduled

    assertTimedOut(a);
    assertSame(shutDown, failureOf(b));
    assertTrue(calls.get(1).isCancelled(), "the unwatched call was left running");
    CompletableFuture<String> c = timeout.execute("c", context);
    assertSame(shutDown, failureOf(c));
    assertTrue(calls.get(2).isCancelled());
    assertEquals(0, timeout.deadlines().size());
  }

  @Test
  void callArmedWhileTheTaskIsBeingScheduledFailsWithTheScheduler() {
    RejectedExecutionException shutDown = new RejectedExecutionException("scheduler shut down");
    AtomicReference<WorkflowContext> context = new AtomicReference<>();
    AtomicReference<CompletableFuture<String>> inner = new AtomicReference<>();
    context.set(
        on(
            (task, delay, unit) -> {
              if (inner.get() == null) {
                // Another call arrives while the first one's task is being scheduled: it relies
                // on that task and must not be left without one.
                inner.set(timeout.execute("inner", context.get()));
              }
              throw shutDown;
            }));

    CompletableFuture<String> outer = timeout.execute("outer", context.get());

    assertSame(shutDown, failureOf(outer));
    assertSame(shutDown, failureOf(inner.get()));
    assertTrue(calls.get(0).isCancelled() && calls.get(1).isCancelled());
    assertEquals(0, timeout.deadlines().size());
  }

  /** How one call of the concurrency tests ended, with the clock read around it. */
  private record Call(
      String id,
      String kind,
      CompletableFuture<String> step,
      CompletableFuture<String> result,
      long before,
      long after) {}

  /**
   * Runs calls from several threads at once: a third completed at once, a third cancelled, a third
   * left to time out, while {@code tick} (if any) runs beside them (moving time, so that deadlines
   * fire among the arms); then {@code finish}. Checks that every call ended in a way the clock
   * allows, and that nothing is left in the queue.
   */
  private static void callConcurrently(
      WorkflowContext context,
      LongSupplier clock,
      Runnable tick,
      Runnable finish,
      long patienceNanos)
      throws Exception {
    int threads = 4;
    int perThread = 600;
    Map<String, CompletableFuture<String>> steps = new ConcurrentHashMap<>();
    TimeoutPrimitive<String, String> shared =
        TimeoutPrimitive.of(
            LambdaPrimitive.<String, String>ofAsync("s", (in, c) -> steps.get(in)), TIMEOUT);
    CountDownLatch start = new CountDownLatch(1);
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    List<Call> all = Collections.synchronizedList(new ArrayList<>());
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        workers.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    String id = thread + "-" + i;
                    CompletableFuture<String> step = new CompletableFuture<>();
                    steps.put(id, step);
                    long before = clock.getAsLong();
                    CompletableFuture<String> result = shared.execute(id, context);
                    String kind = i % 3 == 0 ? "completed" : i % 3 == 1 ? "cancelled" : "pending";
                    if (kind.equals("completed")) {
                      step.complete(id);
                    } else if (kind.equals("cancelled")) {
                      result.cancel(true);
                    }
                    all.add(new Call(id, kind, step, result, before, clock.getAsLong()));
                  }
                  return null;
                }));
      }
      Future<?> ticker =
          tick == null
              ? CompletableFuture.completedFuture(null)
              : pool.submit(
                  () -> {
                    start.await();
                    while (!done.get()) {
                      tick.run();
                    }
                    return null;
                  });
      start.countDown();
      for (Future<?> worker : workers) {
        worker.get(PATIENCE_SECONDS * 3, SECONDS);
      }
      done.set(true);
      ticker.get(PATIENCE_SECONDS, SECONDS);
    } finally {
      done.set(true);
      pool.shutdownNow();
    }
    finish.run();
    assertEquals(threads * perThread, all.size());
    checkOutcomes(all, shared, patienceNanos);
  }

  private static void checkOutcomes(
      List<Call> all, TimeoutPrimitive<String, String> shared, long patienceNanos)
      throws InterruptedException {
    long timeoutNanos = TIMEOUT.toNanos();
    for (Call call : all) {
      boolean inTime = call.after() - call.before() < timeoutNanos; // no deadline could pass
      Throwable failure = null;
      String value = null;
      try {
        value = call.result().get(patienceNanos, NANOSECONDS);
      } catch (CancellationException e) {
        failure = e;
      } catch (ExecutionException e) {
        failure = e.getCause();
      } catch (TimeoutException e) {
        throw new AssertionError("call " + call.id() + " (" + call.kind() + ") never ended", e);
      }
      switch (call.kind()) {
        case "completed" -> {
          if (inTime || failure == null) {
            assertEquals(call.id(), value, "a call completed in time lost its value");
          } else {
            assertInstanceOf(TimeoutException.class, failure);
          }
        }
        case "cancelled" -> {
          if (inTime || !(failure instanceof TimeoutException)) {
            assertTrue(call.result().isCancelled(), "a cancelled call: " + failure);
          }
          assertTrue(call.step().isCancelled(), "the cancelled call's step kept running");
        }
        default -> {
          assertInstanceOf(TimeoutException.class, failure, "a pending call did not time out");
          assertTrue(call.step().isCancelled(), "the late step was not stopped");
        }
      }
    }
    assertEquals(0, shared.deadlines().size(), "entries were left in the queue");
  }

  @ParameterizedTest(name = "own timer: {0}")
  @ValueSource(booleans = {false, true})
  void concurrentArmsSettlesCancelsAndFiresOnVirtualTime(boolean ownTimer) throws Exception {
    WorkflowContext context = on(counting(ownTimer));

    callConcurrently(
        context,
        time::nanoTime,
        () -> time.advance(ms(1)),
        () -> time.advance(TIMEOUT), // every outcome is decided once the last deadline passed
        0);
    // Only the own timer may keep one task, and only if the queue last went idle by a settle.
    assertTrue(time.pendingTasks() <= (ownTimer ? 1 : 0), "tasks left behind");
  }

  @Test
  void concurrentCallsOnTheDefaultRuntime() throws Exception {
    callConcurrently(
        WorkflowContext.create("wf"),
        System::nanoTime,
        null,
        () -> {},
        SECONDS.toNanos(PATIENCE_SECONDS));
  }
}

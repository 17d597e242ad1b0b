package dev.tta.primitives.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class VirtualTimeTest {

  private final VirtualTime time = new VirtualTime();
  private final List<String> ran = new ArrayList<>();

  private void schedule(String name, long millis) {
    time.schedule(() -> ran.add(name), millis, TimeUnit.MILLISECONDS);
  }

  @Test
  void startsAtZero() {
    assertEquals(0L, time.nanoTime());
  }

  @Test
  void advanceMovesNanoTimeByTheStep() {
    time.advance(Duration.ofMillis(250));
    assertEquals(Duration.ofMillis(250).toNanos(), time.nanoTime());
    time.advance(Duration.ofNanos(1));
    assertEquals(Duration.ofMillis(250).toNanos() + 1, time.nanoTime());
  }

  @Test
  void tasksRunInDueOrder() {
    schedule("c", 30);
    schedule("a", 10);
    schedule("b", 20);
    time.advance(Duration.ofMillis(30));
    assertEquals(List.of("a", "b", "c"), ran);
  }

  @Test
  void tasksDueAtTheSameTimeRunInSchedulingOrder() {
    schedule("first", 10);
    schedule("second", 10);
    schedule("third", 10);
    time.advance(Duration.ofMillis(10));
    assertEquals(List.of("first", "second", "third"), ran);
  }

  @Test
  void taskNotYetDueDoesNotRun() {
    schedule("later", 10);
    time.advance(Duration.ofMillis(9));
    assertTrue(ran.isEmpty());
    assertEquals(1, time.pendingTasks());
    time.advance(Duration.ofMillis(1));
    assertEquals(List.of("later"), ran);
    assertEquals(0, time.pendingTasks());
  }

  @Test
  void taskSeesTheClockAtItsDueTime() {
    List<Long> seen = new ArrayList<>();
    time.schedule(() -> seen.add(time.nanoTime()), 10, TimeUnit.MILLISECONDS);
    time.advance(Duration.ofSeconds(1));
    assertEquals(List.of(Duration.ofMillis(10).toNanos()), seen);
    assertEquals(Duration.ofSeconds(1).toNanos(), time.nanoTime());
  }

  @Test
  void tasksScheduledByTasksRunWhenDueWithinTheStep() {
    time.schedule(
        () -> {
          ran.add("outer");
          schedule("inner-due", 5); // due at 15ms: inside the step
          schedule("inner-late", 50); // due at 60ms: after the step
        },
        10,
        TimeUnit.MILLISECONDS);
    time.advance(Duration.ofMillis(20));
    assertEquals(List.of("outer", "inner-due"), ran);
    time.advance(Duration.ofMillis(40));
    assertEquals(List.of("outer", "inner-due", "inner-late"), ran);
  }

  @Test
  void zeroDelayTaskRunsOnAdvanceByZero() {
    schedule("now", 0);
    assertTrue(ran.isEmpty());
    time.advance(Duration.ZERO);
    assertEquals(List.of("now"), ran);
  }

  @Test
  void cancelledTasksDoNotRun() {
    ScheduledFuture<?> handle =
        time.schedule(() -> ran.add("cancelled"), 10, TimeUnit.MILLISECONDS);
    schedule("kept", 10);
    assertTrue(handle.cancel(false));
    assertEquals(1, time.pendingTasks());
    time.advance(Duration.ofMillis(10));
    assertEquals(List.of("kept"), ran);
  }

  @Test
  void handleReportsItsRemainingDelay() {
    ScheduledFuture<?> handle = time.schedule(() -> {}, 10, TimeUnit.MILLISECONDS);
    time.advance(Duration.ofMillis(4));
    assertEquals(6, handle.getDelay(TimeUnit.MILLISECONDS));
    assertFalse(handle.isDone());
    time.advance(Duration.ofMillis(6));
    assertTrue(handle.isDone());
  }

  @Test
  void scheduledDelaysAreRecordedInCallOrder() {
    schedule("a", 200);
    schedule("b", 100);
    time.schedule(() -> {}, 3, TimeUnit.SECONDS);
    assertEquals(
        List.of(Duration.ofMillis(200), Duration.ofMillis(100), Duration.ofSeconds(3)),
        time.scheduledDelays());
  }

  @Test
  void negativeDelayIsRecordedAsZeroAndRunsAtOnce() {
    time.advance(Duration.ofMillis(5));
    schedule("negative", -10);
    assertEquals(List.of(Duration.ZERO), time.scheduledDelays());
    time.advance(Duration.ZERO);
    assertEquals(List.of("negative"), ran);
    assertEquals(Duration.ofMillis(5).toNanos(), time.nanoTime());
  }

  @Test
  void hugeDelayNeverFallsDue() {
    time.advance(Duration.ofSeconds(1));
    schedule("never", Long.MAX_VALUE);
    time.advance(Duration.ofDays(365));
    assertTrue(ran.isEmpty());
  }

  @Test
  void advanceRejectsANegativeStep() {
    time.advance(Duration.ofSeconds(1));
    assertThrows(IllegalArgumentException.class, () -> time.advance(Duration.ofMillis(-1)));
    assertEquals(Duration.ofSeconds(1).toNanos(), time.nanoTime());
  }

  @Test
  void advanceFromATaskNeverMovesTheClockBack() {
    time.schedule(() -> time.advance(Duration.ofMillis(50)), 10, TimeUnit.MILLISECONDS);
    time.advance(Duration.ofMillis(10));
    assertEquals(Duration.ofMillis(60).toNanos(), time.nanoTime());
  }

  @Test
  void runtimeUsesThisClockAndScheduler() {
    var runtime = time.runtime();
    assertSame(time, runtime.clock());
    assertSame(time, runtime.scheduler());
  }
}

package dev.tta.primitives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.testing.MockPrimitive;
import dev.tta.primitives.testing.VirtualTime;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ParallelPrimitiveTest {

  private static final long WAIT_SECONDS = 10;

  @Test
  void resultsComeInBranchOrderWhateverTheFinishOrder() {
    VirtualTime time = new VirtualTime();
    WorkflowContext context = WorkflowContext.create("par", time.runtime());
    MockPrimitive<String, String> slow =
        MockPrimitive.<String, String>named("slow")
            .thenAnswer(s -> "slow:" + s)
            .withDelay(Duration.ofSeconds(3));
    MockPrimitive<String, String> fast =
        MockPrimitive.<String, String>named("fast")
            .thenAnswer(s -> "fast:" + s)
            .withDelay(Duration.ofSeconds(1));

    CompletableFuture<List<String>> result =
        ParallelPrimitive.<String, String>of(slow, fast).execute("x", context);
    time.advance(Duration.ofSeconds(3));

    assertEquals(List.of("slow:x", "fast:x"), result.join());
  }

  @Test
  void blockingBranchesRunAtTheSameTime() throws Exception {
    // Each branch waits until all three are running: only true concurrency lets it finish.
    int branches = 3;
    CountDownLatch allRunning = new CountDownLatch(branches);
    WorkflowPrimitive<String, String> branch =
        LambdaPrimitive.of(
            "meet",
            (String s) -> {
              allRunning.countDown();
              if (!allRunning.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("branches did not overlap");
              }
              return s;
            });

    List<String> result =
        ParallelPrimitive.<String, String>of(branch, branch, branch)
            .execute("go", WorkflowContext.create("par"))
            .get(WAIT_SECONDS * 2, TimeUnit.SECONDS);

    assertEquals(List.of("go", "go", "go"), result);
  }

  @Test
  void wallTimeIsAboutTheSlowestBranch() throws Exception {
    WorkflowPrimitive<Long, Long> sleeper =
        LambdaPrimitive.of(
            "sleep",
            (Long millis) -> {
              Thread.sleep(millis);
              return millis;
            });
    long start = System.nanoTime();

    ParallelPrimitive.<Long, Long>of(sleeper, sleeper, sleeper, sleeper)
        .execute(300L, WorkflowContext.create("par"))
        .get(WAIT_SECONDS, TimeUnit.SECONDS);

    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    // Sequential would take 1200ms; allow a wide margin for a busy machine.
    assertTrue(elapsedMillis < 1000, "took " + elapsedMillis + "ms");
  }

  @Test
  void firstFailureFailsTheStageAndInterruptsTheOthers() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    WorkflowPrimitive<String, String> hanging =
        LambdaPrimitive.of(
            "hang",
            (String s) -> {
              started.countDown();
              try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(60));
              } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
              }
              return s;
            });
    WorkflowPrimitive<String, String> failing =
        LambdaPrimitive.of(
            "fail",
            (String s) -> {
              started.await(WAIT_SECONDS, TimeUnit.SECONDS);
              throw new IOException("broken");
            });

    CompletableFuture<List<String>> result =
        ParallelPrimitive.<String, String>of(hanging, failing)
            .execute("x", WorkflowContext.create("par"));

    ExecutionException e =
        assertThrows(ExecutionException.class, () -> result.get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof IOException);
    assertTrue(interrupted.await(WAIT_SECONDS, TimeUnit.SECONDS), "hanging branch interrupted");
  }

  @Test
  void cancellingTheStageCancelsAsyncBranches() {
    VirtualTime time = new VirtualTime();
    MockPrimitive<String, String> a =
        MockPrimitive.<String, String>named("a").thenReturn("a").withDelay(Duration.ofSeconds(1));
    MockPrimitive<String, String> b =
        MockPrimitive.<String, String>named("b").thenReturn("b").withDelay(Duration.ofSeconds(1));

    CompletableFuture<List<String>> result =
        ParallelPrimitive.<String, String>of(a, b)
            .execute("x", WorkflowContext.create("par", time.runtime()));
    result.cancel(true);

    assertEquals(1, a.cancellations());
    assertEquals(1, b.cancellations());
  }

  @Test
  void forEachKeepsInputOrder() {
    VirtualTime time = new VirtualTime();
    // Later elements finish first: the delay shrinks with the element.
    WorkflowPrimitive<Integer, Integer> square =
        AsyncTestPrimitive.async(
            (n, ctx) -> {
              CompletableFuture<Integer> f = new CompletableFuture<>();
              ctx.runtime().scheduler().schedule(() -> f.complete(n * n), 10 - n, TimeUnit.SECONDS);
              return f;
            });

    CompletableFuture<List<Integer>> result =
        ParallelPrimitive.forEach(square, 0)
            .execute(List.of(1, 2, 3, 4, 5), WorkflowContext.create("each", time.runtime()));
    time.advance(Duration.ofSeconds(10));

    assertEquals(List.of(1, 4, 9, 16, 25), result.join());
  }

  @Test
  void forEachHoldsAtMostMaxConcurrencyInFlight() throws Exception {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    WorkflowPrimitive<Integer, Integer> work =
        LambdaPrimitive.of(
            "work",
            (Integer n) -> {
              peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
              Thread.sleep(5);
              inFlight.decrementAndGet();
              return n;
            });
    List<Integer> items = java.util.stream.IntStream.range(0, 40).boxed().toList();

    List<Integer> result =
        ParallelPrimitive.forEach(work, 3)
            .execute(items, WorkflowContext.create("each"))
            .get(WAIT_SECONDS, TimeUnit.SECONDS);

    assertEquals(items, result);
    assertTrue(peak.get() <= 3, "peak " + peak.get());
    assertTrue(peak.get() >= 2, "elements overlapped, peak " + peak.get());
  }

  @Test
  void forEachOverManyInstantElementsDoesNotRecurse() {
    WorkflowPrimitive<Integer, Integer> inc =
        LambdaPrimitive.ofAsync("inc", (n, c) -> CompletableFuture.completedFuture(n + 1));
    List<Integer> items = java.util.stream.IntStream.range(0, 100_000).boxed().toList();

    List<Integer> result =
        ParallelPrimitive.forEach(inc, 1).execute(items, WorkflowContext.create("each")).join();

    assertEquals(100_000, result.size());
    assertEquals(100_000, result.get(99_999));
  }

  @Test
  void forEachFailureCancelsInFlightAndStartsNoMore() {
    VirtualTime time = new VirtualTime();
    AtomicInteger started = new AtomicInteger();
    WorkflowPrimitive<Integer, Integer> work =
        AsyncTestPrimitive.async(
            (n, ctx) -> {
              started.incrementAndGet();
              CompletableFuture<Integer> f = new CompletableFuture<>();
              ctx.runtime()
                  .scheduler()
                  .schedule(
                      () -> {
                        if (n == 1) {
                          f.completeExceptionally(new IOException("element 1"));
                        } else {
                          f.complete(n);
                        }
                      },
                      n,
                      TimeUnit.SECONDS);
              return f;
            });

    CompletableFuture<List<Integer>> result =
        ParallelPrimitive.forEach(work, 2)
            .execute(List.of(0, 1, 2, 3, 4, 5), WorkflowContext.create("each", time.runtime()));
    time.advance(Duration.ofSeconds(1)); // 0 done, then 2 starts; 1 fails

    assertTrue(result.isCompletedExceptionally());
    int startedAtFailure = started.get();
    time.advance(Duration.ofSeconds(10));
    assertEquals(startedAtFailure, started.get());
    assertTrue(startedAtFailure < 6);
  }

  @Test
  void forEachOfAnEmptyListIsEmpty() {
    WorkflowPrimitive<Integer, Integer> work = LambdaPrimitive.of("w", (Integer n) -> n);

    assertEquals(
        List.of(),
        ParallelPrimitive.forEach(work, 0).execute(List.of(), WorkflowContext.create("e")).join());
  }

  @Test
  void forEachRejectsNegativeConcurrency() {
    WorkflowPrimitive<Integer, Integer> work = LambdaPrimitive.of("w", (Integer n) -> n);

    assertThrows(IllegalArgumentException.class, () -> ParallelPrimitive.forEach(work, -1));
  }
}

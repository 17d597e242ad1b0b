package dev.tta.primitives.stress;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tta.primitives.LambdaPrimitive;
import dev.tta.primitives.ParallelPrimitive;
import dev.tta.primitives.StepPrimitive;
import dev.tta.primitives.TimeoutPrimitive;
import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowPrimitive;
import dev.tta.primitives.WorkflowRunner;
import dev.tta.primitives.WorkflowRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;

/**
 * (d) Workflows nested on a runtime whose executor is a fixed pool of 2 threads: an outer run's
 * step, under a 1 s timeout, runs an inner workflow of two blocking parallel branches, so inner
 * runs can hold every thread while their branches wait in the pool's queue. Whatever the pool does,
 * every outer run ends: with its value, or with its TimeoutException no later than its deadline
 * plus a slack. Nothing hangs.
 */
class NestedRunsOnSmallPoolStressTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private static final long SLACK_NANOS = TimeUnit.SECONDS.toNanos(3);
  private static final int IN_FLIGHT = 50;

  /** Records when its call started (when the timeout's deadline starts to run), then delegates. */
  private static final class Stamped implements WorkflowPrimitive<Integer, List<Integer>> {
    private final WorkflowPrimitive<Integer, List<Integer>> delegate;
    private final AtomicLongArray startedAt;

    Stamped(WorkflowPrimitive<Integer, List<Integer>> delegate, AtomicLongArray startedAt) {
      this.delegate = delegate;
      this.startedAt = startedAt;
    }

    @Override
    public CompletableFuture<List<Integer>> execute(Integer input, WorkflowContext context) {
      startedAt.set(input, System.nanoTime());
      return delegate.execute(input, context);
    }

    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public boolean isBlocking() {
      return delegate.isBlocking();
    }
  }

  private static WorkflowPrimitive<Integer, Integer> blockingBranch(String name, int factor) {
    return LambdaPrimitive.of(
        name,
        (Integer x) -> {
          Thread.sleep(1); // blocking work, holding its thread
          return x * factor;
        });
  }

  // Issue 11, defect 3: nested runs deadlocked on a bounded pool; deadlines waited for a thread.
  @Test
  void nestedRunsOnATwoThreadPoolEachEndByTheirDeadline() throws Exception {
    // At worst (every run starved until its deadline) 1 s per IN_FLIGHT runs.
    int runs = StressScale.pick(200, 10_000);
    long globalBoundNanos = TimeUnit.SECONDS.toNanos(StressScale.pick(40, 600));
    ExecutorService pool = Executors.newFixedThreadPool(2, StressPools.daemonThreads("d-pool-"));
    AtomicLongArray startedAt = new AtomicLongArray(runs);
    AtomicLongArray endedAt = new AtomicLongArray(runs);
    AtomicReferenceArray<CompletableFuture<List<Integer>>> futures =
        new AtomicReferenceArray<>(runs);
    Semaphore slots = new Semaphore(IN_FLIGHT);
    long start = System.nanoTime();
    String problem = null;
    int submitted = 0;
    long stoppedAt;
    try {
      WorkflowRuntime runtime = WorkflowRuntime.builder().executor(pool).build();
      WorkflowRunner<Integer, List<Integer>> inner =
          WorkflowRunner.of(
              "inner",
              ParallelPrimitive.<Integer, Integer>of(
                  blockingBranch("left", 2), blockingBranch("right", 3)),
              runtime);
      WorkflowRunner<Integer, List<Integer>> outer =
          WorkflowRunner.of(
              "outer",
              StepPrimitive.of(
                  "outer",
                  new Stamped(
                      TimeoutPrimitive.of(
                          LambdaPrimitive.of("inner", (Integer x) -> inner.run(x)), TIMEOUT),
                      startedAt)),
              runtime);

      while (problem == null) {
        long now = System.nanoTime();
        problem = overdue(futures, startedAt, submitted, now);
        if (problem == null && now - start > globalBoundNanos) {
          problem =
              "not done within the global bound of " + globalBoundNanos / 1_000_000_000 + " s";
        }
        if (problem != null) {
          break;
        }
        if (submitted < runs) {
          if (slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            int i = submitted++;
            CompletableFuture<List<Integer>> run = outer.runAsync(i);
            futures.set(i, run);
            run.whenComplete(
                (v, e) -> {
                  endedAt.set(i, System.nanoTime());
                  slots.release();
                });
          }
        } else if (slots.tryAcquire(IN_FLIGHT, 100, TimeUnit.MILLISECONDS)) {
          break; // every run ended
        }
      }
    } finally {
      stoppedAt = System.nanoTime(); // what ends later, ends only because the pool is shut down
      pool.shutdownNow(); // frees threads a hang holds, so that the failure is reported
      if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
        System.out.println("[stress d] the fixed pool did not terminate after shutdownNow");
      }
    }

    int values = 0;
    int timedOut = 0;
    int pending = 0;
    int neverStarted = 0;
    long worstLateness = Long.MIN_VALUE;
    List<String> wrong = new ArrayList<>();
    for (int i = 0; i < submitted; i++) {
      CompletableFuture<List<Integer>> run = futures.get(i);
      if (!run.isDone() || endedAt.get(i) == 0 || endedAt.get(i) > stoppedAt) {
        pending++;
        if (startedAt.get(i) == 0) {
          neverStarted++;
        }
        continue;
      }
      Throwable error = run.handle((v, e) -> e).join();
      if (error == null) {
        if (run.join().equals(List.of(2 * i, 3 * i))) {
          values++;
        } else {
          wrong.add("run " + i + ": value " + run.join());
        }
      } else if (Stress.hasCause(error, TimeoutException.class) && startedAt.get(i) != 0) {
        timedOut++;
        long lateness = endedAt.get(i) - (startedAt.get(i) + TIMEOUT.toNanos());
        worstLateness = Math.max(worstLateness, lateness);
        if (lateness > SLACK_NANOS) {
          wrong.add("run " + i + ": timed out " + lateness / 1_000_000 + " ms after its deadline");
        }
      } else {
        wrong.add("run " + i + ": failed with " + Stress.describe(error));
      }
    }
    Stress.print(
        "d",
        "%d of %d nested runs submitted (%d in flight at most) on a fixed pool of 2: %d values, %d"
            + " timed out (worst %s ms after the deadline), %d pending (%d never started), %d"
            + " wrong; %d ms",
        submitted,
        runs,
        IN_FLIGHT,
        values,
        timedOut,
        worstLateness == Long.MIN_VALUE ? "-" : Long.toString(worstLateness / 1_000_000),
        pending,
        neverStarted,
        wrong.size(),
        Stress.millisSince(start));
    if (problem != null) {
      fail(
          problem
              + ": "
              + submitted
              + " of "
              + runs
              + " runs submitted, "
              + values
              + " values, "
              + timedOut
              + " timed out, "
              + pending
              + " pending ("
              + neverStarted
              + " never started)");
    }
    assertTrue(
        wrong.isEmpty(),
        wrong.size() + " runs ended wrong: " + CancelledForEachStressTest.first(wrong));
  }

  /** A run past its deadline plus the slack and still not done, described; or null. */
  private static String overdue(
      AtomicReferenceArray<CompletableFuture<List<Integer>>> futures,
      AtomicLongArray startedAt,
      int submitted,
      long now) {
    for (int i = 0; i < submitted; i++) {
      long started = startedAt.get(i);
      if (started != 0
          && !futures.get(i).isDone()
          && now - started > TIMEOUT.toNanos() + SLACK_NANOS) {
        return "run "
            + i
            + " still pending "
            + (now - started) / 1_000_000
            + " ms after its timeout started ("
            + TIMEOUT.toMillis()
            + " ms deadline, "
            + SLACK_NANOS / 1_000_000
            + " ms slack)";
      }
    }
    return null;
  }
}

package dev.tta.primitives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The default runtime suits blocking steps and leaves no thread that keeps a JVM alive. */
class ThreadsTest {

  private static Set<Thread> liveThreads() {
    return Thread.getAllStackTraces().keySet();
  }

  @Test
  void aRunLeavesNoNonDaemonThreadBehind() {
    Set<Thread> before = liveThreads();
    WorkflowPrimitive<Integer, Integer> slow =
        LambdaPrimitive.of(
            "slow",
            (Integer n) -> {
              Thread.sleep(20);
              return n;
            });
    WorkflowPrimitive<Iterable<? extends Integer>, List<Integer>> each =
        ParallelPrimitive.forEach(TimeoutPrimitive.of(slow, Duration.ofSeconds(5)), 0);
    WorkflowRunner<List<Integer>, List<Integer>> runner =
        WorkflowRunner.of("Threads", each, WorkflowRuntime.defaults());

    assertEquals(List.of(1, 2, 3), runner.run(List.of(1, 2, 3)));
    assertEquals(List.of(4), runner.runAsync(List.of(4)).join());

    List<String> leftovers =
        liveThreads().stream()
            .filter(t -> !before.contains(t) && t.isAlive() && !t.isDaemon())
            .map(Thread::getName)
            .collect(Collectors.toList());
    assertEquals(List.of(), leftovers);
  }

  @Test
  void defaultExecutorRunsManyBlockingStepsAtOnce() throws Exception {
    // More blocking steps than cores must still all run together (the common pool would not).
    int steps = 16;
    CountDownLatch allRunning = new CountDownLatch(steps);
    WorkflowPrimitive<Integer, Integer> meet =
        LambdaPrimitive.of(
            "meet",
            (Integer n) -> {
              allRunning.countDown();
              if (!allRunning.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("only some steps ran at once");
              }
              return n;
            });
    List<Integer> items = IntStream.range(0, steps).boxed().toList();

    List<Integer> result =
        ParallelPrimitive.forEach(meet, 0)
            .execute(items, WorkflowContext.create("Many"))
            .get(20, TimeUnit.SECONDS);

    assertEquals(items, result);
    assertTrue(allRunning.getCount() == 0);
  }
}

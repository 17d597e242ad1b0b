package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A cached composition in a nested blocking run: the run's waiter runs its queued branches. */
class CachedCompositionOnBoundedPoolTest {

  private ExecutorService pool;

  @AfterEach
  void shutDown() {
    pool.shutdownNow();
  }

  @Test
  void nestedRunOfACachedParallelCompletesOnAPoolOfOne() throws Exception {
    pool = Executors.newFixedThreadPool(1);
    WorkflowRuntime runtime = WorkflowRuntime.builder().executor(pool).build();
    WorkflowRunner<String, List<String>> inner =
        WorkflowRunner.of(
            "inner",
            CachePrimitive.builder(
                    ParallelPrimitive.<String, String>of(
                        LambdaPrimitive.of("left", (String in) -> in + "-left"),
                        LambdaPrimitive.of("right", (String in) -> in + "-right")))
                .build(runtime),
            runtime);
    WorkflowRunner<String, List<String>> outer =
        WorkflowRunner.of(
            "outer",
            StepPrimitive.of(
                "call-inner", LambdaPrimitive.of("call-inner", (String in) -> inner.run(in))),
            runtime);
    assertEquals(List.of("a-left", "a-right"), outer.runAsync("a").get(5, SECONDS));
  }
}

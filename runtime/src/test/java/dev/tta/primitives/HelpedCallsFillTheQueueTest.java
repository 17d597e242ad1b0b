package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Calls a waiter ran in place leave the pool's queue, so a bounded queue is not used up by calls
 * that would do nothing.
 */
class HelpedCallsFillTheQueueTest {

  @Test
  void nestedForEachOnAPoolOfOneWithASmallQueueCompletes() throws Exception {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(4));
    try {
      WorkflowRuntime runtime = WorkflowRuntime.builder().executor(pool).build();
      WorkflowRunner<List<Integer>, List<Integer>> inner =
          WorkflowRunner.of(
              "inner",
              ParallelPrimitive.forEach(LambdaPrimitive.of("double", (Integer i) -> 2 * i), 1),
              runtime);
      List<Integer> items = IntStream.range(0, 20).boxed().collect(Collectors.toList());
      WorkflowRunner<List<Integer>, List<Integer>> outer =
          WorkflowRunner.of(
              "outer",
              StepPrimitive.of(
                  "call-inner",
                  LambdaPrimitive.of("call-inner", (List<Integer> in) -> inner.run(in))),
              runtime);
      List<Integer> out = outer.runAsync(items).get(10, SECONDS);
      assertEquals(20, out.size());
    } finally {
      pool.shutdownNow();
    }
  }
}

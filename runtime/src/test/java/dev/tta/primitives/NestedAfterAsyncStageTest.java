package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A blocking nested run() in a stage after an asynchronous stage runs its own queued branches. */
class NestedAfterAsyncStageTest {

  private ExecutorService pool;

  @AfterEach
  void shutDown() {
    pool.shutdownNow();
  }

  private WorkflowRunner<String, List<String>> inner(WorkflowRuntime runtime) {
    return WorkflowRunner.of(
        "inner",
        ParallelPrimitive.<String, String>of(
            LambdaPrimitive.of("left", (String in) -> in + "-left"),
            LambdaPrimitive.of("right", (String in) -> in + "-right")),
        runtime);
  }

  // Control: the nested run is the first stage: it runs inside the runAsync call, gets a Waiter.
  @Test
  void nestedRunAsFirstStageCompletes() throws Exception {
    pool = Executors.newFixedThreadPool(1);
    WorkflowRuntime runtime = WorkflowRuntime.builder().executor(pool).build();
    WorkflowRunner<String, List<String>> inner = inner(runtime);
    WorkflowRunner<String, List<String>> outer =
        WorkflowRunner.of(
            "outer",
            StepPrimitive.of(
                "call-inner", LambdaPrimitive.of("call-inner", (String in) -> inner.run(in))),
            runtime);
    assertEquals(List.of("a-left", "a-right"), outer.runAsync("a").get(5, SECONDS));
  }

  // The same nested run after a parallel stage: the continuation runs on the pool thread after
  // IsolatedCall.run restored CURRENT, so run() sees no enclosing call, makes no Waiter, and waits
  // for branches queued behind itself on the pool's only thread.
  @Test
  void nestedRunAfterAParallelStageCompletes() throws Exception {
    pool = Executors.newFixedThreadPool(1);
    WorkflowRuntime runtime = WorkflowRuntime.builder().executor(pool).build();
    WorkflowRunner<String, List<String>> inner = inner(runtime);
    WorkflowRunner<String, List<String>> outer =
        WorkflowRunner.of(
            "outer",
            SequentialPrimitive.of(
                ParallelPrimitive.<String, String>of(LambdaPrimitive.of("prep", (String in) -> in)),
                StepPrimitive.of(
                    "call-inner",
                    LambdaPrimitive.of("call-inner", (List<String> in) -> inner.run(in.get(0))))),
            runtime);
    assertEquals(List.of("a-left", "a-right"), outer.runAsync("a").get(5, SECONDS));
  }
}

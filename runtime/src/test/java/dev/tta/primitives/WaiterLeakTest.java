package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A waiter holds only the work of the run it waits for, and only while it waits: a fire-and-forget
 * {@code runAsync} started inside a nested blocking run is a run of its own, and offers that come
 * after the wait ended are dropped.
 */
class WaiterLeakTest {

  @Test
  void runAsyncFromABranchOfANestedRunIsNotHelpedByThatRunsWaiter() throws Exception {
    WorkflowRuntime runtime = WorkflowRuntime.defaults();
    ConcurrentLinkedQueue<String> waiters = new ConcurrentLinkedQueue<>();
    CompletableFuture<List<Integer>> background = new CompletableFuture<>();
    WorkflowRunner<List<Integer>, List<Integer>> async =
        WorkflowRunner.of(
            "background",
            ParallelPrimitive.forEach(
                LambdaPrimitive.of(
                    "element",
                    (Integer i, WorkflowContext c) -> {
                      waiters.add(String.valueOf(Waiter.of(c.scope())));
                      return i;
                    }),
                1),
            runtime);
    WorkflowRunner<String, List<String>> nested =
        WorkflowRunner.of(
            "nested",
            ParallelPrimitive.<String, String>of(
                LambdaPrimitive.of(
                    "branch",
                    (String in) -> {
                      List<Integer> items =
                          IntStream.range(0, 200).boxed().collect(Collectors.toList());
                      async.runAsync(items).whenComplete((v, e) -> background.complete(v));
                      return in;
                    })),
            runtime);
    WorkflowRunner<String, List<String>> outer =
        WorkflowRunner.of(
            "outer", LambdaPrimitive.of("call-nested", (String in) -> nested.run(in)), runtime);

    outer.runAsync("x").get(5, SECONDS);
    background.get(5, SECONDS);

    assertEquals(200, waiters.size());
    assertEquals(List.of("null"), waiters.stream().distinct().collect(Collectors.toList()));
  }

  @Test
  void offersAfterTheWaitEndedAreDropped() throws Exception {
    Waiter waiter = new Waiter(null);
    assertEquals("done", waiter.await(CompletableFuture.completedFuture("done")));
    AtomicBoolean ran = new AtomicBoolean();

    waiter.offer(() -> ran.set(true), Runnable::run);

    assertEquals(0, waiter.pending());
    assertFalse(ran.get());
    assertNull(Waiter.of(null));
  }
}

package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A fire-and-forget runAsync started by a step is a run of its own: a workflow that re-triggers
 * itself does not build an ever longer chain of finished calls.
 */
class RunAsyncScopeChainTest {

  @Test
  void aSelfTriggeringWorkflowDoesNotGrowItsScopeChain() throws Exception {
    AtomicReference<WorkflowRunner<Integer, Integer>> self = new AtomicReference<>();
    CompletableFuture<Integer> depthAtEnd = new CompletableFuture<>();
    WorkflowRunner<Integer, Integer> poller =
        WorkflowRunner.of(
            "poller",
            SequentialPrimitive.of(
                StepPrimitive.of("work", LambdaPrimitive.of("work", (Integer n) -> n)),
                StepPrimitive.of(
                    "again",
                    LambdaPrimitive.of(
                        "again",
                        (Integer n, WorkflowContext context) -> {
                          if (n > 0) {
                            self.get().runAsync(n - 1); // schedule the next round, do not wait
                          } else {
                            int depth = 0;
                            for (CancelScope s = context.scope(); s != null; s = s.parent()) {
                              depth++;
                            }
                            depthAtEnd.complete(depth);
                          }
                          return n;
                        }))),
            WorkflowRuntime.defaults());
    self.set(poller);
    poller.runAsync(500);
    int depth = depthAtEnd.get(10, SECONDS);
    System.err.println("scope chain depth after 500 rounds: " + depth);
    assertTrue(depth < 5, "scope chain depth " + depth + " after 500 rounds");
  }
}

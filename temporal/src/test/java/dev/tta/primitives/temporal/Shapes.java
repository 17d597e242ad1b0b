package dev.tta.primitives.temporal;

import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.annotations.Bulkhead;
import dev.tta.primitives.annotations.CircuitBreaker;
import dev.tta.primitives.annotations.Durable;
import dev.tta.primitives.annotations.Hedge;
import dev.tta.primitives.annotations.Parallel;
import dev.tta.primitives.annotations.RateLimit;
import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Workflow;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The shapes the other durable tests do not have: a run of two parameters (an input record), a
 * static step, a for-each over an {@code int[]}, the four in-worker policies (rate limit, bulkhead,
 * breaker, hedge), an async step taking the context, and a {@code void} last step, so that {@code
 * run} returns nothing.
 */
@Workflow(name = "Shapes")
@Durable
public class Shapes {

  /** What the last step was given, and the workflow id each context carried. */
  final List<String> recorded = new CopyOnWriteArrayList<>();

  @Step
  @RateLimit(permits = 100, per = "1s")
  public static int[] numbers(int count, String prefix) {
    int[] numbers = new int[count];
    for (int i = 0; i < count; i++) {
      numbers[i] = prefix.length() * 10 + i;
    }
    return numbers;
  }

  @Parallel(forEach = true)
  @Bulkhead(value = 2, queue = 8)
  public String label(int n) {
    return "#" + n;
  }

  @Step
  @CircuitBreaker(window = 4, minimumCalls = 2)
  public CompletableFuture<String> join(List<String> labels, WorkflowContext context) {
    recorded.add("workflowId=" + context.metadata().get(DurableActivity.WORKFLOW_ID));
    return CompletableFuture.supplyAsync(() -> String.join(",", labels));
  }

  @Step
  @Hedge(delay = "10s")
  public void record(String joined) {
    recorded.add(joined);
  }
}

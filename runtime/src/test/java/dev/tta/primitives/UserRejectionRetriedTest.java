package dev.tta.primitives;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Only the runtime's own executor refusing work is never retried; a step whose own work was refused
 * (its HTTP client's pool was full) is an ordinary, retryable failure of that step.
 */
class UserRejectionRetriedTest {

  @Test
  void aClassLevelRetryRetriesAStepThatThrewRejectedExecutionException() {
    AtomicInteger calls = new AtomicInteger();
    WorkflowRuntime runtime = WorkflowRuntime.builder().build();
    WorkflowRunner<String, String> workflow =
        WorkflowRunner.of(
            "W",
            RetryPrimitive.of(
                SequentialPrimitive.of(
                    StepPrimitive.of(
                        "call-service",
                        LambdaPrimitive.of(
                            "call-service",
                            (String in) -> {
                              if (calls.incrementAndGet() == 1) {
                                throw new RejectedExecutionException("client pool full");
                              }
                              return in;
                            })),
                    StepPrimitive.of("next", LambdaPrimitive.of("next", (String in) -> in))),
                RetryPolicy.builder().maxAttempts(3).build()),
            runtime);
    assertEquals("x", workflow.run("x"));
    assertEquals(2, calls.get());
  }
}

package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Failures name what the user wrote (a step, the workflow), never an internal description such as
 * "sequence".
 */
class NoInternalNamesInFailuresTest {

  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void releaseSteps() {
    release.countDown();
  }

  // Issue 11, defect 7 (a): a for-each's failure is named "sequence", not after its step.
  @Test
  void forEachGivenNullFailsNamingItsStep() {
    WorkflowPrimitive<String, List<String>> items =
        StepPrimitive.of("items", LambdaPrimitive.of("items", (String in) -> null));
    WorkflowPrimitive<String, String> fetch =
        StepPrimitive.of(
            "fetch",
            LambdaPrimitive.<String, String>ofAsync(
                "fetch", (in, ctx) -> CompletableFuture.completedFuture(in)));
    WorkflowRunner<String, List<String>> workflow =
        WorkflowRunner.of(
            "W",
            SequentialPrimitive.of(items, ParallelPrimitive.forEach(fetch, 2)),
            WorkflowRuntime.defaults());

    WorkflowException error = assertThrows(WorkflowException.class, () -> workflow.run("x"));

    assertEquals("W", error.workflow());
    assertEquals("fetch", error.step());
  }

  // Issue 11, defect 7 (b): a timeout around the whole sequence is named "sequence".
  @Test
  void timeoutOfTheWholeSequenceIsNamedAfterTheWorkflow() {
    List<String> timedOut = new CopyOnWriteArrayList<>();
    WorkflowListener listener =
        new WorkflowListener() {
          @Override
          public void onTimeout(WorkflowContext context, String step, Duration timeout) {
            timedOut.add(step);
          }
        };
    WorkflowPrimitive<String, String> a =
        StepPrimitive.of("a", LambdaPrimitive.of("a", (String in) -> in + "a"));
    WorkflowPrimitive<String, String> b =
        StepPrimitive.of(
            "b",
            LambdaPrimitive.of(
                "b",
                (String in) -> {
                  release.await(30, SECONDS); // past the deadline, until interrupted
                  return in + "b";
                }));
    WorkflowRunner<String, String> workflow =
        WorkflowRunner.of(
            "W",
            TimeoutPrimitive.of(SequentialPrimitive.of(a, b), Duration.ofMillis(100)),
            WorkflowRuntime.builder().listener(listener).build());

    WorkflowException error = assertThrows(WorkflowException.class, () -> workflow.run("x"));

    assertEquals("W", error.workflow());
    assertEquals("W", error.step(), "a failure of the whole run names the workflow");
    TimeoutException cause = assertInstanceOf(TimeoutException.class, error.getCause());
    assertFalse(cause.getMessage().contains("sequence"), cause.getMessage());
    assertEquals(List.of("W"), timedOut, "steps named by onTimeout");
  }
}

package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * A runtime is {@link AutoCloseable}: once closed it runs nothing more, closing it again is
 * harmless, and the shared {@link WorkflowRuntime#defaults()} ignore a close.
 *
 * <p>Pending: {@code WorkflowRuntime.close()} does not exist yet.
 */
class WorkflowRuntimeCloseTest {

  private static final long PATIENCE_SECONDS = 10;

  /** A step on a worker thread under a deadline: uses the executor and the timer. */
  private static WorkflowRunner<String, String> echo(WorkflowRuntime runtime) {
    return WorkflowRunner.of(
        "Echo",
        StepPrimitive.of(
            "echo",
            TimeoutPrimitive.of(
                LambdaPrimitive.of("echo", (String in) -> in), Duration.ofSeconds(5))),
        runtime);
  }

  // Issue 11, defect 9 (b): WorkflowRuntime implements AutoCloseable; a closed one runs nothing.
  @Test
  void runsOnAClosedRuntimeFailWithAWorkflowException() throws Exception {
    WorkflowRuntime runtime = WorkflowRuntime.builder().build();
    WorkflowRunner<String, String> workflow = echo(runtime);
    assertEquals("x", workflow.run("x")); // works until closed
    runtime.close();

    assertThrows(WorkflowException.class, () -> workflow.run("x"));
    CompletableFuture<String> run = workflow.runAsync("x");
    ExecutionException failure =
        assertThrows(ExecutionException.class, () -> run.get(PATIENCE_SECONDS, SECONDS));
    assertInstanceOf(WorkflowException.class, failure.getCause());
  }

  // Issue 11, defect 9 (b): try-with-resources closes the runtime.
  @Test
  void tryWithResourcesClosesTheRuntime() throws Exception {
    WorkflowRunner<String, String> workflow;
    try (WorkflowRuntime runtime = WorkflowRuntime.builder().build()) {
      workflow = echo(runtime);
      assertEquals("x", workflow.run("x"));
    }

    assertThrows(WorkflowException.class, () -> workflow.run("x"));
  }

  // Issue 11, defect 9 (b): closing twice is fine.
  @Test
  void closingTwiceIsHarmless() throws Exception {
    WorkflowRuntime runtime = WorkflowRuntime.builder().build();
    runtime.close();

    assertDoesNotThrow(runtime::close);
    assertThrows(WorkflowException.class, () -> echo(runtime).run("x"));
  }

  // Issue 11, defect 9 (b): closing the shared defaults does nothing.
  @Test
  void closingTheDefaultsDoesNothing() throws Exception {
    WorkflowRuntime.defaults().close();

    WorkflowRunner<String, String> workflow = echo(WorkflowRuntime.defaults());
    assertEquals("x", workflow.run("x"));
    assertEquals("y", workflow.runAsync("y").get(PATIENCE_SECONDS, SECONDS));
  }
}

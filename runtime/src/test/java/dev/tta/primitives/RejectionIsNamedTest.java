package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/**
 * An executor's rejection fails the run with a {@link WorkflowException} naming the workflow (and
 * the step whose start was rejected), like any other failure; never with the raw exception.
 */
class RejectionIsNamedTest {

  private static WorkflowRuntime rejectingEverything() {
    return WorkflowRuntime.builder()
        .executor(
            r -> {
              throw new RejectedExecutionException("full");
            })
        .build();
  }

  // Issue 11, defect 6: raw rejection of runAsync.
  @Test
  void rejectedRunAsyncFailsWithAWorkflowExceptionNamingTheWorkflow() {
    WorkflowRunner<String, String> workflow =
        WorkflowRunner.of(
            "W",
            StepPrimitive.of("echo", LambdaPrimitive.of("echo", (String in) -> in)),
            rejectingEverything());

    CompletableFuture<String> run = workflow.runAsync("x");
    ExecutionException failure = assertThrows(ExecutionException.class, () -> run.get(10, SECONDS));

    WorkflowException error = assertInstanceOf(WorkflowException.class, failure.getCause());
    assertEquals("W", error.workflow());
    RejectedExecutionException cause =
        assertInstanceOf(RejectedExecutionException.class, error.getCause());
    assertEquals("full", cause.getMessage());
  }

  // Issue 11, defect 6: raw rejection of a parallel branch.
  @Test
  void rejectedParallelBranchFailsTheRunNamingTheBranchsStep() {
    WorkflowPrimitive<String, String> quick =
        StepPrimitive.of(
            "quick",
            LambdaPrimitive.<String, String>ofAsync(
                "quick", (in, ctx) -> CompletableFuture.completedFuture(in)));
    WorkflowPrimitive<String, String> fetch =
        StepPrimitive.of("fetch", LambdaPrimitive.of("fetch", (String in) -> in + "-fetched"));
    WorkflowRunner<String, List<String>> workflow =
        WorkflowRunner.of(
            "W", ParallelPrimitive.<String, String>of(quick, fetch), rejectingEverything());

    // run() starts on this thread: only the blocking branch is handed to the executor.
    WorkflowException error = assertThrows(WorkflowException.class, () -> workflow.run("x"));

    assertEquals("W", error.workflow());
    assertEquals("fetch", error.step());
    assertInstanceOf(RejectedExecutionException.class, error.getCause());
  }
}

package dev.tta.primitives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Conditional and router are shapes, not steps: their failures name the workflow. */
class ConditionalNameTest {

  @Test
  void aFailedConditionNamesTheWorkflowNotConditional() {
    WorkflowRunner<String, String> workflow =
        WorkflowRunner.of(
            "W",
            ConditionalPrimitive.<String, String>of(
                in -> {
                  throw new IllegalStateException("bad input");
                },
                StepPrimitive.of("yes", LambdaPrimitive.of("yes", (String in) -> in)),
                StepPrimitive.of("no", LambdaPrimitive.of("no", (String in) -> in))),
            WorkflowRuntime.builder().build());
    WorkflowException e = assertThrows(WorkflowException.class, () -> workflow.run("x"));
    assertEquals("W", e.step(), e.getMessage());
  }
}

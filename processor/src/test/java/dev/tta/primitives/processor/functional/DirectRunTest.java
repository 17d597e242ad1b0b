package dev.tta.primitives.processor.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowException;
import dev.tta.primitives.WorkflowListener;
import dev.tta.primitives.WorkflowRuntime;
import dev.tta.primitives.processor.functional.DirectRuns.Call;
import dev.tta.primitives.testing.MockPrimitive;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * {@code run} of a plain sequence of synchronous steps calls the methods in place; every failure,
 * retry, listener, replacement and cancellation behaves as through the primitives.
 */
class DirectRunTest {

  private static final long PATIENCE_SECONDS = 10;

  private static List<String> callers(List<Call> calls) {
    return calls.stream().map(Call::caller).toList();
  }

  @Test
  void runCallsTheStepsInPlaceOnTheCallersThread() {
    DirectRuns.Pipeline steps = new DirectRuns.Pipeline();

    assertEquals("=42", new DirectRuns_PipelineWorkflow(steps).run("21"));

    assertEquals(List.of("runDirectly", "runDirectly", "runDirectly"), callers(steps.calls));
    for (Call call : steps.calls) {
      assertSame(Thread.currentThread(), call.thread());
    }
  }

  @Test
  void runWithAContextCallsInPlaceToo() {
    DirectRuns.Pipeline steps = new DirectRuns.Pipeline();

    assertEquals(
        "=4", new DirectRuns_PipelineWorkflow(steps).run("2", WorkflowContext.create("mine")));

    assertEquals(List.of("runDirectly", "runDirectly", "runDirectly"), callers(steps.calls));
  }

  @Test
  void aListenerGetsEveryEventBecauseTheRunTakesThePrimitives() {
    DirectRuns.Pipeline steps = new DirectRuns.Pipeline();
    List<String> started = new CopyOnWriteArrayList<>();
    WorkflowRuntime listened =
        WorkflowRuntime.builder()
            .listener(
                new WorkflowListener() {
                  @Override
                  public void onStepStart(WorkflowContext context, String step) {
                    started.add(step);
                  }
                })
            .build();

    assertEquals("=6", new DirectRuns_PipelineWorkflow(steps, listened).run("3"));
    assertEquals(
        "=8",
        new DirectRuns_PipelineWorkflow(steps).run("4", WorkflowContext.create("x", listened)));

    assertEquals(List.of("parse", "twice", "format", "parse", "twice", "format"), started);
    assertTrue(callers(steps.calls).stream().noneMatch("runDirectly"::equals));
  }

  @Test
  void aReplacedStepIsCalledThroughThePrimitives() {
    DirectRuns.Pipeline steps = new DirectRuns.Pipeline();
    MockPrimitive<Long, Long> twice = MockPrimitive.returning(100L);

    assertEquals("=100", new DirectRuns_PipelineWorkflow(steps).withTwice(twice).run("1"));

    assertEquals(1, twice.calls());
    assertTrue(callers(steps.calls).stream().noneMatch("runDirectly"::equals));
  }

  @Test
  void aFailureNamesTheWorkflowAndStepAndStartsNoLaterStep() {
    DirectRuns.Pipeline steps = new DirectRuns.Pipeline();

    WorkflowException e =
        assertThrows(WorkflowException.class, () -> new DirectRuns_PipelineWorkflow(steps).run(""));

    assertEquals("Pipeline", e.workflow());
    assertEquals("parse", e.step());
    assertEquals(1, e.attempts());
    assertInstanceOf(IOException.class, e.getCause());
    assertEquals("nothing to parse", e.getCause().getMessage());
    assertEquals(List.of("parse"), steps.calls.stream().map(Call::step).toList());
  }

  @Test
  void theStepsOwnExceptionIsTheCauseUnchanged() {
    DirectRuns.Pipeline steps = new DirectRuns.Pipeline();
    IllegalArgumentException unchecked = new IllegalArgumentException("bad");
    steps.parseFailure = unchecked;

    WorkflowException e =
        assertThrows(
            WorkflowException.class, () -> new DirectRuns_PipelineWorkflow(steps).run("1"));
    assertSame(unchecked, e.getCause());

    // A CompletionException thrown by the step is stripped, as the primitives strip it.
    steps.parseFailure = new CompletionException(unchecked);
    e =
        assertThrows(
            WorkflowException.class, () -> new DirectRuns_PipelineWorkflow(steps).run("1"));
    assertSame(unchecked, e.getCause());

    // An Error of the last step is wrapped, not thrown raw.
    steps.parseFailure = null;
    AssertionError error = new AssertionError("broken");
    steps.formatFailure = error;
    e =
        assertThrows(
            WorkflowException.class, () -> new DirectRuns_PipelineWorkflow(steps).run("1"));
    assertEquals("format", e.step());
    assertSame(error, e.getCause());
  }

  @Test
  void aRetriedStepGoesOnAfterItsDirectFirstAttemptFailed() {
    DirectRuns.Pipeline steps = new DirectRuns.Pipeline();
    steps.twiceFailuresLeft.set(2);

    assertEquals("=10", new DirectRuns_PipelineWorkflow(steps).run("5"));

    List<String> order = steps.calls.stream().map(Call::step).toList();
    assertEquals(List.of("parse", "twice", "twice", "twice", "format"), order);
    assertEquals("runDirectly", steps.calls.get(1).caller());
    // Later attempts run where the retry's wait ends; the next step follows on that thread, or on
    // the caller's if the retry had finished before the caller attached the rest of the run (a
    // busy machine can delay the caller past the 1 ms wait).
    Thread lastAttempt = steps.calls.get(3).thread();
    assertNotEquals(Thread.currentThread(), lastAttempt);
    Thread format = steps.calls.get(4).thread();
    assertTrue(
        format == lastAttempt || format == Thread.currentThread(),
        "format ran on " + format.getName());
  }

  @Test
  void exhaustedRetriesCountTheDirectAttempt() {
    DirectRuns.Pipeline steps = new DirectRuns.Pipeline();
    steps.twiceFailuresLeft.set(10);

    WorkflowException e =
        assertThrows(
            WorkflowException.class, () -> new DirectRuns_PipelineWorkflow(steps).run("5"));

    assertEquals("twice", e.step());
    assertEquals(3, e.attempts());
    assertEquals("flaky 7", e.getCause().getMessage());
    assertEquals(2, e.getSuppressed().length);
    assertEquals("flaky 9", e.getSuppressed()[0].getMessage());
    assertTrue(steps.calls.stream().noneMatch(call -> call.step().equals("format")));
  }

  @Test
  void stepsShareTheRunsContextAndARetryRepeatsTheRunParameters() {
    DirectRuns.WithContext steps = new DirectRuns.WithContext();
    steps.joinFailuresLeft.set(1);

    assertEquals("WithContext".length(), new DirectRuns_WithContextWorkflow(steps).run("a", 1));

    assertEquals(List.of("a1", "a1"), steps.joined);
    assertEquals(4, steps.contexts.size());
    WorkflowContext first = steps.contexts.get(0);
    assertEquals("WithContext", first.workflowName());
    for (WorkflowContext context : steps.contexts) {
      // The same run: a retried attempt may see a copy that carries its own cancellation scope.
      assertEquals(first.workflowId(), context.workflowId());
      assertEquals(first.workflowName(), context.workflowName());
      assertEquals(first.metadata(), context.metadata());
    }
  }

  @Test
  void runWithAContextPassesItsIdAndMetadataUnderTheWorkflowsName() {
    DirectRuns.WithContext steps = new DirectRuns.WithContext();
    WorkflowContext given = WorkflowContext.create("caller").withMetadata("tenant", "t1");

    new DirectRuns_WithContextWorkflow(steps).run("b", 2, given);

    assertEquals(3, steps.contexts.size());
    for (WorkflowContext context : steps.contexts) {
      assertEquals("WithContext", context.workflowName());
      assertEquals(given.workflowId(), context.workflowId());
      assertEquals("t1", context.metadata().get("tenant"));
    }
  }

  @Test
  void namesOfTheGeneratedMethodDoNotCaptureParametersOrSteps() {
    assertEquals(70, new DirectRuns_ClashesWorkflow(new DirectRuns.Clashes()).run(1, 2, 3));
  }

  @Test
  void aNullContextFailsAsThroughThePrimitives() {
    DirectRuns_PipelineWorkflow workflow =
        new DirectRuns_PipelineWorkflow(new DirectRuns.Pipeline());

    NullPointerException direct =
        assertThrows(NullPointerException.class, () -> workflow.run("1", null));
    NullPointerException primitives =
        assertThrows(
            NullPointerException.class,
            () -> workflow.withParse(workflow.parseStep()).run("1", null));

    assertEquals(primitives.getMessage(), direct.getMessage());
  }

  @Test
  void bothPathsCallTheAnnotatedMethodsAndNotTheirOverloads() {
    DirectRuns_OverloadsWorkflow workflow =
        new DirectRuns_OverloadsWorkflow(new DirectRuns.Overloads());

    assertEquals("object 30", workflow.run(2));
    assertEquals("object 30", workflow.run(2, WorkflowContext.create("given")));
    // Through the primitives, which hand the steps boxed values.
    assertEquals("object 30", workflow.withCount(workflow.countStep()).run(2));
  }

  @Test
  void aNestedRunInsideACancelledIsolatedCallStartsNoFurtherStep() throws Exception {
    DirectRuns.Stubborn inner = new DirectRuns.Stubborn();
    DirectRuns.Outer outer = new DirectRuns.Outer(new DirectRuns_StubbornWorkflow(inner));

    WorkflowException e =
        assertThrows(WorkflowException.class, () -> new DirectRuns_OuterWorkflow(outer).run("x"));
    assertInstanceOf(TimeoutException.class, e.getCause());
    assertTrue(inner.entered.await(PATIENCE_SECONDS, TimeUnit.SECONDS));
    inner.release.countDown();

    // The nested run ends with the cancellation, not by calling its next step.
    assertThrows(
        CancellationException.class,
        () -> outer.innerOutcome.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
    assertEquals(0, inner.afterCalls.get());
  }
}

package dev.tta.primitives.processor.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowException;
import dev.tta.primitives.WorkflowPrimitive;
import dev.tta.primitives.WorkflowRuntime;
import dev.tta.primitives.testing.MockPrimitive;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs workflows generated from {@link Samples} and {@link Sample} by the processor. */
class GeneratedWorkflowTest {

  @Test
  void sequentialForEachParallelAndFanInRunInOrder() {
    SampleWorkflow workflow = new SampleWorkflow(new Sample());

    assertEquals("10/4", workflow.run("a bb ccc dddd"));
  }

  @Test
  void parallelBranchesRunAtTheSameTimeAndFillTheOutputRecord() throws Exception {
    Samples_MeetingWorkflow meeting = new Samples_MeetingWorkflow(new Samples.Meeting());

    Samples_MeetingWorkflow.Output output = meeting.runAsync("plans").get(30, TimeUnit.SECONDS);

    assertEquals("alice:plans", output.alice());
    assertEquals("bob:plans", output.bob());
    assertEquals("carol:plans", output.carol());
  }

  @Test
  void forEachOverAnArrayKeepsOrderAndBound() {
    Samples.Bounded steps = new Samples.Bounded();

    List<Long> squares = new Samples_BoundedWorkflow(steps).run(20);

    assertEquals(20, squares.size());
    for (int i = 0; i < 20; i++) {
      assertEquals((long) i * i, squares.get(i));
    }
    assertTrue(steps.peak.get() <= 3, "peak " + steps.peak.get());
  }

  @Test
  void workflowNameComesFromTheAnnotation() {
    assertEquals("Squares", new Samples_BoundedWorkflow(new Samples.Bounded()).name());
  }

  @Test
  void voidStepsAndContextParameters() {
    Samples.Effects steps = new Samples.Effects();
    WorkflowContext context = WorkflowContext.create("ignored").withMetadata("user", "ada");

    new Samples_EffectsWorkflow(steps).run("hello", context);

    assertEquals(List.of("Effects:hello:ada", "finished"), steps.log);
  }

  @Test
  void severalRunParametersGenericsAsyncAndWidening() {
    long summary = new Samples_InventoryWorkflow(new Samples.Inventory()).run("north", 2);

    assertEquals(3 * 1000 + (6 + 8 + 2), summary);
  }

  @Test
  void inputRecordIsTheExecuteInput() {
    Samples_InventoryWorkflow workflow = new Samples_InventoryWorkflow(new Samples.Inventory());

    long summary =
        workflow
            .execute(new Samples_InventoryWorkflow.Input("south", 1), WorkflowContext.create("x"))
            .join();

    assertEquals(3 * 1000 + 8, summary);
  }

  @Test
  void fanInCollectsBranchResultsInOrder() {
    String joined = new Samples_FanInWorkflow(new Samples.FanIn()).run("hello");

    assertEquals("[5, " + ("hello".hashCode() % 10) + "]", joined);
  }

  @Test
  void checkedExceptionBecomesTheCauseAndNamesTheStep() {
    WorkflowException e =
        assertThrows(
            WorkflowException.class,
            () -> new Samples_FailingWorkflow(new Samples.Failing()).run("/missing"));

    assertEquals("Failing", e.workflow());
    assertEquals("read", e.step());
    assertInstanceOf(IOException.class, e.getCause());
    assertEquals("cannot read /missing", e.getCause().getMessage());
  }

  @Test
  void aDeclaredThrowableIsCarriedAsTheCause() {
    Samples_ThrowsThrowableWorkflow workflow =
        new Samples_ThrowsThrowableWorkflow(new Samples.ThrowsThrowable());

    assertEquals("ok", workflow.run("ok"));
    WorkflowException e = assertThrows(WorkflowException.class, () -> workflow.run(""));
    assertEquals("empty", e.getCause().getMessage());
  }

  @Test
  void aGeneratedWorkflowIsAStepOfAnother() {
    String result = new Samples_OuterWorkflow(new Samples.Outer()).run("  hi ");

    assertEquals("[2, " + ("hi".hashCode() % 10) + "]", result);
  }

  @Test
  void generatedWorkflowIsAPrimitive() {
    WorkflowPrimitive<String, String> primitive = new Samples_FanInWorkflow(new Samples.FanIn());

    assertEquals(
        "[1, " + ("x".hashCode() % 10) + "]",
        primitive.execute("x", WorkflowContext.create("p")).join());
  }

  @Test
  void aStepCanBeReplacedByAMock() {
    MockPrimitive<String, String> read =
        MockPrimitive.<String, String>named("read").thenReturn("mocked");
    Samples_FailingWorkflow workflow =
        new Samples_FailingWorkflow(new Samples.Failing(), WorkflowRuntime.defaults())
            .withRead(read);

    assertEquals(6, workflow.run("/any"));
    assertEquals(List.of("/any"), read.inputs());
  }

  @Test
  void stepAccessorsExposeTheCalls() {
    Samples_FailingWorkflow workflow = new Samples_FailingWorkflow(new Samples.Failing());

    assertEquals(4, workflow.lengthStep().execute("four", WorkflowContext.create("t")).join());
  }
}

package dev.tta.primitives.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.WorkflowException;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Durable runs of the less common shapes: see {@link Shapes} and {@link Greeting}. */
class DurableShapesTest {

  private TestWorkflowEnvironment env;
  private final Shapes shapes = new Shapes();
  private final Greeting greeting = new Greeting();

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    ShapesTemporal.register(env.newWorker(ShapesTemporal.TASK_QUEUE), shapes);
    GreetingTemporal.register(env.newWorker(GreetingTemporal.TASK_QUEUE), greeting);
    ClashesTemporal.register(env.newWorker(ClashesTemporal.TASK_QUEUE), new Clashes());
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void twoParametersAnArrayForEachAnAsyncStepAndAVoidEnd() {
    String id = new ShapesTemporal(env.getWorkflowClient()).start(3, "ab", "shapes-1");
    new ShapesTemporal(env.getWorkflowClient()).result(id);

    Shapes inProcess = new Shapes();
    new ShapesWorkflow(inProcess).run(3, "ab");
    assertEquals(List.of("workflowId=shapes-1", "#20,#21,#22"), shapes.recorded);
    assertEquals("#20,#21,#22", inProcess.recorded.get(1));
  }

  @Test
  void aRunWithoutInput() {
    assertEquals("HELLO!", new GreetingTemporal(env.getWorkflowClient()).run());
    assertEquals("greetings", GreetingTemporal.TASK_QUEUE);
  }

  @Test
  void aClassTimeoutIsTheRunsTimeLimit() {
    GreetingTemporal client = new GreetingTemporal(env.getWorkflowClient());
    client.result(client.start("greeting-1"));

    HistoryEvent started = env.getWorkflowClient().fetchHistory("greeting-1").getEvents().get(0);
    assertEquals(
        60,
        started.getWorkflowExecutionStartedEventAttributes().getWorkflowRunTimeout().getSeconds());
  }

  @Test
  void namesThatCouldClashDoNot() {
    String durable = new ClashesTemporal(env.getWorkflowClient()).run("a");

    assertEquals(new ClashesWorkflow(new Clashes()).run("a"), durable);
    assertEquals("[in stock a, backup x1]!", durable);
  }

  @Test
  void aNullForEachInputFailsTheRunNamingTheStepInsteadOfHanging() {
    WorkflowException e =
        assertThrows(
            WorkflowException.class,
            () -> new ClashesTemporal(env.getWorkflowClient()).run("none"));

    assertEquals("stock", e.step());
    assertTrue(e.getMessage().contains("for-each 'stock' got a null input"), e.getMessage());
  }
}

package dev.tta.primitives.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.WorkflowException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The generated Temporal classes on Temporal's in-process test server (time skipping): the same
 * results as in process, retries as activity retries, {@code abortOn}, fallbacks after retries,
 * bounded for-each stages, and attaching to a run from a second client.
 */
class DurableWorkflowTest {

  private TestWorkflowEnvironment env;
  private Orders orders;
  private Flaky flaky;
  private Backup backup;

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    orders = new Orders();
    flaky = new Flaky();
    backup = new Backup();
    Worker worker = env.newWorker(OrdersTemporal.TASK_QUEUE);
    OrdersTemporal.register(worker, orders);
    FlakyTemporal.register(env.newWorker(FlakyTemporal.TASK_QUEUE), flaky);
    BackupTemporal.register(env.newWorker(BackupTemporal.TASK_QUEUE), backup);
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  /** The in-process run's result; its store never fails, so that no retry waits in real time. */
  private static Orders.Receipt inProcess(String id) {
    Orders steps = new Orders();
    steps.loadFailures = 0;
    return new OrdersWorkflow(steps).run(id);
  }

  @Test
  void aRunGivesWhatTheInProcessWorkflowGives() {
    Orders.Receipt durable = new OrdersTemporal(env.getWorkflowClient()).run("o-1");
    Orders.Receipt inProcess = inProcess("o-1");

    assertEquals(inProcess, durable);
    assertEquals(4, durable.packed().size());
    assertEquals("packed o-1-line1 at 400 stock -1", durable.packed().get(0));
    // Two failed attempts and the third that succeeded; every other step once (pack per line).
    assertEquals(3, orders.calls("load"));
    assertEquals(1, orders.calls("checked"));
    assertEquals(1, orders.calls("price"));
    assertEquals(1, orders.calls("lines"));
    assertEquals(4, orders.calls("pack"));
    assertEquals(1, orders.calls("receipt"));
  }

  @Test
  void aRetriedStepIsRetriedByTemporalWithItsBackoff() {
    flaky.failures = 3;
    flaky.clock = env::currentTimeMillis;

    String result = new FlakyTemporal(env.getWorkflowClient()).run("done");

    assertEquals("done after 4", result);
    assertEquals(4, flaky.scheduled.size(), "attempts");
    // Waits of 2 s, then 2 × 3 = 6 s, then 18 s capped at 10 s, on the test server's clock (which
    // skips them; an attempt itself takes milliseconds).
    assertEquals(2, secondsBetween(0, 1), "first wait");
    assertEquals(6, secondsBetween(1, 2), "second wait");
    assertEquals(10, secondsBetween(2, 3), "third wait, capped");
  }

  private long secondsBetween(int attempt, int next) {
    return Math.round((flaky.scheduled.get(next) - flaky.scheduled.get(attempt)) / 1000.0);
  }

  @Test
  void aStepThatFailsEveryAttemptFailsTheRunNamingTheStep() {
    flaky.failures = 10;

    WorkflowException e =
        assertThrows(
            WorkflowException.class, () -> new FlakyTemporal(env.getWorkflowClient()).run("x"));

    assertEquals("Flaky", e.workflow());
    assertEquals("call", e.step());
    assertEquals(4, e.attempts());
    assertEquals(4, flaky.scheduled.size());
    ActivityFailure activity = assertInstanceOf(ActivityFailure.class, e.getCause());
    ApplicationFailure original = assertInstanceOf(ApplicationFailure.class, activity.getCause());
    assertEquals("java.lang.IllegalStateException", original.getType());
    assertEquals("attempt 4 failed", original.getOriginalMessage());
    assertTrue(e.getMessage().contains("step 'call' failed after 4 attempts"), e.getMessage());
  }

  @Test
  void aFailureInAbortOnIsNotRetried() {
    WorkflowException e =
        assertThrows(
            WorkflowException.class, () -> new OrdersTemporal(env.getWorkflowClient()).run(" "));

    assertEquals("load", e.step());
    assertEquals(1, e.attempts());
    assertEquals(1, orders.calls("load"));
    ApplicationFailure original =
        assertInstanceOf(ApplicationFailure.class, e.getCause().getCause());
    assertEquals("java.lang.IllegalArgumentException", original.getType());
    assertEquals(0, orders.calls("price"), "no later stage ran");
  }

  @Test
  void theFallbackRunsAfterTheStepFailedAndGetsTheFailure() {
    Orders.Receipt receipt = new OrdersTemporal(env.getWorkflowClient()).run("o-2");

    assertEquals(1, orders.calls("stock"), "stock has no @Retry: one attempt");
    assertEquals(1, orders.calls("noStock"));
    // noStock saw the original message through the ApplicationFailure it was given.
    assertTrue(receipt.packed().get(0).endsWith("stock -1"), receipt.packed().get(0));
  }

  @Test
  void theFallbackRunsOnceTheRetriesAreSpentWithTheLastFailure() {
    String value = new BackupTemporal(env.getWorkflowClient()).run("k1");

    assertEquals("k1 from backup", value);
    assertEquals(3, backup.attempts.get());
    assertEquals(List.of("java.io.IOException: primary store down at attempt 3"), backup.causes);
  }

  @Test
  void aFailureTheFallbackSkipsFailsTheRunWithoutRetriesOfThatKind() {
    WorkflowException e =
        assertThrows(
            WorkflowException.class,
            () -> new BackupTemporal(env.getWorkflowClient()).run("unchecked-1"));

    assertEquals("fetch", e.step());
    // @Retry's default retryOn (Exception) retries it; the fallback's skipOn then leaves it.
    assertEquals(3, e.attempts());
    assertEquals(0, backup.causes.size());
    ApplicationFailure original =
        assertInstanceOf(ApplicationFailure.class, e.getCause().getCause());
    assertEquals("java.io.UncheckedIOException", original.getType());
  }

  @Test
  void withoutTheFailureTheFallbackNeverRuns() {
    orders.stockDown = false;

    Orders.Receipt receipt = new OrdersTemporal(env.getWorkflowClient()).run("o-3");

    assertEquals(0, orders.calls("noStock"));
    assertTrue(receipt.packed().get(0).endsWith("stock 7"), receipt.packed().get(0));
  }

  @Test
  void aForEachStageNeverHasMoreThanItsBoundInFlight() {
    new OrdersTemporal(env.getWorkflowClient()).run("o-4");

    assertEquals(4, orders.calls("pack"));
    assertEquals(2, orders.mostPacking.get(), "two at a time, never more");
  }

  @Test
  void aRunStartedByOneClientIsFinishedForAnother() {
    // A client of its own does not skip time: no retry waits here.
    orders.loadFailures = 0;
    OrdersTemporal first = new OrdersTemporal(env.getWorkflowClient());
    String id = first.start("o-5", "order-o-5");
    assertEquals("order-o-5", id);

    WorkflowClient other =
        WorkflowClient.newInstance(
            env.getWorkflowServiceStubs(),
            WorkflowClientOptions.newBuilder().setNamespace(env.getNamespace()).build());
    Orders.Receipt receipt = new OrdersTemporal(other).result(id);

    assertEquals(inProcess("o-5"), receipt);
  }

  @Test
  void startingTwiceUnderOneIdIsRefusedNamingTheWorkflow() {
    OrdersTemporal client = new OrdersTemporal(env.getWorkflowClient());
    orders.loadFailures = 0;
    client.start("o-6", "order-o-6");

    WorkflowException e =
        assertThrows(WorkflowException.class, () -> client.start("o-6", "order-o-6"));

    assertEquals("Orders", e.workflow());
    assertEquals("Orders", e.step());
    assertInstanceOf(io.temporal.client.WorkflowException.class, e.getCause());
  }
}

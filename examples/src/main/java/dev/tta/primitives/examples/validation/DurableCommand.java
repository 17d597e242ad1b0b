package dev.tta.primitives.examples.validation;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * {@code durable [DIR]}: validates a source tree durably, on Temporal, and prints the report and
 * the run's activities as Temporal recorded them.
 *
 * <p>With {@code TEMPORAL_ADDRESS} unset it starts Temporal's Java test server in this process (no
 * install needed; the run is real, but the server keeps nothing after the process ends); with
 * {@code TEMPORAL_ADDRESS=host:port} (as Temporal's own tools read it, with {@code
 * TEMPORAL_NAMESPACE}, default {@code default}) it connects to that cluster, for instance one of
 * {@code temporal server start-dev}, and the run shows in its web UI. Either way this process is
 * both the worker and the client.
 */
public final class DurableCommand {

  /** The environment variable naming the cluster, as Temporal's CLI reads it. */
  public static final String ADDRESS = "TEMPORAL_ADDRESS";

  /** The environment variable naming the namespace. */
  public static final String NAMESPACE = "TEMPORAL_NAMESPACE";

  private DurableCommand() {}

  /**
   * Runs the validation on Temporal.
   *
   * @param args {@code [DIR]}; without it, the sample tree of {@code validate}
   * @param out where the report and the activities go
   * @param environment the environment variables to read the address from
   * @return 0 when the tree passed (warnings allowed), 1 when a check found errors
   */
  public static int run(List<String> args, PrintStream out, Map<String, String> environment) {
    Path root = args.isEmpty() ? ValidateCommand.sampleTree() : Path.of(args.get(0));
    String address = environment.getOrDefault(ADDRESS, "");
    String namespace = environment.getOrDefault(NAMESPACE, "");
    try (Cluster cluster =
        address.isBlank()
            ? Cluster.embedded()
            : Cluster.connect(address, namespace.isBlank() ? "default" : namespace)) {
      out.println(
          "Validating "
              + ValidateCommand.display(root)
              + " on Temporal "
              + cluster.where()
              + ", task queue "
              + DurableValidationTemporal.TASK_QUEUE);
      DurableValidationTemporal.register(
          cluster.worker(DurableValidationTemporal.TASK_QUEUE), new DurableValidation());
      cluster.start();
      DurableValidationTemporal validation = new DurableValidationTemporal(cluster.client());
      String workflowId = "validate-" + UUID.randomUUID();
      validation.start(root.toAbsolutePath().normalize().toString(), workflowId);
      out.println("Started workflow " + workflowId);
      Report report = validation.result(workflowId);
      ValidateCommand.print(report, out);
      printActivities(cluster.client(), workflowId, out);
      return report.passed() ? 0 : 1;
    }
  }

  /** One line per activity of the run: its type, attempt, worker and time, from the history. */
  private static void printActivities(WorkflowClient client, String workflowId, PrintStream out) {
    List<HistoryEvent> events = client.fetchHistory(workflowId).getEvents();
    Map<Long, HistoryEvent> scheduled = new HashMap<>();
    Map<Long, HistoryEvent> started = new HashMap<>();
    out.printf("%nActivities of %s, as Temporal recorded them:%n", workflowId);
    for (HistoryEvent event : events) {
      EventType type = event.getEventType();
      if (type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        scheduled.put(event.getEventId(), event);
      } else if (type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
        started.put(event.getActivityTaskStartedEventAttributes().getScheduledEventId(), event);
      } else if (type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
          || type == EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED
          || type == EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT) {
        long id =
            type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
                ? event.getActivityTaskCompletedEventAttributes().getScheduledEventId()
                : type == EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED
                    ? event.getActivityTaskFailedEventAttributes().getScheduledEventId()
                    : event.getActivityTaskTimedOutEventAttributes().getScheduledEventId();
        HistoryEvent schedule = scheduled.get(id);
        HistoryEvent start = started.get(id);
        if (schedule == null || start == null) {
          continue;
        }
        long millis =
            TimeUnit.SECONDS.toMillis(
                    event.getEventTime().getSeconds() - start.getEventTime().getSeconds())
                + (event.getEventTime().getNanos() - start.getEventTime().getNanos()) / 1_000_000;
        out.printf(
            "  %-30s attempt %d  %-9s %5d ms  on %s%n",
            schedule.getActivityTaskScheduledEventAttributes().getActivityType().getName(),
            start.getActivityTaskStartedEventAttributes().getAttempt(),
            type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
                ? "completed"
                : type == EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED ? "failed" : "timed out",
            millis,
            start.getActivityTaskStartedEventAttributes().getIdentity());
      }
    }
  }

  /** Where the run goes: an embedded test server, or a cluster at an address. */
  private interface Cluster extends AutoCloseable {

    static Cluster embedded() {
      TestWorkflowEnvironment env =
          TestWorkflowEnvironment.newInstance(
              TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
      return new Cluster() {
        @Override
        public String where() {
          return "(Java test server, in this process; set " + ADDRESS + " for a cluster)";
        }

        @Override
        public Worker worker(String taskQueue) {
          return env.newWorker(taskQueue);
        }

        @Override
        public void start() {
          env.start();
        }

        @Override
        public WorkflowClient client() {
          return env.getWorkflowClient();
        }

        @Override
        public void close() {
          env.close();
        }
      };
    }

    static Cluster connect(String address, String namespace) {
      WorkflowServiceStubs service =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(address).build());
      WorkflowClient client =
          WorkflowClient.newInstance(
              service, WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
      WorkerFactory factory = WorkerFactory.newInstance(client);
      return new Cluster() {
        @Override
        public String where() {
          return "at " + address + ", namespace " + namespace;
        }

        @Override
        public Worker worker(String taskQueue) {
          return factory.newWorker(taskQueue);
        }

        @Override
        public void start() {
          factory.start();
        }

        @Override
        public WorkflowClient client() {
          return client;
        }

        @Override
        public void close() {
          factory.shutdown();
          factory.awaitTermination(10, TimeUnit.SECONDS);
          service.shutdown();
        }
      };
    }

    String where();

    Worker worker(String taskQueue);

    void start();

    WorkflowClient client();

    @Override
    void close();
  }
}

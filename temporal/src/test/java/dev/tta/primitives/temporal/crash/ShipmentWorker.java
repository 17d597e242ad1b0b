package dev.tta.primitives.temporal.crash;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A worker process of {@link Shipment}, for {@link CrashRecoveryTest}: connects to the Temporal
 * service at {@code 127.0.0.1:<port>}, registers the workflow and its steps with {@code
 * ShipmentTemporal.register}, polls {@code ShipmentTemporal.TASK_QUEUE} and runs until it is
 * killed.
 *
 * <p>Arguments: {@code <port> <worker name> <calls directory>}. Once polling, it writes {@code
 * <worker name>.ready} into the calls directory.
 */
public final class ShipmentWorker {

  /** How long the first attempt of {@code pack} waits: it only ends by the kill. */
  static final Duration FIRST_PACK_HOLD = Duration.ofMinutes(2);

  private ShipmentWorker() {}

  /**
   * Starts the worker and blocks for good.
   *
   * @param args the service's port, this worker's name, the calls directory
   * @throws Exception if the worker cannot start
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: ShipmentWorker <port> <worker name> <calls directory>");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    String name = args[1];
    Path callsDir = Path.of(args[2]);

    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:" + port).build());
    WorkflowClient client =
        WorkflowClient.newInstance(
            service, WorkflowClientOptions.newBuilder().setIdentity(name).build());
    WorkerFactory factory = WorkerFactory.newInstance(client);
    // No sticky queue: the test server never moves a workflow task off a dead worker's sticky
    // queue (it ignores the sticky schedule-to-start timeout), so a run whose sticky worker is
    // killed would wait forever. Every workflow task then goes to the shared queue and is replayed.
    Worker worker =
        factory.newWorker(
            ShipmentTemporal.TASK_QUEUE,
            WorkerOptions.newBuilder().setStickyQueueScheduleToStartTimeout(Duration.ZERO).build());
    ShipmentTemporal.register(worker, new Shipment(callsDir, name, FIRST_PACK_HOLD));
    factory.start();

    Files.writeString(callsDir.resolve(name + ".ready"), name);
    System.out.println(name + " polling " + ShipmentTemporal.TASK_QUEUE + " on port " + port);
    new CountDownLatch(1).await();
  }
}

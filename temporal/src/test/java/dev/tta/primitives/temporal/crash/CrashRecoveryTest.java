package dev.tta.primitives.temporal.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A durable run survives the death of the process running its step: Temporal's Java test server and
 * two {@link ShipmentWorker}s run as processes of their own; a {@link Shipment} run is started, the
 * worker running its slow {@code pack} step is killed with SIGKILL, and the run's result, taken
 * from a new client, is what an in-process run gives, with every step that had completed run once,
 * {@code pack} run twice (once on each worker) and the later steps once, on the survivor.
 *
 * <p>Not part of the default build (it spawns three JVMs and takes tens of seconds). From a fresh
 * clone:
 *
 * <pre>
 * mvn -q install -DskipTests
 * mvn -pl temporal -Pdurability test
 * </pre>
 *
 * <p>({@code -Dtest=CrashRecoveryTest} without the profile runs it too: {@code -Dtest} overrides
 * the exclusion.)
 *
 * <p>On failure the working directory (the calls file and every process's log) is kept; its path is
 * in the message.
 */
class CrashRecoveryTest {

  private static final String ORDER = "order-4711";

  /** How long anything here may take: far beyond what it takes on a busy 2-core machine. */
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  /** The {@code @Timeout} of {@code Shipment.pack}. */
  private static final Duration PACK_TIMEOUT = Duration.ofSeconds(5);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  private final List<Process> processes = new ArrayList<>();
  private final List<WorkflowServiceStubs> services = new ArrayList<>();

  @AfterEach
  void stopEverything() throws InterruptedException {
    for (WorkflowServiceStubs service : services) {
      service.shutdownNow();
      service.awaitTermination(10, TimeUnit.SECONDS);
    }
    for (Process process : processes) {
      process.destroyForcibly();
    }
    for (Process process : processes) {
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  // Above the 60 s default of the processor's test-jar (on this class path): each phase below has
  // DEADLINE of its own.
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aRunSurvivesTheKillOfTheWorkerRunningItsStep() throws Exception {
    int port = startServer();
    Map<String, Process> workers = new LinkedHashMap<>();
    for (String name : List.of("worker-a", "worker-b")) {
      workers.put(
          name,
          start(name, ShipmentWorker.class.getName(), String.valueOf(port), name, dir.toString()));
    }
    for (String name : workers.keySet()) {
      awaitFile(dir.resolve(name + ".ready"), name + " polling");
    }

    String workflowId = "shipment-" + ORDER;
    long startedAt = System.nanoTime();
    new ShipmentTemporal(client(port)).start(ORDER, workflowId);

    Path inFlight = dir.resolve(Shipment.PACK_IN_FLIGHT);
    awaitFile(inFlight, "pack in flight");
    long seenAt = System.nanoTime();
    String killed = Files.readString(inFlight);
    assertTrue(workers.containsKey(killed), () -> "pack in flight on an unknown worker: " + killed);
    String survivor = workers.keySet().stream().filter(w -> !w.equals(killed)).findFirst().get();
    Process victim = workers.get(killed);
    victim.destroyForcibly();
    assertTrue(victim.waitFor(30, TimeUnit.SECONDS), () -> killed + " still running after SIGKILL");
    assertFalse(victim.isAlive());
    long killedAt = System.nanoTime();
    // Later than pack's @Timeout, Temporal would have retried it already, maybe on the victim.
    assertTrue(
        killedAt - seenAt < PACK_TIMEOUT.toNanos(),
        () -> "the kill came after pack's " + PACK_TIMEOUT.toSeconds() + " s timeout" + state());

    // A new client, sharing nothing with the one that started the run.
    ShipmentTemporal another = new ShipmentTemporal(client(port));
    Shipment.Dispatched result =
        assertTimeoutPreemptively(
            DEADLINE,
            () -> another.result(workflowId),
            () -> "no result " + DEADLINE.toSeconds() + " s after the kill of " + killed + state());
    long endedAt = System.nanoTime();

    Path inProcessDir = Files.createDirectory(dir.resolve("in-process"));
    Shipment.Dispatched inProcess =
        new ShipmentWorkflow(new Shipment(inProcessDir, "in-process", Duration.ZERO)).run(ORDER);
    assertEquals(inProcess, result);
    assertEquals(ORDER, result.order());

    List<Call> calls = calls();
    print(calls, killed, victim.exitValue(), startedAt, seenAt, killedAt, endedAt);
    assertEquals(
        List.of("weigh", "price", "pack", "pack", "label", "dispatch"),
        calls.stream().map(Call::step).toList(),
        () -> "every step once, pack twice, in order" + state());
    // Done before the kill: once each, on either worker.
    assertEquals(1, calls.get(0).attempt());
    assertEquals(1, calls.get(1).attempt());
    // The killed attempt, then Temporal's retry on the survivor.
    assertEquals(new Call("pack", killed, 1), calls.get(2), this::state);
    assertEquals(new Call("pack", survivor, 2), calls.get(3), this::state);
    // After the kill: once each, on the survivor.
    assertEquals(new Call("label", survivor, 1), calls.get(4), this::state);
    assertEquals(new Call("dispatch", survivor, 1), calls.get(5), this::state);
    assertTrue(workers.get(survivor).isAlive(), () -> survivor + " died" + state());
  }

  /** One line of {@link Shipment#CALLS}. */
  record Call(String step, String worker, int attempt) {}

  private List<Call> calls() throws IOException {
    List<Call> calls = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve(Shipment.CALLS))) {
      String[] fields = line.split(" ");
      calls.add(new Call(fields[0], fields[1], Integer.parseInt(fields[2])));
    }
    return calls;
  }

  private static void print(
      List<Call> calls,
      String killed,
      int exitValue,
      long startedAt,
      long seenAt,
      long killedAt,
      long endedAt) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "crash recovery: pack in flight on %s %.2f s after the start; killed %d ms later (exit"
                + " %d); the run ended %.2f s after the kill, %.2f s after the start%n",
            killed,
            seconds(seenAt - startedAt),
            TimeUnit.NANOSECONDS.toMillis(killedAt - seenAt),
            exitValue,
            seconds(endedAt - killedAt),
            seconds(endedAt - startedAt)));
    Map<String, List<Call>> byStep = new LinkedHashMap<>();
    for (Call call : calls) {
      byStep.computeIfAbsent(call.step(), s -> new ArrayList<>()).add(call);
    }
    byStep.forEach(
        (step, attempts) ->
            out.append(
                String.format(
                    Locale.ROOT,
                    "  %-8s  %d attempt%s  %s%n",
                    step,
                    attempts.size(),
                    attempts.size() == 1 ? " " : "s",
                    attempts.stream()
                        .map(
                            c ->
                                "#"
                                    + c.attempt()
                                    + " on "
                                    + c.worker()
                                    + (c.step().equals("pack") && c.worker().equals(killed)
                                        ? " (killed)"
                                        : ""))
                        .collect(Collectors.joining(", ")))));
    System.out.print(out);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /** Starts the test server on a free loopback port and returns the port once it accepts. */
  private int startServer() throws Exception {
    for (int tries = 1; ; tries++) {
      int port = freePort();
      Process server = start("test-server", "io.temporal.testserver.TestServer", "" + port);
      if (awaitAccepting(server, port)) {
        return port;
      }
      // It exited: another process took the port between the probe and its bind.
      if (tries == 3) {
        fail("the test server did not start on three ports" + state());
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  /** Whether {@code server} accepts on {@code port} before the deadline; false if it exited. */
  private boolean awaitAccepting(Process server, int port) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        return false;
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
        return true;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    return fail("the test server did not accept on port " + port + state());
  }

  /** Waits until {@code file} exists, while every process started so far is alive. */
  private void awaitFile(Path file, String what) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!Files.exists(file)) {
      for (Process process : processes) {
        if (!process.isAlive()) {
          fail("a process exited before " + what + state());
        }
      }
      if (System.nanoTime() > deadline) {
        fail("no " + what + " after " + DEADLINE.toSeconds() + " s" + state());
      }
      Thread.sleep(20);
    }
  }

  /** Starts {@code mainClass} in a JVM of its own, on this JVM's class path, logging to a file. */
  private Process start(String name, String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Small heaps and the serial collector: four JVMs share the machine.
    command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC"));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(name + ".log").toFile())
            .start();
    processes.add(process);
    return process;
  }

  private WorkflowClient client(int port) {
    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:" + port).build());
    services.add(service);
    return WorkflowClient.newInstance(service);
  }

  /** What a failure message shows: the working directory, the calls so far, the logs' tails. */
  private String state() {
    StringBuilder state = new StringBuilder("\nworking directory (kept): ").append(dir);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        if (name.endsWith(".log")) {
          List<String> lines = Files.readAllLines(file);
          state.append("\n--- ").append(name).append(" (last 20 lines)\n");
          lines
              .subList(Math.max(0, lines.size() - 20), lines.size())
              .forEach(line -> state.append(line).append('\n'));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return state.toString();
  }
}

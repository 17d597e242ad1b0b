package dev.tta.primitives.examples.servers;

import dev.tta.primitives.WorkflowRuntime;
import dev.tta.primitives.listeners.ProgressListener;
import dev.tta.primitives.listeners.Timeline;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code servers [N]}: starts N servers, checks them over HTTP, prints what they answered, stops
 * them and prints a timeline.
 */
public final class ServersCommand {

  /** How many servers start without an argument. */
  public static final int DEFAULT_COUNT = 4;

  private ServersCommand() {}

  /**
   * Runs the start-up, then stops every server, whether the start-up worked or not.
   *
   * @param args {@code [N]}, 1 to 64
   * @param out where progress and results go
   * @return 0 when every server started, answered right and stopped cleanly, else 1
   * @throws InterruptedException if interrupted while stopping the servers
   */
  public static int run(List<String> args, PrintStream out) throws InterruptedException {
    int count = args.isEmpty() ? DEFAULT_COUNT : parseCount(args.get(0));
    List<ServerSpec> specs = ServerSpec.fleet(count);
    out.printf("Starting %d HTTP servers on 127.0.0.1%n", count);
    Timeline timeline = new Timeline();
    WorkflowRuntime runtime =
        WorkflowRuntime.builder().listener(ProgressListener.to(out)).listener(timeline).build();
    List<RunningServer.Stopped> stopped;
    Fleet fleet;
    try (ServerStartup startup = new ServerStartup()) {
      try {
        fleet = new ServerStartupWorkflow(startup, runtime).run(specs);
      } catch (RuntimeException e) {
        List<RunningServer.Stopped> cleanup = startup.stopAll();
        out.printf("%nStopped the %d servers that had started.%n", cleanup.size());
        out.printf("%n%s", timeline.text());
        throw e;
      }
      stopped = startup.stopAll();
    }
    out.printf(
        "%n%-10s %6s %12s %14s %13s %10s%n",
        "server", "port", "sieve below", "warm-up", "/health calls", "probe");
    for (int i = 0; i < fleet.servers().size(); i++) {
      Health h = fleet.servers().get(i);
      out.printf(
          "%-10s %6d %,12d %11.1f ms %13d %,10d  %s in %.1f ms%n",
          h.server(),
          h.port(),
          specs.get(i).sieveLimit(),
          h.warmUp().toNanos() / 1e6,
          h.healthRequests(),
          h.primesBelowProbe(),
          h.correct() ? "right" : "WRONG",
          h.latency().toNanos() / 1e6);
    }
    boolean clean = stopped.stream().allMatch(s -> s.threadsEnded() && s.refusesConnections());
    double stopMillis = stopped.stream().mapToLong(s -> s.took().toNanos()).sum() / 1e6;
    out.printf(
        "%nStopped %d servers in %.1f ms: %s%n",
        stopped.size(),
        stopMillis,
        clean
            ? "every port refuses connections, every server thread ended"
            : "NOT CLEAN " + stopped);
    out.printf("%n%s", timeline.text());
    return fleet.allCorrect() && clean ? 0 : 1;
  }

  private static int parseCount(String arg) {
    try {
      return Integer.parseInt(arg);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("N must be a number of servers, not " + arg, e);
    }
  }
}

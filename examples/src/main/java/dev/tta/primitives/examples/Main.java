package dev.tta.primitives.examples;

import dev.tta.primitives.WorkflowException;
import dev.tta.primitives.examples.evaluation.EvaluateCommand;
import dev.tta.primitives.examples.quota.QuotaCommand;
import dev.tta.primitives.examples.servers.ServersCommand;
import dev.tta.primitives.examples.validation.DurableCommand;
import dev.tta.primitives.examples.validation.ValidateCommand;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The examples' single entry point:
 *
 * <pre>
 * validate [DIR]   validate a Java source tree (default: the sample tree in examples/sample-tree)
 * servers [N]      start N HTTP servers, health-check them over HTTP, stop them (default 4)
 * evaluate [DIR]   rank compression settings on the files under DIR (default: .)
 * digests [DIR]    find files with identical content under DIR (default: .)
 * quota [N] [DIR]  count the words of N files under DIR through a metered HTTP API (default 16, .)
 * trace [--log] [DIR]  validate with OpenTelemetry: print the spans and metrics (or send them over
 *                  OTLP/HTTP to $OTEL_EXPORTER_OTLP_ENDPOINT too); --log adds the logging exporters
 * durable [DIR]    validate durably on Temporal: an embedded test server, or $TEMPORAL_ADDRESS
 * </pre>
 */
public final class Main {

  private static final String USAGE =
      String.join(
          System.lineSeparator(),
          "usage: Main validate [DIR] | servers [N] | evaluate [DIR] | digests [DIR]"
              + " | quota [N] [DIR] | trace [--log] [DIR] | durable [DIR]",
          "  validate [DIR]  validate a Java source tree (default: examples/sample-tree)",
          "  servers [N]     start N HTTP servers, health-check them, stop them (default 4)",
          "  evaluate [DIR]  rank compression settings on the files under DIR (default: .)",
          "  digests [DIR]   find files with identical content under DIR (default: .)",
          "  quota [N] [DIR] count the words of N files under DIR through a metered HTTP API,",
          "                  within its quota and through its outage (default 16 files, .)",
          "  trace [--log] [DIR]",
          "                  validate with OpenTelemetry tracing and metrics and print the spans",
          "                  and metrics; also sent over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT",
          "                  is set; --log adds OpenTelemetry's logging exporters",
          "  durable [DIR]   validate durably on Temporal: on Temporal's Java test server in this",
          "                  process, or on the cluster at TEMPORAL_ADDRESS when it is set");

  private Main() {}

  /**
   * Runs a command and exits with its status when that is not 0.
   *
   * @param args the command and its arguments
   */
  public static void main(String[] args) {
    int status = run(Arrays.asList(args), System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Runs a command.
   *
   * @param args the command and its arguments
   * @param out where progress and results go
   * @param err where usage and failures go
   * @return the exit status: 0 success, 1 the command found problems, 2 bad usage or failure
   */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty()) {
      err.println(USAGE);
      return 2;
    }
    List<String> rest = args.subList(1, args.size());
    try {
      switch (args.get(0)) {
        case "validate":
          return ValidateCommand.run(rest, out);
        case "servers":
          return ServersCommand.run(rest, out);
        case "evaluate":
          return EvaluateCommand.run(rest, out);
        case "quota":
          return QuotaCommand.run(rest, out);
        case "trace":
          return TraceCommand.run(rest, out);
        case "durable":
          return DurableCommand.run(rest, out, System.getenv());
        case "digests":
          FileDigests.main(rest.toArray(String[]::new));
          return 0;
        default:
          err.println("unknown command: " + args.get(0));
          err.println(USAGE);
          return 2;
      }
    } catch (WorkflowException e) {
      err.println("FAILED: " + e.getMessage());
      return 2;
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(USAGE);
      return 2;
    } catch (java.io.IOException e) {
      err.println("FAILED: " + e);
      return 2;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("interrupted");
      return 2;
    }
  }
}

package dev.tta.primitives.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.tta.primitives.WorkflowException;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceCommandTest {

  /** A span line: indentation, name, duration, start from the root, status, the rest. */
  private static final Pattern SPAN =
      Pattern.compile(
          "^( *)(\\S+) +(\\d+\\.\\d) ms  at +(\\d+\\.\\d) ms  (UNSET|OK|ERROR)(?:  (.*))?$");

  private static final Pattern TRACE_HEADING =
      Pattern.compile("^Spans of trace ([0-9a-f]{32}) \\((\\d+) spans; .*\\):$");

  private static final List<String> STEPS = List.of("load", "compile", "lint", "javadoc", "report");

  /** One printed span. */
  private record SpanLine(
      int depth, String name, double ms, double at, String status, String rest) {
    static SpanLine parse(String line) {
      Matcher m = SPAN.matcher(line);
      assertTrue(m.matches(), "not a span line: " + line);
      return new SpanLine(
          m.group(1).length() / 2,
          m.group(2),
          Double.parseDouble(m.group(3)),
          Double.parseDouble(m.group(4)),
          m.group(5),
          m.group(6) == null ? "" : m.group(6));
    }
  }

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private List<String> lines() {
    return bytes.toString(StandardCharsets.UTF_8).lines().collect(Collectors.toList());
  }

  /** The span lines under the one trace heading, up to the blank line that ends them. */
  private static List<SpanLine> spans(List<String> lines) {
    List<Integer> headings = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (TRACE_HEADING.matcher(lines.get(i)).matches()) {
        headings.add(i);
      }
    }
    assertEquals(1, headings.size(), "one trace:\n" + String.join("\n", lines));
    int at = headings.get(0);
    List<SpanLine> spans = new ArrayList<>();
    for (int i = at + 1; i < lines.size() && !lines.get(i).isEmpty(); i++) {
      spans.add(SpanLine.parse(lines.get(i)));
    }
    Matcher heading = TRACE_HEADING.matcher(lines.get(at));
    assertTrue(heading.matches());
    assertEquals(Integer.parseInt(heading.group(2)), spans.size(), lines.get(at));
    return spans;
  }

  private static List<String> section(List<String> lines, String heading) {
    int at = lines.indexOf(heading);
    assertTrue(at >= 0, "no '" + heading + "' in:\n" + String.join("\n", lines));
    List<String> section = new ArrayList<>();
    for (int i = at + 1; i < lines.size() && !lines.get(i).isEmpty(); i++) {
      section.add(lines.get(i).strip().replaceAll(" +", " "));
    }
    return section;
  }

  private static final String METRICS =
      "Metrics at the end of the run (histograms: count and sum of the durations):";

  @Test
  void theSampleTree_printsTheRunSpanWithAChildPerStepAndTheMetrics() {
    int status = TraceCommand.run(List.of("sample-tree"), out, null);

    List<String> lines = lines();
    assertEquals(0, status, String.join("\n", lines));
    assertTrue(lines.contains("PASSED: 0 errors, 6 warnings"), String.join("\n", lines));

    List<SpanLine> spans = spans(lines);
    SpanLine root = spans.get(0);
    assertEquals(0, root.depth());
    assertEquals("PackageValidation", root.name());
    assertEquals("UNSET", root.status());
    assertEquals(0.0, root.at());
    assertEquals("", root.rest()); // tta.workflow is in the name; a run has no tta.attempts

    List<SpanLine> children = spans.subList(1, spans.size());
    assertEquals(STEPS.size(), children.size());
    Set<String> names = new TreeSet<>();
    for (SpanLine child : children) {
      assertEquals(1, child.depth(), "a child of the run: " + child);
      assertEquals("UNSET", child.status(), child.toString());
      assertEquals("tta.attempts=1", child.rest(), child.toString());
      // Within the run's span (the printed values are rounded to 0.1 ms).
      assertTrue(child.at() + child.ms() <= root.ms() + 0.2, child + " ends after " + root);
      names.add(child.name());
    }
    assertEquals(
        STEPS.stream().map(s -> "PackageValidation." + s).collect(Collectors.toSet()), names);
    // Siblings in start order: load feeds the three checks, which all feed report.
    assertEquals("PackageValidation.load", children.get(0).name());
    assertEquals("PackageValidation.report", children.get(children.size() - 1).name());
    assertEquals(
        Set.of("PackageValidation.compile", "PackageValidation.lint", "PackageValidation.javadoc"),
        children.subList(1, 4).stream().map(SpanLine::name).collect(Collectors.toSet()));

    List<String> metrics = section(lines, METRICS);
    assertTrue(
        metrics.stream()
            .anyMatch(
                l ->
                    l.matches(
                        "tta\\.run\\.duration workflow=PackageValidation outcome=success count 1,"
                            + " sum \\d+\\.\\d ms")),
        String.join("\n", metrics));
    for (String step : STEPS) {
      assertTrue(
          metrics.stream()
              .anyMatch(
                  l ->
                      l.matches(
                          "tta\\.step\\.duration workflow=PackageValidation step="
                              + step
                              + " outcome=success count 1, sum \\d+\\.\\d ms")),
          step + " in:\n" + String.join("\n", metrics));
    }
    assertEquals(
        "tta.step.retries, tta.step.timeouts, tta.step.rejections: no points (nothing of the kind"
            + " happened)",
        metrics.get(metrics.size() - 1));
    assertEquals(1 + STEPS.size() + 1, metrics.size(), String.join("\n", metrics));
  }

  @Test
  void aRootThatIsNoDirectory_printsTheFailedSpansBeforeTheFailureReachesTheCaller(
      @TempDir Path dir) {
    Path missing = dir.resolve("missing");

    WorkflowException e =
        assertThrows(
            WorkflowException.class,
            () -> TraceCommand.run(List.of(missing.toString()), out, null));

    List<SpanLine> spans = spans(lines());
    assertEquals(2, spans.size(), spans.toString());
    SpanLine run = spans.get(0);
    SpanLine load = spans.get(1);
    assertEquals("PackageValidation", run.name());
    assertEquals("ERROR", run.status());
    assertEquals("PackageValidation.load", load.name());
    assertEquals(1, load.depth());
    assertEquals("ERROR", load.status());
    // Aborted at once (abortOn = NotDirectoryException): one attempt, the step's own exception.
    assertTrue(
        load.rest()
            .startsWith(
                "tta.attempts=1  exception{exception.message="
                    + missing.toAbsolutePath()
                    + " (not a directory), exception.type=java.nio.file.NotDirectoryException}"),
        load.rest());
    assertTrue(load.rest().endsWith("\"" + e.getMessage() + "\""), load.rest());
    assertTrue(run.rest().endsWith("\"" + e.getMessage() + "\""), run.rest());

    List<String> metrics = section(lines(), METRICS);
    assertTrue(
        metrics.stream()
            .anyMatch(
                l -> l.startsWith("tta.run.duration workflow=PackageValidation outcome=failure")),
        String.join("\n", metrics));
    assertTrue(
        metrics.stream()
            .anyMatch(
                l ->
                    l.startsWith(
                        "tta.step.duration workflow=PackageValidation step=load outcome=failure"
                            + " count 1,")),
        String.join("\n", metrics));
  }

  @Test
  void withLog_theLoggingExportersPrintEverySpanToTheOutputAndTheLoggerIsRestored() {
    Logger logger = Logger.getLogger(TraceCommand.LOGGING_EXPORTER_LOGGER);
    boolean usedParentHandlers = logger.getUseParentHandlers();
    int handlers = logger.getHandlers().length;

    int status = TraceCommand.run(List.of("--log", "sample-tree"), out, null);

    assertEquals(0, status);
    List<String> lines = lines();
    String traceId = null;
    for (String line : lines) {
      Matcher m = TRACE_HEADING.matcher(line);
      if (m.matches()) {
        traceId = m.group(1);
      }
    }
    assertTrue(traceId != null, String.join("\n", lines));
    for (String name :
        List.of(
            "PackageValidation",
            "PackageValidation.load",
            "PackageValidation.compile",
            "PackageValidation.lint",
            "PackageValidation.javadoc",
            "PackageValidation.report")) {
      String prefix = "[otel INFO] '" + name + "' : " + traceId + " ";
      assertEquals(
          1,
          lines.stream().filter(l -> l.startsWith(prefix)).count(),
          prefix + " in:\n" + String.join("\n", lines));
    }
    assertTrue(
        lines.stream().anyMatch(l -> l.startsWith("[otel INFO] Received a collection of ")),
        "LoggingMetricExporter's lines in:\n" + String.join("\n", lines));
    // The tree is still printed, after the run.
    assertEquals(6, spans(lines).size());

    assertEquals(usedParentHandlers, logger.getUseParentHandlers());
    assertEquals(handlers, logger.getHandlers().length);
  }

  @Test
  void withAnOtlpEndpoint_spansAndMetricsArePostedAsProtobufOverHttp() throws Exception {
    List<String> requests = Collections.synchronizedList(new ArrayList<>());
    List<byte[]> traceBodies = Collections.synchronizedList(new ArrayList<>());
    HttpServer collector =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    collector.createContext(
        "/",
        exchange -> {
          byte[] body;
          try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
          }
          String path = exchange.getRequestURI().getPath();
          requests.add(
              exchange.getRequestMethod()
                  + " "
                  + path
                  + " "
                  + exchange.getRequestHeaders().getFirst("Content-Type"));
          if (path.equals("/v1/traces")) {
            traceBodies.add(body);
          }
          // An empty Export*ServiceResponse: a protobuf message with no fields is no bytes.
          exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    collector.start();
    try {
      String endpoint = "http://127.0.0.1:" + collector.getAddress().getPort() + "/";

      int status = TraceCommand.run(List.of("sample-tree"), out, endpoint);

      assertEquals(0, status);
      List<String> lines = lines();
      assertTrue(
          lines.contains(
              "Spans and metrics go to OTLP/HTTP at " + endpoint + " and are printed below"),
          String.join("\n", lines));
      assertFalse(
          lines.stream().anyMatch(l -> l.startsWith("Not every export finished")),
          String.join("\n", lines));
      // The SDK has shut down when the command returns: the batches have been sent.
      assertTrue(requests.contains("POST /v1/traces application/x-protobuf"), requests.toString());
      assertTrue(requests.contains("POST /v1/metrics application/x-protobuf"), requests.toString());
      String spans =
          traceBodies.stream()
              .map(b -> new String(b, StandardCharsets.ISO_8859_1))
              .collect(Collectors.joining());
      for (String step : STEPS) {
        assertTrue(spans.contains("PackageValidation." + step), step + " was not sent");
      }
      assertTrue(spans.contains("tta-primitives-examples"), "the service.name was not sent");
      assertEquals(6, spans(lines).size());
    } finally {
      collector.stop(0);
    }
  }

  @Test
  void main_listsTraceInItsUsageAndRefusesAnUnknownOption() {
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    int status = Main.run(List.of("trace", "--verbose"), out, err);

    assertEquals(2, status);
    String usage = errBytes.toString(StandardCharsets.UTF_8);
    assertTrue(usage.startsWith("unknown option of trace: --verbose"), usage);
    assertTrue(usage.contains("| trace [--log] [DIR]"), usage);
  }
}

package dev.tta.primitives.examples;

import dev.tta.primitives.WorkflowRuntime;
import dev.tta.primitives.examples.validation.PackageValidation;
import dev.tta.primitives.examples.validation.PackageValidationWorkflow;
import dev.tta.primitives.examples.validation.Report;
import dev.tta.primitives.examples.validation.ValidateCommand;
import dev.tta.primitives.opentelemetry.OpenTelemetryMetrics;
import dev.tta.primitives.opentelemetry.OpenTelemetryTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.exporter.logging.LoggingMetricExporter;
import io.opentelemetry.exporter.logging.LoggingSpanExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Collectors;

/**
 * {@code trace [--log] [DIR]}: runs the validation of {@code validate} on a runtime with {@link
 * OpenTelemetryTracing} and {@link OpenTelemetryMetrics}, on an OpenTelemetry SDK of its own (not
 * the global one), and prints the spans as a tree and the metrics once the run has ended.
 *
 * <p>When the environment variable {@value #OTLP_ENDPOINT_VARIABLE} is set (the base URL of a
 * collector, e.g. {@code http://localhost:4318}), the spans and metrics are also exported over
 * OTLP/HTTP to {@code <endpoint>/v1/traces} and {@code <endpoint>/v1/metrics}, through the JDK's
 * {@code HttpClient}. With {@code --log}, OpenTelemetry's {@link LoggingSpanExporter} and {@link
 * LoggingMetricExporter} print them too, one line per span as it ends and per metric at the end,
 * through {@code java.util.logging} to the command's output.
 */
public final class TraceCommand {

  /** The environment variable naming the collector's OTLP/HTTP base URL. */
  public static final String OTLP_ENDPOINT_VARIABLE = "OTEL_EXPORTER_OTLP_ENDPOINT";

  /** The logger of OpenTelemetry's logging exporters (the parent of both exporters' loggers). */
  static final String LOGGING_EXPORTER_LOGGER = "io.opentelemetry.exporter.logging";

  private static final Duration OTLP_TIMEOUT = Duration.ofSeconds(5);
  private static final long SHUTDOWN_SECONDS = 20;

  private TraceCommand() {}

  /**
   * Runs the validation with tracing and metrics.
   *
   * @param args {@code [--log] [DIR]}; without DIR, the sample tree shipped in {@code
   *     examples/sample-tree}
   * @param out where the report, the spans and the metrics go
   * @return 0 when the tree passed (warnings allowed), 1 when a check found errors
   */
  public static int run(List<String> args, PrintStream out) {
    return run(args, out, System.getenv(OTLP_ENDPOINT_VARIABLE));
  }

  /**
   * Runs the validation with tracing and metrics, exporting to an OTLP endpoint when one is given.
   *
   * @param args {@code [--log] [DIR]}
   * @param out where the report, the spans and the metrics go
   * @param otlpEndpoint the collector's OTLP/HTTP base URL, or null or blank for none
   * @return 0 when the tree passed, 1 when a check found errors
   */
  static int run(List<String> args, PrintStream out, String otlpEndpoint) {
    boolean log = false;
    Path root = null;
    for (String arg : args) {
      if (arg.equals("--log")) {
        log = true;
      } else if (arg.startsWith("-")) {
        throw new IllegalArgumentException("unknown option of trace: " + arg);
      } else if (root == null) {
        root = Path.of(arg);
      } else {
        throw new IllegalArgumentException("trace takes at most one DIR");
      }
    }
    if (root == null) {
      root = ValidateCommand.sampleTree();
    }
    String otlp = otlpEndpoint == null || otlpEndpoint.isBlank() ? null : otlpEndpoint.strip();

    out.println("Tracing the validation of " + ValidateCommand.display(root));
    out.println(
        otlp != null
            ? "Spans and metrics go to OTLP/HTTP at " + otlp + " and are printed below"
            : "Spans and metrics are printed below (set "
                + OTLP_ENDPOINT_VARIABLE
                + " to send them to a collector)");

    SpanTree spans = new SpanTree();
    LastMetrics metrics = new LastMetrics();
    JulToStream logging = log ? JulToStream.install(LOGGING_EXPORTER_LOGGER, out) : null;
    OpenTelemetrySdk sdk = sdk(spans, metrics, log, otlp);
    WorkflowRuntime runtime =
        WorkflowRuntime.builder()
            .interceptor(OpenTelemetryTracing.create(sdk))
            .interceptor(OpenTelemetryMetrics.create(sdk))
            .build();
    Report report;
    try (runtime) {
      report = new PackageValidationWorkflow(new PackageValidation(), runtime).run(root);
      ValidateCommand.print(report, out);
    } finally {
      // Ends the processors and readers: every span and the metrics are exported before printing.
      CompletableResultCode shutdown = sdk.shutdown().join(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
      if (logging != null) {
        logging.uninstall();
      }
      out.println();
      spans.lines().forEach(out::println);
      out.println();
      metrics.lines().forEach(out::println);
      if (!shutdown.isSuccess()) {
        out.println();
        out.println(
            otlp != null
                ? "Not every export finished: is a collector listening at " + otlp + "?"
                : "Not every export finished");
      }
    }
    return report.passed() ? 0 : 1;
  }

  /** An SDK of its own: the tree and the last metrics always, the logging and OTLP exporters. */
  private static OpenTelemetrySdk sdk(
      SpanTree spans, LastMetrics metrics, boolean log, String otlp) {
    Resource resource =
        Resource.getDefault()
            .merge(
                Resource.create(
                    Attributes.of(
                        AttributeKey.stringKey("service.name"), "tta-primitives-examples")));
    SdkTracerProviderBuilder tracing =
        SdkTracerProvider.builder()
            .setResource(resource)
            .addSpanProcessor(SimpleSpanProcessor.create(spans));
    // One collection at shutdown: the interval is longer than any run.
    Duration once = Duration.ofDays(1);
    SdkMeterProviderBuilder metering =
        SdkMeterProvider.builder()
            .setResource(resource)
            .registerMetricReader(PeriodicMetricReader.builder(metrics).setInterval(once).build());
    if (log) {
      tracing.addSpanProcessor(SimpleSpanProcessor.create(LoggingSpanExporter.create()));
      metering.registerMetricReader(
          PeriodicMetricReader.builder(LoggingMetricExporter.create()).setInterval(once).build());
    }
    if (otlp != null) {
      String base = otlp.endsWith("/") ? otlp.substring(0, otlp.length() - 1) : otlp;
      tracing.addSpanProcessor(
          BatchSpanProcessor.builder(
                  OtlpHttpSpanExporter.builder()
                      .setEndpoint(base + "/v1/traces")
                      .setTimeout(OTLP_TIMEOUT)
                      .build())
              .build());
      metering.registerMetricReader(
          PeriodicMetricReader.builder(
                  OtlpHttpMetricExporter.builder()
                      .setEndpoint(base + "/v1/metrics")
                      .setTimeout(OTLP_TIMEOUT)
                      .build())
              .build());
    }
    return OpenTelemetrySdk.builder()
        .setTracerProvider(tracing.build())
        .setMeterProvider(metering.build())
        .build();
  }

  /**
   * A span exporter that keeps the spans and prints them as a tree: one line per span, indented
   * under its parent, siblings in start order, with its duration, its start from the trace's root,
   * its status, attributes (but {@code tta.workflow} and {@code tta.step}, which its name shows)
   * and events.
   */
  static final class SpanTree implements SpanExporter {

    private static final Set<String> IN_THE_NAME = Set.of("tta.workflow", "tta.step");
    private static final Comparator<SpanData> START_ORDER =
        Comparator.comparingLong(SpanData::getStartEpochNanos)
            .thenComparing(SpanData::getName)
            .thenComparing(SpanData::getSpanId);

    private final List<SpanData> ended = Collections.synchronizedList(new ArrayList<>());

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      ended.addAll(spans);
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }

    /**
     * The tree: for each trace a heading, then a line per span.
     *
     * @return the lines
     */
    List<String> lines() {
      List<SpanData> all;
      synchronized (ended) {
        all = new ArrayList<>(ended);
      }
      Set<String> ids = all.stream().map(SpanData::getSpanId).collect(Collectors.toSet());
      Map<String, List<SpanData>> children = new HashMap<>();
      List<SpanData> roots = new ArrayList<>();
      for (SpanData span : all) {
        if (span.getParentSpanContext().isValid() && ids.contains(span.getParentSpanId())) {
          children.computeIfAbsent(span.getParentSpanId(), k -> new ArrayList<>()).add(span);
        } else {
          roots.add(span);
        }
      }
      children.values().forEach(list -> list.sort(START_ORDER));
      roots.sort(START_ORDER);

      List<String> lines = new ArrayList<>();
      if (all.isEmpty()) {
        lines.add("Spans: none");
        return lines;
      }
      for (SpanData root : roots) {
        List<Map.Entry<Integer, SpanData>> rows = new ArrayList<>();
        walk(root, 0, children, rows, new HashSet<>());
        int width = 0;
        for (Map.Entry<Integer, SpanData> row : rows) {
          width = Math.max(width, 2 * row.getKey() + row.getValue().getName().length());
        }
        lines.add(
            String.format(
                Locale.ROOT,
                "Spans of trace %s (%d spans; duration, start from the root, status, attributes,"
                    + " events):",
                root.getTraceId(),
                rows.size()));
        for (Map.Entry<Integer, SpanData> row : rows) {
          lines.add(line(row.getValue(), row.getKey(), width, root.getStartEpochNanos()));
        }
      }
      return lines;
    }

    private static void walk(
        SpanData span,
        int depth,
        Map<String, List<SpanData>> children,
        List<Map.Entry<Integer, SpanData>> rows,
        Set<String> seen) {
      if (!seen.add(span.getSpanId())) {
        return;
      }
      rows.add(Map.entry(depth, span));
      for (SpanData child : children.getOrDefault(span.getSpanId(), List.of())) {
        walk(child, depth + 1, children, rows, seen);
      }
    }

    private static String line(SpanData span, int depth, int width, long rootStart) {
      StringBuilder line = new StringBuilder();
      String name = "  ".repeat(depth) + span.getName();
      line.append(name).append(" ".repeat(width - name.length()));
      line.append(
          String.format(
              Locale.ROOT,
              " %8.1f ms  at %8.1f ms  %-5s",
              (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1e6,
              (span.getStartEpochNanos() - rootStart) / 1e6,
              span.getStatus().getStatusCode()));
      String attributes = attributes(span.getAttributes(), IN_THE_NAME);
      if (!attributes.isEmpty()) {
        line.append("  ").append(attributes);
      }
      for (EventData event : span.getEvents()) {
        line.append("  ")
            .append(event.getName())
            .append('{')
            .append(attributes(event.getAttributes(), Set.of("exception.stacktrace")))
            .append('}');
      }
      if (span.getStatus().getStatusCode() == StatusCode.ERROR
          && !span.getStatus().getDescription().isEmpty()) {
        line.append("  \"").append(span.getStatus().getDescription()).append('"');
      }
      return line.toString().stripTrailing();
    }
  }

  /** A metric exporter that keeps the last collection and prints its points. */
  static final class LastMetrics implements MetricExporter {

    /** Attribute keys first in this order, then the others by name. */
    private static final List<String> KEY_ORDER = List.of("workflow", "step", "outcome", "breaker");

    private static final List<String> COUNTERS =
        List.of("tta.step.retries", "tta.step.timeouts", "tta.step.rejections");

    private final AtomicReference<List<MetricData>> last = new AtomicReference<>(List.of());

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      last.set(List.copyOf(metrics));
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }

    /**
     * The metrics of the workflow runtime: one line per point, by metric name and attributes.
     *
     * @return the lines
     */
    List<String> lines() {
      List<MetricData> metrics =
          last.get().stream()
              .filter(
                  m ->
                      m.getInstrumentationScopeInfo()
                          .getName()
                          .equals(OpenTelemetryTracing.INSTRUMENTATION_NAME))
              .sorted(Comparator.comparing(MetricData::getName))
              .collect(Collectors.toList());
      List<String[]> rows = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      for (MetricData metric : metrics) {
        seen.add(metric.getName());
        boolean seconds = metric.getUnit().equals("s");
        switch (metric.getType()) {
          case HISTOGRAM:
            for (HistogramPointData point : sorted(metric.getHistogramData().getPoints())) {
              double sum = seconds ? point.getSum() * 1e3 : point.getSum();
              rows.add(
                  new String[] {
                    metric.getName(),
                    labels(point.getAttributes()),
                    String.format(
                        Locale.ROOT,
                        "count %d, sum %.1f%s",
                        point.getCount(),
                        sum,
                        seconds ? " ms" : ""),
                  });
            }
            break;
          case LONG_SUM:
            for (LongPointData point : sorted(metric.getLongSumData().getPoints())) {
              rows.add(
                  new String[] {
                    metric.getName(), labels(point.getAttributes()), "value " + point.getValue()
                  });
            }
            break;
          case LONG_GAUGE:
            for (LongPointData point : sorted(metric.getLongGaugeData().getPoints())) {
              rows.add(
                  new String[] {
                    metric.getName(), labels(point.getAttributes()), "value " + point.getValue()
                  });
            }
            break;
          default:
            rows.add(new String[] {metric.getName(), "", metric.getType().toString()});
        }
      }
      List<String> lines = new ArrayList<>();
      lines.add("Metrics at the end of the run (histograms: count and sum of the durations):");
      int name = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
      int labels = rows.stream().mapToInt(r -> r[1].length()).max().orElse(0);
      for (String[] row : rows) {
        lines.add(
            String.format(
                    Locale.ROOT, "  %-" + name + "s  %-" + labels + "s  %s", row[0], row[1], row[2])
                .stripTrailing());
      }
      List<String> absent =
          COUNTERS.stream().filter(c -> !seen.contains(c)).collect(Collectors.toList());
      if (!absent.isEmpty()) {
        lines.add("  " + String.join(", ", absent) + ": no points (nothing of the kind happened)");
      }
      return lines;
    }

    private static <P extends io.opentelemetry.sdk.metrics.data.PointData> List<P> sorted(
        Collection<P> points) {
      List<P> list = new ArrayList<>(points);
      list.sort(Comparator.comparing(p -> labels(p.getAttributes())));
      return list;
    }

    private static String labels(Attributes attributes) {
      List<Map.Entry<AttributeKey<?>, Object>> entries =
          new ArrayList<>(attributes.asMap().entrySet());
      entries.sort(
          Comparator.comparingInt(
                  (Map.Entry<AttributeKey<?>, Object> e) -> {
                    int at = KEY_ORDER.indexOf(e.getKey().getKey());
                    return at < 0 ? KEY_ORDER.size() : at;
                  })
              .thenComparing(e -> e.getKey().getKey()));
      return entries.stream()
          .map(e -> e.getKey().getKey() + "=" + e.getValue())
          .collect(Collectors.joining(" "));
    }
  }

  /** Attributes as {@code key=value, ...} by key, without the keys left out. */
  static String attributes(Attributes attributes, Set<String> leftOut) {
    return attributes.asMap().entrySet().stream()
        .filter(e -> !leftOut.contains(e.getKey().getKey()))
        .sorted(Comparator.comparing(e -> e.getKey().getKey()))
        .map(e -> e.getKey().getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", "));
  }

  /**
   * A {@code java.util.logging} handler that writes a logger's messages, one per line, to a stream
   * while it is installed, instead of the logger's parents' handlers (stderr, with two-line
   * records).
   */
  static final class JulToStream extends Handler {
    /** Only for {@link Formatter#formatMessage}: a record's message with its parameters. */
    private static final Formatter MESSAGE = new SimpleFormatter();

    private final Logger logger;
    private final PrintStream out;
    private final boolean usedParentHandlers;
    private final Level level;

    private JulToStream(Logger logger, PrintStream out) {
      this.logger = logger;
      this.out = out;
      this.usedParentHandlers = logger.getUseParentHandlers();
      this.level = logger.getLevel();
    }

    static JulToStream install(String loggerName, PrintStream out) {
      Logger logger = Logger.getLogger(loggerName);
      JulToStream handler = new JulToStream(logger, out);
      logger.addHandler(handler);
      logger.setUseParentHandlers(false);
      logger.setLevel(Level.INFO);
      return handler;
    }

    void uninstall() {
      logger.removeHandler(this);
      logger.setUseParentHandlers(usedParentHandlers);
      logger.setLevel(level);
    }

    @Override
    public void publish(LogRecord record) {
      if (record == null || !isLoggable(record)) {
        return;
      }
      String line = "[otel " + record.getLevel() + "] " + MESSAGE.formatMessage(record);
      synchronized (out) {
        out.println(line);
      }
    }

    @Override
    public void flush() {
      out.flush();
    }

    @Override
    public void close() {
      flush(); // the stream is the command's: not closed here
    }
  }
}

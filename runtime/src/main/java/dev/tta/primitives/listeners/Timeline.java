package dev.tta.primitives.listeners;

import dev.tta.primitives.CircuitState;
import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Records when each step call of a run started and ended, and draws the last finished run as a
 * chart: {@link #text()} for a terminal or a log, {@link #mermaid()} for a Mermaid Gantt diagram.
 *
 * <pre>{@code
 * Timeline timeline = new Timeline();
 * WorkflowRuntime runtime = WorkflowRuntime.builder().listener(timeline).build();
 * workflow(runtime).run(input);
 * System.out.print(timeline.text());
 * }</pre>
 *
 * <p><b>A run</b> here is an outermost run with everything in it: from the start of a run while no
 * other run was going on to the end of the last run then going on. Nested runs (a step calling
 * another workflow's {@code run}) are part of it; when it holds steps of more than one workflow
 * run, each bar names its run ({@code Inner/step}, and {@code Inner 2/step} for a second run of
 * {@code Inner}). Events that arrive while no run is going on (a cancelled call that reports after
 * its run ended) are ignored.
 *
 * <p><b>Bars.</b> One per step call, on a shared axis from the run's start to its end, in start
 * order (calls that started at the same time: the one that ended first first): parallel branches
 * overlap, and a step called several times in the run (a for-each's elements, a step of a repeated
 * nested run) is numbered {@code #1}, {@code #2}, ... in that order. A call's start is its end less
 * its duration as the step reported it (all attempts included); the axis starts where the run's own
 * duration starts, so the chart ends at the run's reported duration. Times come from the clock of
 * the runtime that reports each event, so on a {@link dev.tta.primitives.testing.VirtualTime} they
 * are exact.
 *
 * <p>Thread-safe; {@link #text()} and {@link #mermaid()} may be called while another run goes on
 * (they show the last finished one).
 */
public final class Timeline implements WorkflowListener {

  /** The bars' width in characters. */
  static final int WIDTH = 50;

  private static final String[] MERMAID_KEYWORDS = {
    "gantt",
    "title",
    "section",
    "dateformat",
    "axisformat",
    "tickinterval",
    "todaymarker",
    "excludes",
    "includes",
    "inclusiveenddates",
    "topaxis",
    "weekday",
    "weekend",
    "click",
    "displaymode",
    "acctitle",
    "accdescr"
  };

  private record Span(String run, String step, long start, long end, boolean failed, int order) {}

  private record Change(String text, long at) {}

  /** A finished run: everything the charts need. */
  private record Chart(
      String name,
      boolean failed,
      long elapsed,
      long total,
      List<Span> spans,
      Map<String, String> runLabels,
      String counts,
      List<String> breakerChanges) {}

  // The run going on, all guarded by this.
  private int activeRuns;
  private String name = "";
  private long origin;
  private final List<Span> spans = new ArrayList<>();
  private final Map<String, String> runs = new LinkedHashMap<>(); // key -> workflow name
  private final List<Change> breakerChanges = new ArrayList<>();
  private int retries;
  private int timeouts;
  private int fallbacks;
  private int rejected;
  private int cacheHits;
  private int cacheMisses;
  private Chart last;

  /** A timeline that has seen no run yet. */
  public Timeline() {}

  private static long now(WorkflowContext context) {
    return context.runtime().clock().nanoTime();
  }

  private static String runKey(WorkflowContext context) {
    return context.workflowId() + '\n' + context.workflowName();
  }

  @Override
  public synchronized void onWorkflowStart(WorkflowContext context) {
    String run = runKey(context);
    if (activeRuns++ == 0) {
      name = context.workflowName();
      spans.clear();
      runs.clear();
      breakerChanges.clear();
      retries = 0;
      timeouts = 0;
      fallbacks = 0;
      rejected = 0;
      cacheHits = 0;
      cacheMisses = 0;
      runs.put(run, name);
      origin = now(context); // last: as close as this listener gets to the run's own start
      return;
    }
    runs.putIfAbsent(run, context.workflowName());
  }

  @Override
  public synchronized void onWorkflowSuccess(WorkflowContext context, Duration elapsed) {
    runEnded(context, false, elapsed);
  }

  @Override
  public synchronized void onWorkflowFailure(
      WorkflowContext context, Throwable failure, Duration elapsed) {
    runEnded(context, true, elapsed);
  }

  private void runEnded(WorkflowContext context, boolean failed, Duration elapsed) {
    if (activeRuns == 0 || --activeRuns > 0) {
      return;
    }
    // The run's own duration; the axis is as long as that, or as the calls if they end later
    // (this listener heard of the start a little before the run's clock started).
    long total = elapsed.toNanos();
    for (Span span : spans) {
      total = Math.max(total, span.end());
    }
    List<String> changes = new ArrayList<>();
    for (Change change : breakerChanges) {
      changes.add(change.text() + " at " + Describe.millis(change.at()) + " ms");
    }
    last =
        new Chart(
            name,
            failed,
            elapsed.toNanos(),
            total,
            List.copyOf(spans),
            runLabels(),
            String.format(
                Locale.ROOT,
                "retries %d, timeouts %d, fallbacks %d, rejected %d, cache hits %d, cache misses %d",
                retries,
                timeouts,
                fallbacks,
                rejected,
                cacheHits,
                cacheMisses),
            List.copyOf(changes));
  }

  /** Each run's label when there are several: its name, numbered if the name recurs. */
  private Map<String, String> runLabels() {
    Map<String, String> labels = new HashMap<>();
    if (runs.size() < 2) {
      return labels;
    }
    Map<String, Integer> seen = new HashMap<>();
    runs.forEach(
        (key, workflow) -> {
          int n = seen.merge(workflow, 1, Integer::sum);
          labels.put(key, n > 1 ? workflow + " " + n : workflow);
        });
    return labels;
  }

  @Override
  public synchronized void onStepSuccess(WorkflowContext context, String step, Duration elapsed) {
    record(context, step, elapsed, false);
  }

  @Override
  public synchronized void onStepFailure(
      WorkflowContext context, String step, Throwable failure, Duration elapsed) {
    record(context, step, elapsed, true);
  }

  private void record(WorkflowContext context, String step, Duration elapsed, boolean failed) {
    if (activeRuns == 0) {
      return;
    }
    long end = now(context) - origin;
    long start = Math.max(0, end - elapsed.toNanos());
    String run = runKey(context);
    runs.putIfAbsent(run, context.workflowName());
    spans.add(new Span(run, step, start, end, failed, spans.size()));
  }

  @Override
  public synchronized void onRetry(
      WorkflowContext context, String step, int nextAttempt, Throwable failure, Duration delay) {
    if (activeRuns > 0) {
      retries++;
    }
  }

  @Override
  public synchronized void onTimeout(WorkflowContext context, String step, Duration timeout) {
    if (activeRuns > 0) {
      timeouts++;
    }
  }

  @Override
  public synchronized void onFallback(WorkflowContext context, String step, Throwable cause) {
    if (activeRuns > 0) {
      fallbacks++;
    }
  }

  @Override
  public synchronized void onCacheHit(WorkflowContext context, String step) {
    if (activeRuns > 0) {
      cacheHits++;
    }
  }

  @Override
  public synchronized void onCacheMiss(WorkflowContext context, String step) {
    if (activeRuns > 0) {
      cacheMisses++;
    }
  }

  @Override
  public synchronized void onRejected(WorkflowContext context, String step, Throwable rejection) {
    if (activeRuns > 0) {
      rejected++;
    }
  }

  @Override
  public synchronized void onCircuitStateChange(
      WorkflowContext context, String breaker, CircuitState from, CircuitState to) {
    if (activeRuns > 0) {
      breakerChanges.add(new Change(breaker + " " + from + " -> " + to, now(context) - origin));
    }
  }

  /**
   * A bar of the chart.
   *
   * @param span the call
   * @param run the run's label, or null when the chart has one run
   * @param number the call's number among the step's calls in its run, 0 if it is the only one
   */
  private record Bar(Span span, String run, int number) {
    String label() {
      return (run != null ? run + "/" : "") + span.step() + (number > 0 ? " #" + number : "");
    }
  }

  /** The last run's bars in start order. */
  private static List<Bar> bars(Chart chart) {
    List<Span> ordered = new ArrayList<>(chart.spans());
    ordered.sort(
        Comparator.comparingLong(Span::start)
            .thenComparingLong(Span::end)
            .thenComparingInt(Span::order));
    Map<String, Integer> calls = new HashMap<>();
    for (Span s : ordered) {
      calls.merge(s.run() + '\n' + s.step(), 1, Integer::sum);
    }
    Map<String, Integer> numbers = new HashMap<>();
    List<Bar> result = new ArrayList<>();
    for (Span s : ordered) {
      String key = s.run() + '\n' + s.step();
      int n = numbers.merge(key, 1, Integer::sum);
      result.add(new Bar(s, chart.runLabels().get(s.run()), calls.get(key) > 1 ? n : 0));
    }
    return result;
  }

  /**
   * The last finished run as a text chart: a heading with the run's name, outcome and duration; one
   * line per step call with its label, its bar on a {@value #WIDTH}-character axis from the run's
   * start to its end ({@code #}, or {@code x} for a call that failed, which also ends with {@code
   * FAILED}), its start and end in milliseconds from the run's start and its duration; a line of
   * counts (retries, timeouts, fallbacks, rejected calls, cache hits and misses); and, if any, a
   * line of circuit breaker changes. For example:
   *
   * <pre>
   * PackageValidation finished in 416.7 ms (times in ms from the run's start)
   *   load    |##                                                |      0.0 ..     13.9  (13.9 ms)
   *   compile |   ###############################################|     31.0 ..    411.9  (380.9 ms)
   *   retries 0, timeouts 0, fallbacks 0, rejected 0, cache hits 0, cache misses 0
   * </pre>
   *
   * @return the chart, each line ending with a line separator; the empty string if no run finished
   *     yet
   */
  public synchronized String text() {
    Chart chart = last;
    if (chart == null) {
      return "";
    }
    String nl = System.lineSeparator();
    StringBuilder text = new StringBuilder();
    text.append(chart.name())
        .append(chart.failed() ? " FAILED after " : " finished in ")
        .append(Describe.millis(chart.elapsed()))
        .append(" ms (times in ms from the run's start)")
        .append(nl);
    List<Bar> bars = bars(chart);
    int labelWidth = 4;
    for (Bar bar : bars) {
      labelWidth = Math.max(labelWidth, bar.label().length());
    }
    long total = Math.max(1, chart.total());
    for (Bar bar : bars) {
      Span span = bar.span();
      int from = (int) Math.min(WIDTH - 1, span.start() * WIDTH / total);
      int to = (int) Math.min(WIDTH, Math.max(from + 1, ceilDiv(span.end() * WIDTH, total)));
      text.append(
              String.format(
                  Locale.ROOT,
                  "  %-" + labelWidth + "s |%s%s%s| %8.1f .. %8.1f  (%.1f ms)%s",
                  bar.label(),
                  " ".repeat(from),
                  (span.failed() ? "x" : "#").repeat(to - from),
                  " ".repeat(WIDTH - to),
                  span.start() / 1e6,
                  span.end() / 1e6,
                  (span.end() - span.start()) / 1e6,
                  span.failed() ? "  FAILED" : ""))
          .append(nl);
    }
    text.append("  ").append(chart.counts()).append(nl);
    if (!chart.breakerChanges().isEmpty()) {
      text.append("  circuit breakers: ")
          .append(String.join(", ", chart.breakerChanges()))
          .append(nl);
    }
    return text.toString();
  }

  /**
   * The last finished run as the text of a Mermaid Gantt diagram, without a Markdown fence (put it
   * between {@code ```mermaid} and {@code ```} for Markdown). Times are whole milliseconds from the
   * run's start ({@code dateFormat x}: a start rounded down, an end rounded up), the axis shows
   * seconds and milliseconds ({@code axisFormat %S.%L}, made for runs under a minute), a call that
   * failed is a {@code crit} task. There is a section per workflow run (one, named after the
   * workflow, unless nested runs took part), and a task per step call, named as in {@link #text()}
   * but numbered without {@code #} ({@code start 2}). In names and the title, the characters
   * Mermaid would misread ({@code :}, {@code ;}, {@code #}, {@code %}, line breaks and other
   * control characters) become {@code _}, and a name that begins with a Mermaid keyword ({@code
   * title}, {@code section}, ...) gets the prefix {@code step }. For example:
   *
   * <pre>
   * gantt
   *   title PackageValidation finished in 416.7 ms
   *   dateFormat x
   *   axisFormat %S.%L
   *   todayMarker off
   *   section PackageValidation
   *   load : 0, 14
   *   compile : crit, 31, 412
   * </pre>
   *
   * @return the diagram, each line ending with a line separator; the empty string if no run
   *     finished yet
   */
  public synchronized String mermaid() {
    Chart chart = last;
    if (chart == null) {
      return "";
    }
    String nl = System.lineSeparator();
    StringBuilder text = new StringBuilder("gantt").append(nl);
    text.append("  title ")
        .append(sanitize(chart.name()))
        .append(chart.failed() ? " FAILED after " : " finished in ")
        .append(Describe.millis(chart.elapsed()))
        .append(" ms")
        .append(nl)
        .append("  dateFormat x")
        .append(nl)
        .append("  axisFormat %S.%L")
        .append(nl)
        .append("  todayMarker off")
        .append(nl);
    // Tasks grouped by run, runs in the order they first appear on the chart.
    Map<String, List<String>> sections = new LinkedHashMap<>();
    for (Bar bar : bars(chart)) {
      Span span = bar.span();
      String run = bar.run() != null ? bar.run() : chart.name();
      String label = span.step() + (bar.number() > 0 ? " " + bar.number() : "");
      long start = span.start() / 1_000_000;
      long end = Math.max(start, ceilDiv(span.end(), 1_000_000));
      sections
          .computeIfAbsent(run, r -> new ArrayList<>())
          .add(
              "  "
                  + taskName(label)
                  + " : "
                  + (span.failed() ? "crit, " : "")
                  + start
                  + ", "
                  + end);
    }
    sections.forEach(
        (run, tasks) -> {
          text.append("  section ").append(taskName(run)).append(nl);
          tasks.forEach(task -> text.append(task).append(nl));
        });
    return text.toString();
  }

  /** A name Mermaid reads as it is written. */
  static String taskName(String name) {
    String safe = sanitize(name).strip();
    if (safe.isEmpty()) {
      return "step";
    }
    String lower = safe.toLowerCase(Locale.ROOT);
    for (String keyword : MERMAID_KEYWORDS) {
      if (lower.startsWith(keyword)) {
        return "step " + safe;
      }
    }
    return safe;
  }

  private static String sanitize(String text) {
    StringBuilder safe = new StringBuilder(text.length());
    text.codePoints()
        .forEach(
            c ->
                safe.appendCodePoint(
                    c == ':' || c == ';' || c == '#' || c == '%' || Character.isISOControl(c)
                        ? '_'
                        : c));
    return safe.toString();
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}

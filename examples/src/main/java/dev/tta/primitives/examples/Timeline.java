package dev.tta.primitives.examples;

import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowException;
import dev.tta.primitives.WorkflowListener;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints live progress of workflow runs (runs and steps started and finished, retries, timeouts,
 * fallbacks) and, at the end, a per-step timeline: one bar per step call on a shared time axis, so
 * parallel steps show as overlapping bars. A step that runs once per element (a for-each) gets one
 * numbered bar per element; when several runs were watched, each bar names its run.
 */
public final class Timeline implements WorkflowListener {

  private static final int WIDTH = 50;

  private record Span(int run, String step, long startNanos, long endNanos, boolean failed) {}

  private final PrintStream out;
  private final long origin = System.nanoTime();
  private final Map<String, Integer> runs = new HashMap<>();
  private final List<Span> spans = new ArrayList<>();
  private final Map<String, Integer> running = new HashMap<>();
  private final Map<String, Integer> finished = new HashMap<>();
  private int retries;
  private int timeouts;
  private int fallbacks;
  private int cacheHits;
  private int cacheMisses;

  /**
   * A timeline printing to {@code out}.
   *
   * @param out where progress goes
   */
  public Timeline(PrintStream out) {
    this.out = out;
  }

  private long now() {
    return System.nanoTime() - origin;
  }

  private synchronized void log(String message) {
    out.printf("[%8.1f ms] %s%n", now() / 1e6, message);
  }

  /** The run's number, from 1, in the order runs started. */
  private int run(WorkflowContext context) {
    return runs.computeIfAbsent(context.workflowId(), id -> runs.size() + 1);
  }

  @Override
  public synchronized void onWorkflowStart(WorkflowContext context) {
    run(context);
    log(context.workflowName() + " started");
  }

  @Override
  public void onWorkflowSuccess(WorkflowContext context, Duration elapsed) {
    log(context.workflowName() + " finished in " + millis(elapsed));
  }

  @Override
  public void onWorkflowFailure(WorkflowContext context, Throwable failure, Duration elapsed) {
    log(context.workflowName() + " FAILED after " + millis(elapsed) + ": " + describe(failure));
  }

  @Override
  public synchronized void onStepStart(WorkflowContext context, String step) {
    int now = running.merge(context.workflowId() + '/' + step, 1, Integer::sum);
    log(step + " started" + (now > 1 ? " (" + now + " running)" : ""));
  }

  @Override
  public synchronized void onStepSuccess(WorkflowContext context, String step, Duration elapsed) {
    log(step + " done in " + millis(elapsed) + progress(context, step, elapsed, false));
  }

  @Override
  public synchronized void onStepFailure(
      WorkflowContext context, String step, Throwable failure, Duration elapsed) {
    log(
        step
            + " FAILED after "
            + millis(elapsed)
            + progress(context, step, elapsed, true)
            + ": "
            + describe(failure));
  }

  /** Records the span; says how many calls of the step in this run are done and running. */
  private String progress(WorkflowContext context, String step, Duration elapsed, boolean failed) {
    long end = now();
    spans.add(new Span(run(context), step, end - elapsed.toNanos(), end, failed));
    String key = context.workflowId() + '/' + step;
    int left = running.merge(key, -1, Integer::sum);
    int done = finished.merge(key, 1, Integer::sum);
    return done > 1 || left > 0 ? " [" + done + " done, " + left + " running]" : "";
  }

  @Override
  public synchronized void onRetry(
      WorkflowContext context, String step, int nextAttempt, Throwable failure, Duration delay) {
    retries++;
    log(
        step
            + " retry: attempt "
            + nextAttempt
            + " in "
            + millis(delay)
            + " after "
            + describe(failure));
  }

  @Override
  public synchronized void onTimeout(WorkflowContext context, String step, Duration timeout) {
    timeouts++;
    log(step + " timed out after " + millis(timeout));
  }

  @Override
  public synchronized void onFallback(WorkflowContext context, String step, Throwable cause) {
    fallbacks++;
    log(step + " falls back after " + describe(cause));
  }

  @Override
  public synchronized void onCacheHit(WorkflowContext context, String step) {
    cacheHits++;
  }

  @Override
  public synchronized void onCacheMiss(WorkflowContext context, String step) {
    cacheMisses++;
  }

  /**
   * The number of retries scheduled so far.
   *
   * @return the count
   */
  public synchronized int retries() {
    return retries;
  }

  /**
   * The number of attempts that reached their deadline so far.
   *
   * @return the count
   */
  public synchronized int timeouts() {
    return timeouts;
  }

  /**
   * The number of fallbacks so far.
   *
   * @return the count
   */
  public synchronized int fallbacks() {
    return fallbacks;
  }

  /** The step's own failure, without the {@code WorkflowException} that names the step. */
  private static String describe(Throwable failure) {
    if (failure instanceof WorkflowException && failure.getCause() != null) {
      return describe(failure.getCause());
    }
    String message = failure.getMessage();
    String type = failure.getClass().getSimpleName();
    return message == null ? type : type + ": " + message;
  }

  private static String millis(Duration d) {
    return d.toMillis() + " ms";
  }

  /**
   * Prints one bar per finished step call on a shared time axis, in start order, and a line of
   * event counts. A step called more than once in a run is numbered in start order.
   */
  public synchronized void print() {
    if (spans.isEmpty()) {
      return;
    }
    List<Span> ordered = new ArrayList<>(spans);
    ordered.sort(Comparator.comparingLong(Span::startNanos));
    Map<String, Integer> calls = new HashMap<>();
    for (Span s : ordered) {
      calls.merge(s.run() + "/" + s.step(), 1, Integer::sum);
    }
    Map<String, Integer> numbers = new HashMap<>();
    List<String> labels = new ArrayList<>();
    for (Span s : ordered) {
      String key = s.run() + "/" + s.step();
      int n = numbers.merge(key, 1, Integer::sum);
      String label = calls.get(key) > 1 ? s.step() + " #" + n : s.step();
      labels.add(runs.size() > 1 ? "run " + s.run() + " " + label : label);
    }
    int labelWidth = labels.stream().mapToInt(String::length).max().orElse(4);
    long first = ordered.get(0).startNanos();
    long last = ordered.stream().mapToLong(Span::endNanos).max().orElse(first + 1);
    double scale = (double) WIDTH / Math.max(1, last - first);
    out.println();
    out.println("Timeline (ms from the first step's start)");
    for (int i = 0; i < ordered.size(); i++) {
      Span span = ordered.get(i);
      int from = Math.min(WIDTH - 1, (int) ((span.startNanos() - first) * scale));
      int to =
          Math.min(WIDTH, Math.max(from + 1, (int) Math.ceil((span.endNanos() - first) * scale)));
      out.printf(
          "  %-" + labelWidth + "s |%s%s%s| %8.1f .. %8.1f%s%n",
          labels.get(i),
          " ".repeat(from),
          "#".repeat(to - from),
          " ".repeat(WIDTH - to),
          (span.startNanos() - first) / 1e6,
          (span.endNanos() - first) / 1e6,
          span.failed() ? "  FAILED" : "");
    }
    out.printf(
        "  retries %d, timeouts %d, fallbacks %d, cache hits %d, cache misses %d%n",
        retries, timeouts, fallbacks, cacheHits, cacheMisses);
  }
}

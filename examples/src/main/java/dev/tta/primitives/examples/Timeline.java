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
 * Prints live progress of a run (workflow and steps started and finished, retries, timeouts,
 * fallbacks, cache hits) and, at the end, a per-step timeline: one bar per step call on a shared
 * time axis, so parallel steps show as overlapping bars. A step that runs once per element (a
 * for-each) gets one numbered bar per element.
 */
public final class Timeline implements WorkflowListener {

  private static final int WIDTH = 50;

  private enum Outcome {
    DONE,
    FAILED
  }

  private record Span(String step, long startNanos, long endNanos, Outcome outcome) {}

  private final PrintStream out;
  private final long origin = System.nanoTime();
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

  @Override
  public void onWorkflowStart(WorkflowContext context) {
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
    int now = running.merge(step, 1, Integer::sum);
    log(step + " started" + (now > 1 ? " (" + now + " running)" : ""));
  }

  @Override
  public synchronized void onStepSuccess(WorkflowContext context, String step, Duration elapsed) {
    log(step + " done in " + millis(elapsed) + progress(step, elapsed, Outcome.DONE));
  }

  @Override
  public synchronized void onStepFailure(
      WorkflowContext context, String step, Throwable failure, Duration elapsed) {
    log(
        step
            + " FAILED after "
            + millis(elapsed)
            + progress(step, elapsed, Outcome.FAILED)
            + ": "
            + describe(failure));
  }

  /** Records the span and says how many calls of the step are done and still running. */
  private String progress(String step, Duration elapsed, Outcome outcome) {
    long end = now();
    spans.add(new Span(step, end - elapsed.toNanos(), end, outcome));
    int left = running.merge(step, -1, Integer::sum);
    int done = finished.merge(step, 1, Integer::sum);
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
   * event counts. Steps that ran more than once are numbered in start order.
   */
  public synchronized void print() {
    if (spans.isEmpty()) {
      return;
    }
    List<Span> ordered = new ArrayList<>(spans);
    ordered.sort(Comparator.comparingLong(Span::startNanos));
    Map<String, Long> calls = new HashMap<>();
    for (Span s : ordered) {
      calls.merge(s.step(), 1L, Long::sum);
    }
    Map<String, Integer> numbers = new HashMap<>();
    List<String> labels = new ArrayList<>();
    for (Span s : ordered) {
      int n = numbers.merge(s.step(), 1, Integer::sum);
      labels.add(calls.get(s.step()) > 1 ? s.step() + " #" + n : s.step());
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
          span.outcome() == Outcome.FAILED ? "  FAILED" : "");
    }
    out.printf(
        "  retries %d, timeouts %d, fallbacks %d, cache hits %d, cache misses %d%n",
        retries, timeouts, fallbacks, cacheHits, cacheMisses);
  }
}

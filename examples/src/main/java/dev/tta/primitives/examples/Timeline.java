package dev.tta.primitives.examples;

import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowListener;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints live progress of a run (steps started and finished, retries, timeouts, fallbacks) and, at
 * the end, a per-step timeline measured on the runtime's clock.
 */
public final class Timeline implements WorkflowListener {

  private record Span(String step, long startNanos, long endNanos, boolean failed) {}

  private final PrintStream out;
  private final long origin = System.nanoTime();
  private final List<Span> spans = new ArrayList<>();

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
    out.printf("[%7.1f ms] %s%n", now() / 1e6, message);
  }

  @Override
  public void onStepStart(WorkflowContext context, String step) {
    log(step + " started");
  }

  @Override
  public void onStepSuccess(WorkflowContext context, String step, Duration elapsed) {
    record(step, elapsed, false);
    log(step + " done in " + elapsed.toMillis() + " ms");
  }

  @Override
  public void onStepFailure(
      WorkflowContext context, String step, Throwable failure, Duration elapsed) {
    record(step, elapsed, true);
    log(step + " FAILED after " + elapsed.toMillis() + " ms: " + failure.getMessage());
  }

  @Override
  public void onRetry(
      WorkflowContext context, String step, int nextAttempt, Throwable failure, Duration delay) {
    log(step + " retry " + nextAttempt + " in " + delay.toMillis() + " ms after: " + failure);
  }

  @Override
  public void onTimeout(WorkflowContext context, String step, Duration timeout) {
    log(step + " timed out after " + timeout.toMillis() + " ms");
  }

  @Override
  public void onFallback(WorkflowContext context, String step, Throwable cause) {
    log(step + " falls back after: " + cause);
  }

  private synchronized void record(String step, Duration elapsed, boolean failed) {
    long end = now();
    spans.add(new Span(step, end - elapsed.toNanos(), end, failed));
  }

  /** Prints one bar per finished step, on a shared time axis. */
  public synchronized void print() {
    if (spans.isEmpty()) {
      return;
    }
    long first = spans.stream().mapToLong(Span::startNanos).min().orElse(0);
    long last = spans.stream().mapToLong(Span::endNanos).max().orElse(1);
    double scale = 50.0 / Math.max(1, last - first);
    out.println();
    out.println("Timeline (ms from first step start)");
    for (Span span : spans) {
      int from = (int) ((span.startNanos() - first) * scale);
      int to = Math.max(from + 1, (int) ((span.endNanos() - first) * scale));
      out.printf(
          "  %-10s |%s%s%s| %8.1f .. %8.1f%s%n",
          span.step(),
          " ".repeat(from),
          "#".repeat(to - from),
          " ".repeat(Math.max(0, 50 - to)),
          (span.startNanos() - first) / 1e6,
          (span.endNanos() - first) / 1e6,
          span.failed() ? "  FAILED" : "");
    }
  }
}

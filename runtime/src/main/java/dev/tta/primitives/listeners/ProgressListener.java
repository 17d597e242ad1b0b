package dev.tta.primitives.listeners;

import dev.tta.primitives.CircuitState;
import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowListener;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Shows the progress of workflow runs as they happen: step calls done out of those known, the steps
 * running now, the retries so far and the time since the run started.
 *
 * <pre>{@code
 * WorkflowRuntime runtime =
 *     WorkflowRuntime.builder().listener(ProgressListener.to(System.out)).build();
 * }</pre>
 *
 * <p><b>Terminal mode.</b> On a terminal it keeps one line, redrawn in place on every event
 * (carriage return and clear-to-end-of-line, {@code "\r\033[K"}), e.g. {@code PackageValidation 1/4
 * steps | running: compile, lint, javadoc | retries 0 | 0.1 s}. Retries, timeouts, fallbacks,
 * failed steps, rejected calls and circuit breaker changes are printed as lines of their own above
 * it, so they stay in the scroll-back. When the outermost run ends, the line is replaced by the
 * run's summary ({@code PackageValidation finished in 422 ms: 5/5 steps, retries 0}) and finished
 * with a newline.
 *
 * <p><b>Plain mode</b> (a file, a pipe, a test's buffer): lines, each prefixed with the time since
 * the outermost run started ({@code [ 400.0 ms]}): one when the outermost run starts, one when it
 * ends (its summary), one for each event worth keeping as it happens (a retry, a timeout, a
 * fallback, a step or nested run that failed, a rejected call, a circuit breaker change), and a
 * progress line at most once per {@linkplain Builder#interval interval} (default 1 s): on the first
 * event at least an interval after the run's start or the last progress line.
 *
 * <p><b>Runs.</b> What it shows covers the period from the start of a run while no other run was
 * going on (the outermost run) to the end of the last run then going on. Nested runs (a step
 * calling another workflow's {@code run}, whether or not it passes its context) are part of the
 * outermost run: their steps count among its step calls, their start and success print nothing,
 * their failure prints a line. Each new outermost run starts from zero. Runs started concurrently
 * from outside any run are shown together as one, under the name of the first.
 *
 * <p><b>Counts.</b> A step call is counted when it starts ({@code onStepStart}) and done when it
 * succeeds or fails; each for-each element of a step and each nested run's step is a call of its
 * own; retries of a call are not new calls. The total shown is the number of calls started so far,
 * or the total given to {@link Builder#expecting(int)} while fewer have started. The steps running
 * now are listed in start order, a name running several times at once with its count ({@code check
 * x4}), names longer than 20 characters cut to 17 and {@code "..."}, at most three names and then
 * {@code +N more}.
 *
 * <p><b>Time</b> comes from the clock of the runtime that reports each event ({@code
 * context.runtime().clock()}), so on a {@link dev.tta.primitives.testing.VirtualTime} the output is
 * exact. Nothing runs in the background: the line and the progress lines change only when an event
 * arrives.
 *
 * <p>Thread-safe: events from many threads are serialised, and each line is written whole.
 */
public final class ProgressListener implements WorkflowListener {

  /** Carriage return and clear to the end of the line: redraws the terminal line. */
  static final String REDRAW = "\r\033[K";

  private static final int MAX_NAMES = 3;
  private static final int MAX_NAME_LENGTH = 20;

  private final PrintStream out;
  private final boolean terminal;
  private final long intervalNanos;
  private final int expected;

  // All guarded by this.
  private int activeRuns;
  private String runName = "";
  private long runStart;
  private long lastProgress;
  private int started;
  private int finished;
  private int failed;
  private int retries;
  private final Map<String, Integer> running = new LinkedHashMap<>();

  private ProgressListener(Builder builder) {
    this.out = builder.out;
    this.terminal = builder.terminal;
    this.intervalNanos = builder.interval.toNanos();
    this.expected = builder.expected;
  }

  /**
   * A progress listener on {@code out} with the defaults: terminal mode only when {@code out} is
   * {@link System#out} and {@link System#console()} is not {@code null} (on JDK 22 to 24 a console
   * may exist while the output is redirected: use {@link #builder(PrintStream)} with {@link
   * Builder#terminal(boolean)} to say), a progress line at most every second in plain mode, and no
   * known total.
   *
   * @param out where progress goes
   * @return the listener
   */
  public static ProgressListener to(PrintStream out) {
    return builder(out).build();
  }

  /**
   * A builder of a progress listener on {@code out}, with the defaults of {@link #to(PrintStream)}.
   *
   * @param out where progress goes
   * @return the builder
   */
  public static Builder builder(PrintStream out) {
    return new Builder(out);
  }

  private static long now(WorkflowContext context) {
    return context.runtime().clock().nanoTime();
  }

  @Override
  public synchronized void onWorkflowStart(WorkflowContext context) {
    long now = now(context);
    if (activeRuns++ > 0) {
      update(now);
      return;
    }
    runName = context.workflowName();
    runStart = now;
    lastProgress = now;
    started = 0;
    finished = 0;
    failed = 0;
    retries = 0;
    running.clear();
    if (terminal) {
      draw(now);
    } else {
      line(now, runName + " started");
    }
    // The times that follow count from after this first write, which may load classes: closer to
    // where the run's own clock starts (the runner reads it once its listeners heard the start).
    runStart = Math.max(runStart, now(context));
    lastProgress = runStart;
  }

  @Override
  public synchronized void onWorkflowSuccess(WorkflowContext context, Duration elapsed) {
    runEnded(
        context,
        context.workflowName() + " finished in " + Describe.millis(elapsed),
        null,
        elapsed);
  }

  @Override
  public synchronized void onWorkflowFailure(
      WorkflowContext context, Throwable failure, Duration elapsed) {
    runEnded(
        context,
        context.workflowName() + " FAILED after " + Describe.millis(elapsed),
        Describe.failure(failure),
        elapsed);
  }

  private void runEnded(WorkflowContext context, String what, String failure, Duration elapsed) {
    if (activeRuns == 0) {
      return; // the end of a run that started before this listener heard of it
    }
    long now = now(context);
    if (--activeRuns > 0) { // a nested run
      if (failure != null) {
        notable(now, what + ": " + failure);
      } else {
        update(now);
      }
      return;
    }
    String summary = what + ": " + counts() + (failure != null ? "; " + failure : "");
    if (terminal) {
      out.print(REDRAW + summary + System.lineSeparator());
      out.flush();
    } else {
      line(runStart + elapsed.toNanos(), summary); // at the run's own duration, as it says
    }
  }

  @Override
  public synchronized void onStepStart(WorkflowContext context, String step) {
    started++;
    running.merge(step, 1, Integer::sum);
    update(now(context));
  }

  @Override
  public synchronized void onStepSuccess(WorkflowContext context, String step, Duration elapsed) {
    stepEnded(step);
    update(now(context));
  }

  @Override
  public synchronized void onStepFailure(
      WorkflowContext context, String step, Throwable failure, Duration elapsed) {
    stepEnded(step);
    failed++;
    notable(
        now(context),
        step + " FAILED after " + Describe.millis(elapsed) + ": " + Describe.failure(failure));
  }

  private void stepEnded(String step) {
    finished++;
    running.computeIfPresent(step, (name, count) -> count > 1 ? count - 1 : null);
  }

  @Override
  public synchronized void onRetry(
      WorkflowContext context, String step, int nextAttempt, Throwable failure, Duration delay) {
    retries++;
    notable(
        now(context),
        step
            + " retry: attempt "
            + nextAttempt
            + " in "
            + Describe.millis(delay)
            + " after "
            + Describe.failure(failure));
  }

  @Override
  public synchronized void onTimeout(WorkflowContext context, String step, Duration timeout) {
    notable(now(context), step + " timed out after " + Describe.millis(timeout));
  }

  @Override
  public synchronized void onFallback(WorkflowContext context, String step, Throwable cause) {
    notable(now(context), step + " falls back after " + Describe.failure(cause));
  }

  @Override
  public synchronized void onCacheHit(WorkflowContext context, String step) {
    update(now(context));
  }

  @Override
  public synchronized void onCacheMiss(WorkflowContext context, String step) {
    update(now(context));
  }

  @Override
  public synchronized void onCircuitStateChange(
      WorkflowContext context, String breaker, CircuitState from, CircuitState to) {
    notable(now(context), "circuit breaker " + breaker + ": " + from + " -> " + to);
  }

  @Override
  public synchronized void onRejected(WorkflowContext context, String step, Throwable rejection) {
    notable(now(context), step + " rejected: " + Describe.failure(rejection));
  }

  /** An event worth a line of its own; then the progress as usual. */
  private void notable(long now, String message) {
    if (terminal) {
      out.print(REDRAW + message + System.lineSeparator());
      if (activeRuns > 0) {
        draw(now);
      } else {
        out.flush();
      }
    } else {
      line(now, message);
      update(now);
    }
  }

  /** The terminal line redrawn, or a plain progress line if one is due. */
  private void update(long now) {
    if (activeRuns == 0) {
      return;
    }
    if (terminal) {
      draw(now);
    } else if (now - lastProgress >= intervalNanos) {
      lastProgress = now;
      line(now, progress());
    }
  }

  private void draw(long now) {
    out.print(
        REDRAW + progress() + String.format(Locale.ROOT, " | %.1f s", (now - runStart) / 1e9));
    out.flush();
  }

  private void line(long now, String message) {
    out.print(
        String.format(Locale.ROOT, "[%8.1f ms] ", (now - runStart) / 1e6)
            + message
            + System.lineSeparator());
    out.flush();
  }

  private String progress() {
    StringBuilder line = new StringBuilder(runName).append(' ').append(counts(false));
    if (!running.isEmpty()) {
      line.append(" | running: ");
      int shown = 0;
      for (Iterator<Map.Entry<String, Integer>> it = running.entrySet().iterator();
          it.hasNext(); ) {
        Map.Entry<String, Integer> entry = it.next();
        if (shown == MAX_NAMES) {
          line.append(", +").append(running.size() - MAX_NAMES).append(" more");
          break;
        }
        if (shown++ > 0) {
          line.append(", ");
        }
        line.append(shorten(entry.getKey()));
        if (entry.getValue() > 1) {
          line.append(" x").append(entry.getValue());
        }
      }
    }
    return line.append(" | retries ").append(retries).toString();
  }

  private String counts() {
    return counts(true);
  }

  /** {@code 3/5 steps}, the failed ones if any, and for a summary the retries. */
  private String counts(boolean summary) {
    String steps = finished + "/" + Math.max(expected, started) + " steps";
    if (failed > 0) {
      steps += ", " + failed + " failed";
    }
    return summary ? steps + ", retries " + retries : steps;
  }

  private static String shorten(String name) {
    return name.length() <= MAX_NAME_LENGTH ? name : name.substring(0, MAX_NAME_LENGTH - 3) + "...";
  }

  /** Builds a {@link ProgressListener}. */
  public static final class Builder {
    private final PrintStream out;
    private boolean terminal;
    private Duration interval = Duration.ofSeconds(1);
    private int expected;

    private Builder(PrintStream out) {
      this.out = Objects.requireNonNull(out, "out");
      this.terminal = out == System.out && System.console() != null;
    }

    /**
     * Whether {@code out} is a terminal (one line redrawn in place) or not (plain lines).
     *
     * @param isTerminal true for terminal mode
     * @return this builder
     */
    public Builder terminal(boolean isTerminal) {
      this.terminal = isTerminal;
      return this;
    }

    /**
     * The least time between two progress lines in plain mode; zero prints one on every event.
     * Ignored in terminal mode, which redraws its line on every event.
     *
     * @param minimum the interval, not negative
     * @return this builder
     * @throws IllegalArgumentException if {@code minimum} is negative
     */
    public Builder interval(Duration minimum) {
      if (minimum.isNegative()) {
        throw new IllegalArgumentException("interval = " + minimum + " must not be negative");
      }
      this.interval = minimum;
      return this;
    }

    /**
     * The number of step calls each outermost run is expected to make, shown as the total while
     * fewer have started (the number started once more have). Without it the total is the number
     * started so far.
     *
     * @param steps the expected step calls, 0 for unknown
     * @return this builder
     * @throws IllegalArgumentException if {@code steps} is negative
     */
    public Builder expecting(int steps) {
      if (steps < 0) {
        throw new IllegalArgumentException("steps = " + steps + " must not be negative");
      }
      this.expected = steps;
      return this;
    }

    /**
     * Builds the listener.
     *
     * @return the listener
     */
    public ProgressListener build() {
      return new ProgressListener(this);
    }
  }
}

package dev.tta.primitives.examples.quota;

import dev.tta.primitives.CircuitBreakerStats;
import dev.tta.primitives.WorkflowRuntime;
import dev.tta.primitives.listeners.ProgressListener;
import dev.tta.primitives.listeners.Timeline;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code quota [N] [DIR]}: counts the words of N files under DIR through a metered HTTP API that it
 * starts on 127.0.0.1, staying within the API's quota and riding out its outage, then prints what
 * the client and the server each counted.
 */
public final class QuotaCommand {

  /** How many files are counted without an argument. */
  public static final int DEFAULT_FILES = 16;

  /** The API's quota: requests per window. The client's {@code @RateLimit} allows 4 a second. */
  static final int QUOTA = 4;

  /**
   * The window the API judges its quota over: 400 ms shorter than the client's second, the room its
   * requests need to arrive (a cold JVM's first connections take a few hundred ms).
   */
  static final Duration QUOTA_WINDOW = Duration.ofMillis(600);

  /** The API goes down when it receives its 5th request ... */
  static final int OUTAGE_FROM = 5;

  /** ... for 1.5 s: every request meanwhile is answered 503. */
  static final Duration OUTAGE = Duration.ofMillis(1_500);

  private QuotaCommand() {}

  /**
   * Starts the API, runs the workflow against it, stops it, prints the figures.
   *
   * @param args {@code [N] [DIR]}: N files (1 to 1000), under DIR (default {@code .})
   * @param out where progress and results go
   * @return 0 when every count is right, no request was over the quota and the API stopped cleanly;
   *     else 1
   * @throws IOException if the API cannot start
   * @throws InterruptedException if interrupted while stopping it
   */
  public static int run(List<String> args, PrintStream out)
      throws IOException, InterruptedException {
    int files = args.isEmpty() ? DEFAULT_FILES : parseCount(args.get(0));
    Path dir = Path.of(args.size() > 1 ? args.get(1) : ".").toAbsolutePath().normalize();
    WordCountServer api = WordCountServer.start(QUOTA, QUOTA_WINDOW, OUTAGE_FROM, OUTAGE);
    out.printf(
        "Counting the words of %d files under %s through %s%n"
            + "(its quota: %d requests per %d ms; down for %d ms from its request %d)%n",
        files, dir, api.uri(), QUOTA, QUOTA_WINDOW.toMillis(), OUTAGE.toMillis(), OUTAGE_FROM);
    Timeline timeline = new Timeline();
    WorkflowRuntime runtime =
        WorkflowRuntime.builder().listener(ProgressListener.to(out)).listener(timeline).build();
    WordCounts steps = new WordCounts(api.uri(), files);
    WordCountsWorkflow workflow = new WordCountsWorkflow(steps, runtime);
    WordCounts.Report report;
    long start = System.nanoTime();
    try {
      report = workflow.run(dir);
    } finally {
      out.printf("%nThe API stopped; its port refuses connections: %s%n", api.stop());
      runtime.close();
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    out.printf("%n%-60s %8s %8s%n", "file", "API", "checked");
    for (WordCounts.Count count : report.counts()) {
      out.printf(
          "%-60s %,8d %,8d%s%n",
          shorten(dir.relativize(count.file()).toString(), 60),
          count.words(),
          count.checked(),
          count.right() ? "" : "  WRONG");
    }
    WordCountServer.Counts seen = api.counts();
    CircuitBreakerStats breaker = workflow.countCircuitBreaker();
    out.printf(
        "%n%d files in %,d ms; the client sent %d requests, the API received %d:"
            + " %d answered, %d during the outage (503), %d over the quota (429)%n",
        report.counts().size(),
        millis,
        steps.requestsSent(),
        seen.received(),
        seen.answered(),
        seen.unavailable(),
        seen.overQuota());
    out.printf(
        "The circuit breaker refused %d calls while the API was down; it is %s now%n",
        breaker.rejectedCalls(), breaker.state());
    out.printf("%n%s", timeline.text());
    return report.allRight() && seen.overQuota() == 0 ? 0 : 1;
  }

  private static String shorten(String text, int width) {
    return text.length() <= width ? text : "..." + text.substring(text.length() - width + 3);
  }

  private static int parseCount(String arg) {
    try {
      int n = Integer.parseInt(arg);
      if (n >= 1 && n <= 1000) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("N must be a number of files from 1 to 1000, not " + arg);
  }
}

package dev.tta.primitives.examples.evaluation;

import dev.tta.primitives.CacheStats;
import dev.tta.primitives.WorkflowRuntime;
import dev.tta.primitives.listeners.ProgressListener;
import dev.tta.primitives.listeners.Timeline;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code evaluate [DIR]}: ranks the compression settings on the files under DIR, prints the table,
 * evaluates again to show the cache at work, and prints each evaluation's timeline.
 */
public final class EvaluateCommand {

  private EvaluateCommand() {}

  /**
   * Runs the evaluation twice on the same files.
   *
   * @param args {@code [DIR]}, default the working directory
   * @param out where progress and results go
   * @return 0
   */
  public static int run(List<String> args, PrintStream out) {
    Path dir = Path.of(args.isEmpty() ? "." : args.get(0)).toAbsolutePath().normalize();
    out.printf(
        "Evaluating %d compression settings on the files under %s%n", Codec.CANDIDATES.size(), dir);
    Timeline timeline = new Timeline();
    WorkflowRuntime runtime =
        WorkflowRuntime.builder().listener(ProgressListener.to(out)).listener(timeline).build();
    CodecEvaluationWorkflow workflow = new CodecEvaluationWorkflow(new CodecEvaluation(), runtime);

    Ranking ranking = workflow.run(dir);
    print(ranking, out);
    out.printf("%n%s", timeline.text());

    out.printf("%nEvaluating the same files again%n");
    long start = System.nanoTime();
    Ranking again = workflow.run(dir);
    double millis = (System.nanoTime() - start) / 1e6;
    CacheStats stats = workflow.measureCacheStats();
    out.printf(
        "Second evaluation took %.1f ms; measure cache: %d hits, %d misses; same ranking: %s%n",
        millis, stats.hits(), stats.misses(), again.equals(ranking) ? "yes" : "no");
    out.printf("%n%s", timeline.text());
    return 0;
  }

  /**
   * Prints a ranking as a table, best first.
   *
   * @param ranking the ranking
   * @param out where it goes
   */
  public static void print(Ranking ranking, PrintStream out) {
    out.printf("%nCorpus: %d files, %,d bytes%n", ranking.files(), ranking.bytes());
    out.printf(
        "%4s  %-18s %12s %7s %15s %15s %8s%n",
        "rank", "setting", "bytes", "ratio", "compress MB/s", "decompress MB/s", "samples");
    int rank = 0;
    for (Measurement m : ranking.rows()) {
      rank++;
      if (!m.measured()) {
        out.printf("%4d  %-18s %s%n", rank, m.codec(), m.note());
        continue;
      }
      out.printf(
          "%4d  %-18s %,12d %6.1f%% %15.1f %15.1f %8d%s%n",
          rank,
          m.codec(),
          m.compressedBytes(),
          100 * m.ratio(),
          m.compressMBps(),
          m.decompressMBps(),
          m.repetitions(),
          m.note().isEmpty() ? "" : "  (" + m.note() + ")");
    }
  }
}

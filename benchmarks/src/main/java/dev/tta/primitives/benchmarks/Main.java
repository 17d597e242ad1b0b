package dev.tta.primitives.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the suite and prints the results and the targets as Markdown tables.
 *
 * <p>Takes JMH's own options, plus {@code --short} (or {@code -Dbench.short=true}): one fork, 4
 * warm-up and 5 measured iterations of 1 s each, unless the command line sets them. Always adds
 * {@code -prof gc} (bytes per operation for every row) unless a profiler is given. Leaves out the
 * virtual-thread rows when this JVM or jar has no virtual threads. JMH's {@code -h}, {@code -l},
 * {@code -lp} and friends go straight to JMH.
 */
public final class Main {
  private Main() {}

  /**
   * Runs the suite.
   *
   * @param args {@code --short} and any JMH options
   * @throws Exception when JMH fails
   */
  public static void main(String[] args) throws Exception {
    boolean shortMode = Boolean.getBoolean("bench.short");
    List<String> jmhArgs = new ArrayList<>();
    for (String arg : args) {
      if (arg.equals("--short")) {
        shortMode = true;
      } else {
        jmhArgs.add(arg);
      }
    }
    CommandLineOptions cmd = new CommandLineOptions(jmhArgs.toArray(new String[0]));
    if (cmd.shouldHelp()
        || cmd.shouldList()
        || cmd.shouldListWithParams()
        || cmd.shouldListProfilers()
        || cmd.shouldListResultFormats()) {
      org.openjdk.jmh.Main.main(jmhArgs.toArray(new String[0]));
      return;
    }
    ChainedOptionsBuilder options = new OptionsBuilder().parent(cmd);
    if (cmd.getProfilers().isEmpty()) {
      options.addProfiler(GCProfiler.class);
    }
    if (shortMode) {
      if (!cmd.getForkCount().hasValue()) {
        options.forks(1);
      }
      if (!cmd.getWarmupIterations().hasValue()) {
        options.warmupIterations(4);
      }
      if (!cmd.getWarmupTime().hasValue()) {
        options.warmupTime(TimeValue.seconds(1));
      }
      if (!cmd.getMeasurementIterations().hasValue()) {
        options.measurementIterations(5);
      }
      if (!cmd.getMeasurementTime().hasValue()) {
        options.measurementTime(TimeValue.seconds(1));
      }
    }
    if (!VirtualThreads.available()) {
      System.out.println(
          "# No virtual threads in this JVM or jar (JDK 21+ run of a jar built on JDK 21+):"
              + " leaving out the *_virtual rows.");
      options.exclude("_virtual");
    }
    String loadBefore = Report.loadAverage();
    Collection<RunResult> results = new Runner(options.build()).run();
    System.out.println();
    System.out.print(Report.of(results, shortMode, loadBefore).markdown());
  }
}

package dev.tta.primitives.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the suite and prints the results and the targets as Markdown tables.
 *
 * <p>Takes JMH's own options, plus {@code --short} (or {@code -Dbench.short=true}): 4 warm-up and 5
 * measured iterations of 1 s each, one fork (three for the thread hand-off rows, whose wake-up
 * latency varies most between JVMs), unless the command line sets them. Always adds {@code -prof
 * gc} (bytes per operation for every row) unless a profiler is given. Leaves out the virtual-thread
 * rows when this JVM or jar has no virtual threads. JMH's {@code -h}, {@code -l}, {@code -lp} and
 * friends go straight to JMH.
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
    if (!VirtualThreads.available()) {
      System.out.println(
          "# No virtual threads in this JVM or jar (JDK 21+ run of a jar built on JDK 21+):"
              + " leaving out the *_virtual rows.");
    }
    String loadBefore = Report.loadAverage();
    Collection<RunResult> results = new ArrayList<>();
    if (shortMode && !cmd.getForkCount().hasValue()) {
      // The hand-off rows are thread wake-ups, which vary more between JVMs than within one:
      // they get three forks, the rest one, so that short mode still decides their targets.
      results.addAll(run(cmd, shortMode, 1, HAND_OFF));
      results.addAll(run(cmd, shortMode, 3, "^(?!.*" + HAND_OFF + ")"));
    } else {
      results.addAll(run(cmd, shortMode, 0));
    }
    if (results.isEmpty()) {
      throw new NoBenchmarksException();
    }
    List<PairedHandOff.Medians> paired = new ArrayList<>();
    if (results.stream().anyMatch(r -> r.getParams().getBenchmark().endsWith(".handOff_1step"))) {
      // The one-step hand-off targets are decided in turns too: see PairedHandOff.
      for (int run = 0; run < 3; run++) {
        paired.add(PairedHandOff.measure(PairedHandOff.ROUNDS, PairedHandOff.CALLS));
      }
    }
    System.out.println();
    System.out.print(Report.of(results, shortMode, loadBefore, paired).markdown());
  }

  private static final String HAND_OFF = "HandOffBench";

  /**
   * One JMH run of the rows the command line selects, less those matching {@code except}; {@code
   * forks} 0 keeps the command line's.
   */
  private static Collection<RunResult> run(
      CommandLineOptions cmd, boolean shortMode, int forks, String... except)
      throws RunnerException {
    ChainedOptionsBuilder options = new OptionsBuilder().parent(cmd);
    for (String excluded : except) {
      options.exclude(excluded);
    }
    if (cmd.getProfilers().isEmpty()) {
      options.addProfiler(GCProfiler.class);
    }
    if (forks > 0) {
      options.forks(forks);
    }
    if (shortMode) {
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
      options.exclude("_virtual");
    }
    try {
      return new Runner(options.build()).run();
    } catch (NoBenchmarksException e) {
      return List.of(); // the command line selects none of these rows
    }
  }
}

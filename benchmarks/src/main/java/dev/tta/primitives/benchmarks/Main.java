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
 * gc} (bytes per operation for every row) unless a profiler is given. {@link DurableBench} keeps 15
 * warm-up iterations in short mode. Leaves out the virtual-thread rows when this JVM or jar has no
 * virtual threads. JMH's {@code -h}, {@code -l}, {@code -lp} and friends go straight to JMH.
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
    if (shortMode) {
      // The hand-off rows are thread wake-ups, which vary more between JVMs than within one:
      // they get three forks, the rest one, so that short mode still decides their targets. The
      // durable rows run whole workflows through Temporal's test server, whose code takes many
      // more runs to compile than 4 s of them: they keep a longer warm-up.
      boolean forksGiven = cmd.getForkCount().hasValue();
      results.addAll(run(cmd, shortMode, forksGiven ? 0 : 1, SHORT_WARMUP, HAND_OFF, DURABLE));
      results.addAll(run(cmd, shortMode, forksGiven ? 0 : 3, SHORT_WARMUP, only(HAND_OFF)));
      results.addAll(run(cmd, shortMode, forksGiven ? 0 : 1, DURABLE_WARMUP, only(DURABLE)));
    } else {
      results.addAll(run(cmd, shortMode, 0, 0));
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
    List<PairedDurable.Medians> durable = new ArrayList<>();
    if (results.stream().anyMatch(r -> r.getParams().getBenchmark().endsWith(".tta_durable"))) {
      // The durable target is decided in turns too: see PairedDurable.
      for (int run = 0; run < 3; run++) {
        durable.add(PairedDurable.measure(PairedDurable.ROUNDS, PairedDurable.RUNS));
      }
    }
    System.out.println();
    System.out.print(Report.of(results, shortMode, loadBefore, paired, durable).markdown());
  }

  private static final String HAND_OFF = "HandOffBench";

  private static final String DURABLE = "DurableBench";

  /** Short mode's warm-up iterations of 1 s. */
  private static final int SHORT_WARMUP = 4;

  /**
   * Short mode's warm-up iterations of 1 s for {@link DurableBench}: a run there takes
   * milliseconds, and the SDK's and the test server's code is still being compiled after 10 s of
   * runs.
   */
  private static final int DURABLE_WARMUP = 15;

  /** The exclusion that leaves only the rows of {@code benchmarkClass}. */
  private static String only(String benchmarkClass) {
    return "^(?!.*" + benchmarkClass + ")";
  }

  /**
   * One JMH run of the rows the command line selects, less those matching {@code except}; {@code
   * forks} 0 keeps the command line's; in short mode {@code warmups} iterations of warm-up unless
   * the command line sets them.
   */
  private static Collection<RunResult> run(
      CommandLineOptions cmd, boolean shortMode, int forks, int warmups, String... except)
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
        options.warmupIterations(warmups);
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

package dev.tta.primitives.benchmarks;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.Arrays;
import java.util.Locale;

/**
 * The two {@link DurableBench} rows measured in turns in one JVM, on one test server: a run of the
 * generated workflow, then one of the hand-written workflow, and so on, in rounds of {@code runs}
 * of each; then the median over the rounds of each's time per run, and of the rounds' ratios (the
 * generated workflow's time in the round over the hand-written one's).
 *
 * <p>A run takes milliseconds of several threads (the client, the server, two pollers and their
 * executors) on a machine where other work comes and goes; JMH measures the rows one after the
 * other, so a change of the machine's load lands between them. Taking turns puts the same load on
 * both, run by run.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.tta.primitives.benchmarks.PairedDurable [rounds] [runs of each per round]}.
 */
public final class PairedDurable {
  private PairedDurable() {}

  /**
   * Measures and prints the medians and the ratio.
   *
   * @param args rounds (default 20) and runs of each per round (default 50)
   */
  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : ROUNDS;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : RUNS;
    Medians m = measure(rounds, runs);
    System.out.printf(
        Locale.ROOT,
        "medians of %d rounds x %d runs (%s): tta_durable %d us, temporal_byHand %d us;"
            + " tta/byHand %.3f (rounds %.3f-%.3f)%n",
        rounds,
        runs,
        Runtime.version(),
        m.durable() / 1000,
        m.byHand() / 1000,
        m.ratio(),
        m.lowest(),
        m.highest());
  }

  /** Default rounds after the warm-up. */
  static final int ROUNDS = 20;

  /** Default runs of each per round. */
  static final int RUNS = 50;

  /** Warm-up rounds: the SDK's and the test server's code compiles over thousands of runs. */
  static final int WARM_UP_ROUNDS = 10;

  /**
   * The median time per run of each workflow, in nanoseconds, and the rounds' ratios.
   *
   * @param durable the generated workflow
   * @param byHand the hand-written one
   * @param ratio the median of the rounds' durable/byHand ratios
   * @param lowest the lowest of them
   * @param highest the highest of them
   */
  record Medians(long durable, long byHand, double ratio, double lowest, double highest) {}

  /** Runs the warm-up rounds, then {@code rounds} measured ones, of {@code runs} of each. */
  static Medians measure(int rounds, int runs) {
    long[] durable = new long[rounds];
    long[] byHand = new long[rounds];
    double[] ratios = new double[rounds];
    TestWorkflowEnvironment env = DurableBench.newEnvironment();
    try {
      WorkflowClient client = env.getWorkflowClient();
      WorkflowOptions options = DurableBench.byHandOptions();
      long x = 0;
      long check = 0;
      for (int round = -WARM_UP_ROUNDS; round < rounds; round++) {
        long generated = 0;
        long written = 0;
        for (int i = 0; i < 2 * runs; i++) {
          long a = x++;
          long t0 = System.nanoTime();
          if (i % 2 == 0) {
            check += new DurableWorkflows_RetriedTemporal(client).run(a) - a;
            generated += System.nanoTime() - t0;
          } else {
            check += client.newWorkflowStub(DurableWorkflows.ThreeSteps.class, options).run(a) - a;
            written += System.nanoTime() - t0;
          }
        }
        if (round >= 0) {
          durable[round] = generated / runs;
          byHand[round] = written / runs;
          ratios[round] = (double) generated / written;
        }
      }
      if (check != 3L * 2 * runs * (rounds + WARM_UP_ROUNDS)) {
        throw new AssertionError("a run returned a wrong value");
      }
    } finally {
      env.close();
    }
    double[] sorted = ratios.clone();
    Arrays.sort(sorted);
    return new Medians(
        median(durable), median(byHand), sorted[sorted.length / 2], sorted[0], sorted[rounds - 1]);
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}

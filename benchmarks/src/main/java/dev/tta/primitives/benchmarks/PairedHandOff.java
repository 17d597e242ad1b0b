package dev.tta.primitives.benchmarks;

import dev.tta.primitives.WorkflowRuntime;
import io.github.resilience4j.timelimiter.TimeLimiter;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The one-step hand-off rows measured in turns in one JVM: a bare {@code supplyAsync(...).join()},
 * the generated workflow with {@code @Timeout} on its synchronous step, and Resilience4j's {@code
 * TimeLimiter}, each for a block of calls, round after round; then the median time per call of
 * each.
 *
 * <p>These rows are thread wake-ups of tens of microseconds, which drift with the machine's state
 * over seconds; JMH measures rows one after another, so the drift lands between rows. Taking turns
 * puts the same drift on all three, and the ratios of the medians are what the targets compare.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.tta.primitives.benchmarks.PairedHandOff [rounds] [calls per block]}.
 */
public final class PairedHandOff {
  private PairedHandOff() {}

  /**
   * Measures and prints the medians and their ratios.
   *
   * @param args rounds (default 60) and calls per block (default 2000)
   * @throws Exception if a call fails
   */
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : ROUNDS;
    int calls = args.length > 1 ? Integer.parseInt(args[1]) : CALLS;
    Medians m = measure(rounds, calls);
    System.out.printf(
        Locale.ROOT,
        "medians of %d rounds x %d calls (%s): handOff_1step %d ns, tta_timeout_sync_1step %d ns,"
            + " r4j_timeLimiter_1step %d ns; tta/handOff %.3f, r4j/tta %.3f%n",
        rounds,
        calls,
        Runtime.version(),
        m.handOff(),
        m.tta(),
        m.r4j(),
        m.ttaOverHandOff(),
        m.r4jOverTta());
  }

  /** Default rounds after the warm-up. */
  static final int ROUNDS = 60;

  /** Default calls per block. */
  static final int CALLS = 2000;

  /**
   * The median time per call of each variant, in nanoseconds.
   *
   * @param handOff bare {@code supplyAsync(...).join()}
   * @param tta the generated one-step workflow with {@code @Timeout}
   * @param r4j Resilience4j's {@code TimeLimiter}
   */
  record Medians(long handOff, long tta, long r4j) {
    double ttaOverHandOff() {
      return (double) tta / handOff;
    }

    double r4jOverTta() {
      return (double) r4j / tta;
    }
  }

  /** Runs 10 warm-up rounds, then {@code rounds} measured ones, of {@code calls} per block. */
  static Medians measure(int rounds, int calls) throws Exception {
    int warmUpRounds = 10;
    Executor executor = WorkflowRuntime.defaults().executor();
    Workflows_TimedSyncOneWorkflow timed =
        new Workflows_TimedSyncOneWorkflow(new Workflows.TimedSyncOne());
    TimeLimiter limiter = Peers.r4jTimeLimiter("first");
    long[] handOff = new long[rounds];
    long[] tta = new long[rounds];
    long[] r4j = new long[rounds];
    long x = 0;
    long check = 0;
    for (int round = -warmUpRounds; round < rounds; round++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        long a = x++;
        check += CompletableFuture.supplyAsync(() -> Peers.first(a), executor).join() - a;
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        long a = x++;
        check += timed.run(a) - a;
      }
      long t2 = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        long a = x++;
        check +=
            limiter.executeFutureSupplier(
                    () -> CompletableFuture.supplyAsync(() -> Peers.first(a), executor))
                - a;
      }
      long t3 = System.nanoTime();
      if (round >= 0) {
        handOff[round] = (t1 - t0) / calls;
        tta[round] = (t2 - t1) / calls;
        r4j[round] = (t3 - t2) / calls;
      }
    }
    if (check != 3L * calls * (rounds + warmUpRounds)) {
      throw new AssertionError("a call returned a wrong value");
    }
    return new Medians(median(handOff), median(tta), median(r4j));
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}

package dev.tta.primitives.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/** The results of one run as Markdown: every row, then every target with its ratio. */
final class Report {

  /** A CompletableFuture with compressed oops: 12-byte header, two references, padded to 24. */
  static final double FUTURE_BYTES = 24;

  /** The rows in the order of the table, with what each measures. */
  private static final Map<String, String> ROWS = new LinkedHashMap<>();

  static {
    ROWS.put("direct", "3 direct calls, the floor");
    ROWS.put("cfChain", "`completedFuture(x).thenApply` ×3 `.join()`");
    ROWS.put("tta_plain", "generated workflow, no policy, `run(x)`: the steps called in place");
    ROWS.put("tta_retry", "generated, `@Retry` on each step (first attempt succeeds), `run(x)`");
    ROWS.put(
        "tta_retry_listener",
        "generated, `@Retry` on each step, one no-op listener: through the primitives, `run(x)`");
    ROWS.put("r4j_retry", "Resilience4j `Retry.executeSupplier` per step");
    ROWS.put("failsafe_retry", "Failsafe `RetryPolicy`, `get` per step");
    ROWS.put("spring_retry", "Spring `RetryTemplate.execute` per step");
    ROWS.put(
        "tta_retryTimeout_async",
        "generated, `@Retry @Timeout` on each async step; a deadline armed and disarmed per step"
            + " (one shared timer), completed on the same thread (trampoline)");
    ROWS.put(
        "failsafe_retryTimeout",
        "Failsafe `RetryPolicy`+`Timeout`, sync `get` per step; a timer armed per step, no hand-off");
    ROWS.put("tta_cachedHit", "generated, class-level `@Cached`, hit, `run(key)`");
    ROWS.put("caffeine_hit", "Caffeine `getIfPresent`, same settings, warm key");
    ROWS.put("handOff_1step", "`supplyAsync(step, defaultExecutor).join()`, the floor");
    ROWS.put("tta_timeout_sync_1step", "generated, one sync step with `@Timeout`, `run(x)`");
    ROWS.put(
        "r4j_timeLimiter_1step", "Resilience4j `TimeLimiter` on `supplyAsync` (same executor)");
    ROWS.put("handOff_3steps", "3 × `supplyAsync(step, defaultExecutor).join()`");
    ROWS.put("tta_retryTimeout_sync", "generated, `@Retry @Timeout` on each of 3 sync steps");
    ROWS.put(
        "r4j_retryTimeLimiter", "Resilience4j `Retry`+`TimeLimiter` on `supplyAsync`, per step");
    ROWS.put(
        "ctx_create", "part: `WorkflowContext.create(name)`, made by a run through the primitives");
    ROWS.put(
        "tta_plain_execute",
        "part: no-policy workflow through the primitives, `execute(x, context).join()`, context"
            + " made once");
    ROWS.put(
        "timer_armDisarm",
        "reference: default scheduler, arm a 1 s timer and cancel it (timer thread woken)");
    ROWS.put(
        "timer_armDisarm_noWakeup",
        "reference: the same behind an earlier pending timer (no wake-up)");
    ROWS.put("tta_circuitBreaker", "generated, one step with `@CircuitBreaker` (closed): `run(x)`");
    ROWS.put("prim_circuitBreaker", "`CircuitBreakerPrimitive` by hand: `execute(x, context)`");
    ROWS.put("r4j_circuitBreaker", "Resilience4j `CircuitBreaker.executeSupplier`, same settings");
    ROWS.put("tta_bulkhead", "generated, one step with `@Bulkhead` (a free slot): `run(x)`");
    ROWS.put("prim_bulkhead", "`BulkheadPrimitive` by hand: `execute(x, context)`");
    ROWS.put("r4j_bulkhead", "Resilience4j `Bulkhead.executeSupplier` (semaphore), same size");
    ROWS.put("tta_rateLimit", "generated, one step with `@RateLimit` (a permit free): `run(x)`");
    ROWS.put("prim_rateLimit", "`RateLimitPrimitive` by hand: `execute(x, context)`");
    ROWS.put("tta_hedge", "generated, one step with `@Hedge` (answers before the delay): `run(x)`");
    ROWS.put("r4j_rateLimiter", "Resilience4j `RateLimiter.executeSupplier`, same limit");
    ROWS.put(
        "tta_retry_primitives",
        "generated, `@Retry` on each of 3 steps, through the primitives (a no-op listener), no"
            + " interceptor");
    ROWS.put(
        "tta_retry_otelTracing",
        "the same with `OpenTelemetryTracing` on the SDK (spans dropped by a no-op processor)");
    ROWS.put(
        "tta_retry_micrometer", "the same with `MicrometerMetrics` on a `SimpleMeterRegistry`");
    ROWS.put(
        "otel_spansByHand",
        "reference: the 4 spans of a traced run made by hand with the SDK, around plain calls");
    ROWS.put(
        "r4j_retry_micrometer",
        "Resilience4j `Retry` per step, its registry bound by `TaggedRetryMetrics`");
    ROWS.put(
        "r4j_retry_micrometerTimers",
        "the same with a Micrometer `Timer` around each step and the run (what ours records)");
    ROWS.put(
        "tta_durable",
        "generated `@Durable`, 3 steps as activities (`@Retry`, `@Timeout`) on Temporal's test"
            + " server: `new …Temporal(client).run(x)`");
    ROWS.put(
        "temporal_byHand",
        "the same workflow written by hand with the Temporal SDK, same activity options: typed"
            + " stub per run, `stub.run(x)`");
    ROWS.put("tta_fanOut_default", "generated for-each, 100 × 10 ms sleep, default executor");
    ROWS.put("bare_fanOut_default", "100 × `supplyAsync` + `allOf`, default executor");
    ROWS.put("tta_fanOut_virtual", "generated for-each, virtual-thread-per-task executor");
    ROWS.put("bare_fanOut_virtual", "100 × `supplyAsync` + `allOf`, virtual-thread executor");
  }

  private final Map<String, RunResult> byName = new LinkedHashMap<>();
  private final boolean shortMode;
  private final String loadBefore;

  private final List<PairedHandOff.Medians> paired;

  private final List<PairedDurable.Medians> durable;

  private Report(
      Collection<RunResult> results,
      boolean shortMode,
      String loadBefore,
      List<PairedHandOff.Medians> paired,
      List<PairedDurable.Medians> durable) {
    for (RunResult result : results) {
      String benchmark = result.getParams().getBenchmark();
      byName.put(benchmark.substring(benchmark.lastIndexOf('.') + 1), result);
    }
    this.shortMode = shortMode;
    this.loadBefore = loadBefore;
    this.paired = List.copyOf(paired);
    this.durable = List.copyOf(durable);
  }

  static Report of(
      Collection<RunResult> results,
      boolean shortMode,
      String loadBefore,
      List<PairedHandOff.Medians> paired,
      List<PairedDurable.Medians> durable) {
    return new Report(results, shortMode, loadBefore, paired, durable);
  }

  /** The 1-minute load average, where the OS tells it: other work on the machine skews times. */
  static String loadAverage() {
    try {
      String line = Files.readString(Path.of("/proc/loadavg")).trim();
      return line.substring(0, line.indexOf(' '));
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  String markdown() {
    StringBuilder out = new StringBuilder();
    machine(out);
    out.append('\n');
    out.append("| row | what it measures | time/op | ± (99.9%) | B/op |\n");
    out.append("|---|---|---:|---:|---:|\n");
    for (Map.Entry<String, String> row : ROWS.entrySet()) {
      RunResult result = byName.get(row.getKey());
      if (result == null) {
        continue;
      }
      Result<?> primary = result.getPrimaryResult();
      double unit = nanosPer(primary.getScoreUnit());
      double error = primary.getScoreError();
      out.append("| `")
          .append(row.getKey())
          .append("` | ")
          .append(row.getValue())
          .append(" | ")
          .append(time(primary.getScore() * unit))
          .append(" | ")
          .append(Double.isNaN(error) ? "n/a" : time(error * unit))
          .append(" | ")
          .append(bytesText(row.getKey()))
          .append(" |\n");
    }
    for (String name : byName.keySet()) {
      if (!ROWS.containsKey(name)) {
        out.append("| `").append(name).append("` | (not in the report's list) | ");
        out.append(time(nanos(name))).append(" | | ").append(bytesText(name)).append(" |\n");
      }
    }
    out.append('\n');
    targets(out);
    return out.toString();
  }

  private void machine(StringBuilder out) {
    RunResult any = byName.values().stream().findFirst().orElse(null);
    if (any == null) {
      out.append("No results.\n");
      return;
    }
    BenchmarkParams params = any.getParams();
    out.append("JDK: ")
        .append(params.getVmName())
        .append(' ')
        .append(params.getVmVersion())
        .append(" (")
        .append(params.getJdkVersion())
        .append("); JMH ")
        .append(params.getJmhVersion())
        .append("; ")
        .append(cpu())
        .append(", ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores, ")
        .append(System.getProperty("os.name"))
        .append(' ')
        .append(System.getProperty("os.arch"))
        .append(".\n");
    out.append(shortMode ? "Short mode: " : "Mode: ")
        .append(forks())
        .append(", ")
        .append(params.getWarmup().getCount())
        .append(" × ")
        .append(params.getWarmup().getTime())
        .append(" warm-up, ")
        .append(params.getMeasurement().getCount())
        .append(" × ")
        .append(params.getMeasurement().getTime())
        .append(" measured; average time, 1 thread, `-prof gc`. Load average (1 min) ")
        .append(loadBefore)
        .append(" before, ")
        .append(loadAverage())
        .append(" after the run.\n");
  }

  /** The fork counts: one, or the most common and the others with their rows' benchmark class. */
  private String forks() {
    Map<Integer, Set<String>> classesByForks = new TreeMap<>();
    for (RunResult result : byName.values()) {
      String benchmark = result.getParams().getBenchmark();
      String owner = benchmark.substring(0, benchmark.lastIndexOf('.'));
      classesByForks
          .computeIfAbsent(result.getParams().getForks(), forks -> new TreeSet<>())
          .add(owner.substring(owner.lastIndexOf('.') + 1));
    }
    if (classesByForks.size() == 1) {
      return classesByForks.keySet().iterator().next() + " fork(s)";
    }
    StringBuilder text = new StringBuilder();
    for (Map.Entry<Integer, Set<String>> entry : classesByForks.entrySet()) {
      text.append(text.length() == 0 ? "" : ", ")
          .append(entry.getKey())
          .append(" fork(s) for ")
          .append(String.join(", ", entry.getValue()));
    }
    return text.toString();
  }

  private static String cpu() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines
          .filter(line -> line.startsWith("model name"))
          .map(line -> line.substring(line.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown CPU");
    } catch (IOException | RuntimeException e) {
      return "unknown CPU";
    }
  }

  private void targets(StringBuilder out) {
    out.append("| target | measured | ratio | limit | |\n");
    out.append("|---|---|---:|---:|---|\n");
    atMost(out, "no policy ≤ 2× CompletableFuture chain", "tta_plain", "cfChain", 2.0);
    atLeast(out, "`@Retry` ≥ 2× faster than Resilience4j Retry", "r4j_retry", "tta_retry", 2.0);
    atLeast(out, "`@Retry` ≥ 10× faster than Failsafe Retry", "failsafe_retry", "tta_retry", 10.0);
    atLeast(
        out,
        "`@Timeout` on an async step ≥ 5× faster than Failsafe Retry+Timeout",
        "failsafe_retryTimeout",
        "tta_retryTimeout_async",
        5.0);
    atMost(
        out,
        "`@Timeout` on a sync step ≤ 1.2× bare hand-off",
        "tta_timeout_sync_1step",
        "handOff_1step",
        1.2);
    atMost(
        out,
        "(3 steps) `@Retry @Timeout` sync ≤ 1.2× 3 bare hand-offs",
        "tta_retryTimeout_sync",
        "handOff_3steps",
        1.2);
    faster(
        out,
        "`@Timeout` on a sync step faster than Resilience4j TimeLimiter",
        "r4j_timeLimiter_1step",
        "tta_timeout_sync_1step");
    paired(
        out,
        "`@Timeout` on a sync step ≤ 1.2× bare hand-off, in turns",
        "tta/handOff",
        PairedHandOff.Medians::ttaOverHandOff,
        "≤ 1.2",
        ratio -> ratio <= 1.2);
    paired(
        out,
        "`@Timeout` on a sync step faster than Resilience4j TimeLimiter, in turns",
        "r4j/tta",
        PairedHandOff.Medians::r4jOverTta,
        "> 1",
        ratio -> ratio > 1.0);
    faster(
        out,
        "(3 steps) `@Retry @Timeout` sync faster than Resilience4j Retry+TimeLimiter",
        "r4j_retryTimeLimiter",
        "tta_retryTimeout_sync");
    atMost(out, "`@Cached` hit ≤ 2× Caffeine hit", "tta_cachedHit", "caffeine_hit", 2.0);
    atLeast(
        out,
        "`@CircuitBreaker` ≥ 2× faster than Resilience4j CircuitBreaker",
        "r4j_circuitBreaker",
        "tta_circuitBreaker",
        2.0);
    atLeast(
        out,
        "`@Bulkhead` ≥ 2× faster than Resilience4j Bulkhead",
        "r4j_bulkhead",
        "tta_bulkhead",
        2.0);
    atLeast(
        out,
        "`@RateLimit` ≥ 2× faster than Resilience4j RateLimiter",
        "r4j_rateLimiter",
        "tta_rateLimit",
        2.0);
    atMost(
        out,
        "tracing ≤ 2× the no-interceptor path",
        "tta_retry_otelTracing",
        "tta_retry_primitives",
        2.0);
    atMost(
        out,
        "metrics ≤ 2× the no-interceptor path",
        "tta_retry_micrometer",
        "tta_retry_primitives",
        2.0);
    atMost(
        out,
        "metrics ≤ 1× Resilience4j Retry with its Micrometer binding",
        "tta_retry_micrometer",
        "r4j_retry_micrometer",
        1.0);
    atMost(
        out,
        "metrics ≤ 1× the same with timers",
        "tta_retry_micrometer",
        "r4j_retry_micrometerTimers",
        1.0);
    atMost(
        out,
        "durable workflow ≤ 1.1× the same written by hand",
        "tta_durable",
        "temporal_byHand",
        1.1);
    durablePaired(out, "durable workflow ≤ 1.1× the same written by hand, in turns", 1.1);
    fanOut(out, "fan-out, default executor ≤ 2× 10 ms", "tta_fanOut_default", 2.0);
    fanOut(out, "fan-out, virtual threads ≤ 1.3× 10 ms", "tta_fanOut_virtual", 1.3);
    allocation(out);
    everyRowHasBytes(out);
  }

  private void atMost(StringBuilder out, String target, String ours, String theirs, double limit) {
    if (missing(out, target, ours, theirs)) {
      return;
    }
    double ratio = nanos(ours) / nanos(theirs);
    line(out, target, pair(ours, theirs), ratio, "≤ " + limit, ratio <= limit);
  }

  private void atLeast(StringBuilder out, String target, String theirs, String ours, double limit) {
    if (missing(out, target, theirs, ours)) {
      return;
    }
    double ratio = nanos(theirs) / nanos(ours);
    line(out, target, pair(theirs, ours), ratio, "≥ " + limit, ratio >= limit);
  }

  private void faster(StringBuilder out, String target, String theirs, String ours) {
    atLeastStrict(out, target, theirs, ours);
  }

  private void atLeastStrict(StringBuilder out, String target, String theirs, String ours) {
    if (missing(out, target, theirs, ours)) {
      return;
    }
    double ratio = nanos(theirs) / nanos(ours);
    line(out, target, pair(theirs, ours), ratio, "> 1", ratio > 1.0);
  }

  /**
   * A target decided by the {@link PairedHandOff} runs: the median of their ratios, and the range.
   */
  private void paired(
      StringBuilder out,
      String target,
      String what,
      ToDoubleFunction<PairedHandOff.Medians> ratioOf,
      String limit,
      DoublePredicate met) {
    if (paired.isEmpty()) {
      out.append("| ").append(target).append(" | not run | | | |\n");
      return;
    }
    double[] ratios = paired.stream().mapToDouble(ratioOf).sorted().toArray();
    double median = ratios[ratios.length / 2];
    String measured =
        String.format(
            Locale.ROOT,
            "`PairedHandOff`, %d runs: %s %.2f–%.2f",
            ratios.length,
            what,
            ratios[0],
            ratios[ratios.length - 1]);
    line(out, target, measured, median, limit, met.test(median));
  }

  /**
   * The durable target decided by the {@link PairedDurable} runs: the median of their medians of
   * the rounds' ratios, the range of those, and the runs' median times.
   */
  private void durablePaired(StringBuilder out, String target, double limit) {
    if (durable.isEmpty()) {
      out.append("| ").append(target).append(" | not run | | | |\n");
      return;
    }
    double[] ratios = durable.stream().mapToDouble(PairedDurable.Medians::ratio).sorted().toArray();
    double median = ratios[ratios.length / 2];
    StringBuilder times = new StringBuilder();
    for (PairedDurable.Medians m : durable) {
      times
          .append(times.length() == 0 ? "" : ", ")
          .append(time(m.durable()))
          .append(" / ")
          .append(time(m.byHand()));
    }
    String measured =
        String.format(
            Locale.ROOT,
            "`PairedDurable`, %d runs (tta/byHand %s): ratios %.2f–%.2f",
            ratios.length,
            times,
            ratios[0],
            ratios[ratios.length - 1]);
    line(out, target, measured, median, "≤ " + limit, median <= limit);
  }

  private void fanOut(StringBuilder out, String target, String ours, double limit) {
    if (missing(out, target, ours, ours)) {
      return;
    }
    double ratio = nanos(ours) / TimeUnit.MILLISECONDS.toNanos(10);
    line(out, target, "`" + ours + "` / 10 ms", ratio, "≤ " + limit, ratio <= limit);
  }

  private void allocation(StringBuilder out) {
    String target = "no-policy B/op ≤ CompletableFuture chain + one future (24 B) per step";
    if (missing(out, target, "tta_plain", "cfChain")
        || Double.isNaN(bytes("tta_plain"))
        || Double.isNaN(bytes("cfChain"))) {
      return;
    }
    double allowed = bytes("cfChain") + 3 * FUTURE_BYTES;
    double ours = bytes("tta_plain");
    out.append("| ")
        .append(target)
        .append(" | `tta_plain` ")
        .append(format(ours))
        .append(" B vs `cfChain` ")
        .append(format(bytes("cfChain")))
        .append(" + 72 B | ")
        .append(format(ours))
        .append(" B | ≤ ")
        .append(format(allowed))
        .append(" B | ")
        .append(ours <= allowed ? "met" : "**missed**")
        .append(" |\n");
  }

  private void everyRowHasBytes(StringBuilder out) {
    long without = byName.keySet().stream().filter(name -> Double.isNaN(bytes(name))).count();
    out.append("| B/op reported for every row | ")
        .append(byName.size() - without)
        .append(" of ")
        .append(byName.size())
        .append(" rows | | | ")
        .append(without == 0 ? "met" : "**missed**")
        .append(" |\n");
  }

  private boolean missing(StringBuilder out, String target, String a, String b) {
    if (byName.containsKey(a) && byName.containsKey(b)) {
      return false;
    }
    out.append("| ").append(target).append(" | not run | | | |\n");
    return true;
  }

  private String pair(String numerator, String denominator) {
    return "`"
        + numerator
        + "` "
        + time(nanos(numerator))
        + " / `"
        + denominator
        + "` "
        + time(nanos(denominator));
  }

  private static void line(
      StringBuilder out, String target, String measured, double ratio, String limit, boolean met) {
    out.append("| ")
        .append(target)
        .append(" | ")
        .append(measured)
        .append(" | ")
        .append(String.format(Locale.ROOT, "%.2f×", ratio))
        .append(" | ")
        .append(limit)
        .append("× | ")
        .append(met ? "met" : "**missed**")
        .append(" |\n");
  }

  private double nanos(String name) {
    Result<?> primary = byName.get(name).getPrimaryResult();
    return primary.getScore() * nanosPer(primary.getScoreUnit());
  }

  private double bytes(String name) {
    Result<?> norm = byName.get(name).getSecondaryResults().get("gc.alloc.rate.norm");
    return norm == null ? Double.NaN : norm.getScore();
  }

  private String bytesText(String name) {
    double bytes = bytes(name);
    return Double.isNaN(bytes) ? "n/a" : format(bytes);
  }

  private static double nanosPer(String unit) {
    String perOp = unit.substring(0, unit.indexOf('/'));
    switch (perOp) {
      case "ns":
        return 1;
      case "us":
        return 1e3;
      case "ms":
        return 1e6;
      case "s":
        return 1e9;
      default:
        throw new IllegalArgumentException("unit " + unit);
    }
  }

  private static String time(double nanos) {
    if (nanos < 10_000) {
      return String.format(Locale.ROOT, "%.1f ns", nanos);
    }
    if (nanos < 10_000_000) {
      return String.format(Locale.ROOT, "%.2f µs", nanos / 1e3);
    }
    return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
  }

  private static String format(double bytes) {
    return bytes < 0.5 ? "0" : String.format(Locale.ROOT, "%.0f", bytes);
  }
}

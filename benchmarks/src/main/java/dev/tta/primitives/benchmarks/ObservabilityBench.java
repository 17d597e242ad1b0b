package dev.tta.primitives.benchmarks;

import dev.tta.primitives.WorkflowListener;
import dev.tta.primitives.WorkflowRuntime;
import dev.tta.primitives.micrometer.MicrometerMetrics;
import dev.tta.primitives.opentelemetry.OpenTelemetryTracing;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongUnaryOperator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What observing a run costs: the three-step {@code @Retry} workflow ({@link Workflows.Retried},
 * every first attempt succeeds) through the primitives with no interceptor (a no-op listener takes
 * the run there, as any interceptor does), with OpenTelemetry tracing on the SDK (every span
 * sampled and recorded, then dropped by a no-op processor), and with Micrometer metrics on a {@code
 * SimpleMeterRegistry}; against Resilience4j {@code Retry} around each step with its Micrometer
 * binding ({@code TaggedRetryMetrics}), and the same with a Micrometer {@code Timer} around each
 * step and the run, which records what ours records.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(2)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class ObservabilityBench {

  /** The input of the next operation. */
  @State(Scope.Thread)
  public static class Input {
    long x;

    long next() {
      return x++;
    }
  }

  /** The generated workflow on three runtimes, and the SDK behind the traced one. */
  @State(Scope.Thread)
  public static class Tta {
    Workflows_RetriedWorkflow primitives;
    Workflows_RetriedWorkflow traced;
    Workflows_RetriedWorkflow measured;
    OpenTelemetrySdk openTelemetry;

    @Setup
    public void setUp() {
      WorkflowRuntime withListener =
          WorkflowRuntime.builder().listener(new WorkflowListener() {}).build();
      primitives = new Workflows_RetriedWorkflow(new Workflows.Retried(), withListener);
      openTelemetry =
          OpenTelemetrySdk.builder()
              .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(new Drop()).build())
              .build();
      traced =
          new Workflows_RetriedWorkflow(
              new Workflows.Retried(),
              WorkflowRuntime.builder()
                  .interceptor(OpenTelemetryTracing.create(openTelemetry))
                  .build());
      measured =
          new Workflows_RetriedWorkflow(
              new Workflows.Retried(),
              WorkflowRuntime.builder()
                  .interceptor(MicrometerMetrics.create(new SimpleMeterRegistry()))
                  .build());
      Checks.check(primitives.run(1L) == 4L, "wrong result");
      Checks.check(traced.run(1L) == 4L && measured.run(1L) == 4L, "wrong result");
    }

    @TearDown
    public void tearDown() {
      openTelemetry.close();
    }
  }

  /**
   * The spans tracing makes, by hand: what the SDK alone costs for a run span and three step spans
   * with the same attributes, each step's made current around its call.
   */
  @State(Scope.Thread)
  public static class ByHand {
    OpenTelemetrySdk openTelemetry;
    Tracer tracer;

    @Setup
    public void setUp() {
      openTelemetry =
          OpenTelemetrySdk.builder()
              .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(new Drop()).build())
              .build();
      tracer = openTelemetry.getTracer("by-hand");
    }

    @TearDown
    public void tearDown() {
      openTelemetry.close();
    }

    long step(Context run, String name, long x, LongUnaryOperator body) {
      Span span =
          tracer
              .spanBuilder(name)
              .setParent(run)
              .setAttribute(WORKFLOW, "Retried")
              .setAttribute(STEP, name)
              .startSpan();
      long result;
      io.opentelemetry.context.Scope scope = run.with(span).makeCurrent();
      try {
        result = body.applyAsLong(x);
      } finally {
        scope.close();
      }
      span.setAttribute(ATTEMPTS, 1L);
      span.end();
      return result;
    }
  }

  private static final AttributeKey<String> WORKFLOW = AttributeKey.stringKey("tta.workflow");
  private static final AttributeKey<String> STEP = AttributeKey.stringKey("tta.step");
  private static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("tta.attempts");

  /**
   * Resilience4j's retries from one registry bound to Micrometer, and timers for the second row.
   */
  @State(Scope.Thread)
  public static class Peer {
    Retry r4j1;
    Retry r4j2;
    Retry r4j3;
    Timer run;
    Timer step1;
    Timer step2;
    Timer step3;

    @Setup
    public void setUp() {
      MeterRegistry registry = new SimpleMeterRegistry();
      RetryRegistry retries = RetryRegistry.ofDefaults();
      r4j1 = retries.retry("first", Peers.r4jRetry("first").getRetryConfig());
      r4j2 = retries.retry("second", Peers.r4jRetry("second").getRetryConfig());
      r4j3 = retries.retry("third", Peers.r4jRetry("third").getRetryConfig());
      TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(registry);
      run = Timer.builder("run").tag("workflow", "Retried").register(registry);
      step1 = Timer.builder("step").tag("step", "first").register(registry);
      step2 = Timer.builder("step").tag("step", "second").register(registry);
      step3 = Timer.builder("step").tag("step", "third").register(registry);
    }
  }

  /** Keeps no span: what tracing costs before an exporter. */
  static final class Drop implements SpanProcessor {
    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {}

    @Override
    public boolean isEndRequired() {
      return false;
    }
  }

  /** Through the primitives, no interceptor. */
  @Benchmark
  public long tta_retry_primitives(Tta tta, Input in) {
    return tta.primitives.run(in.next());
  }

  /** Through the primitives with {@code OpenTelemetryTracing}: four spans a run. */
  @Benchmark
  public long tta_retry_otelTracing(Tta tta, Input in) {
    return tta.traced.run(in.next());
  }

  /** Through the primitives with {@code MicrometerMetrics}: four timer records a run. */
  @Benchmark
  public long tta_retry_micrometer(Tta tta, Input in) {
    return tta.measured.run(in.next());
  }

  /** The SDK's spans by hand, around plain calls: the floor of {@code tta_retry_otelTracing}. */
  @Benchmark
  public long otel_spansByHand(ByHand h, Input in) {
    Span run =
        h.tracer
            .spanBuilder("Retried")
            .setParent(Context.current())
            .setAttribute(WORKFLOW, "Retried")
            .startSpan();
    Context context = Context.current().with(run);
    long a = h.step(context, "first", in.next(), Peers::first);
    long b = h.step(context, "second", a, Peers::second);
    long c = h.step(context, "third", b, Peers::third);
    run.end();
    return c;
  }

  /** Resilience4j {@code Retry} around each step, bound to Micrometer. */
  @Benchmark
  public long r4j_retry_micrometer(Peer p, Input in) {
    long a = in.next();
    long b = p.r4j1.executeSupplier(() -> Peers.first(a));
    long c = p.r4j2.executeSupplier(() -> Peers.second(b));
    return p.r4j3.executeSupplier(() -> Peers.third(c));
  }

  /** The same, with a timer around each step and the run: the meters ours records. */
  @Benchmark
  public long r4j_retry_micrometerTimers(Peer p, Input in) {
    long a = in.next();
    return p.run.record(
        () -> {
          long b = p.step1.record(() -> p.r4j1.executeSupplier(() -> Peers.first(a)));
          long c = p.step2.record(() -> p.r4j2.executeSupplier(() -> Peers.second(b)));
          return p.step3.record(() -> p.r4j3.executeSupplier(() -> Peers.third(c)));
        });
  }
}

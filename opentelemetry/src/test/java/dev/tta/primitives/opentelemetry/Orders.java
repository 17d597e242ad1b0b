package dev.tta.primitives.opentelemetry;

import dev.tta.primitives.annotations.Cached;
import dev.tta.primitives.annotations.Fallback;
import dev.tta.primitives.annotations.Parallel;
import dev.tta.primitives.annotations.Retry;
import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Timeout;
import dev.tta.primitives.annotations.Workflow;
import io.opentelemetry.api.trace.Span;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A workflow with every kind of step call a trace must show: a retried step, two parallel branches
 * (one timed, so it runs on the executor), a for-each, a fallback, a cached step and a step that
 * runs a nested workflow. Each step notes the span current where it runs.
 */
@Workflow
public class Orders {

  /** The span id current in each step call, by step (and element). */
  final Map<String, String> spanIn = new ConcurrentHashMap<>();

  final AtomicInteger loads = new AtomicInteger();
  NotifyWorkflow notify;

  private void note(String call) {
    spanIn.put(call, Span.current().getSpanContext().getSpanId());
  }

  @Step
  @Retry(max = 3, delay = "10ms", jitter = 0.0, abortOn = IllegalArgumentException.class)
  String load(String id) throws IOException {
    note("load#" + loads.incrementAndGet());
    if (id.equals("bad")) {
      throw new IllegalArgumentException("no order " + id);
    }
    if (loads.get() == 1) {
      throw new IOException("disk busy");
    }
    return id;
  }

  @Parallel
  String price(String order) {
    note("price");
    return "9.99";
  }

  @Parallel
  @Timeout("30s")
  String stock(String order) {
    note("stock");
    return "3";
  }

  @Step
  List<String> items(String price, String stock) {
    note("items");
    return List.of("a", "b", "c");
  }

  @Parallel(forEach = true, maxConcurrency = 2)
  String pack(String item) {
    note("pack " + item);
    return item.toUpperCase();
  }

  @Step
  @Fallback("plainLabel")
  String label(List<String> packed) {
    note("label");
    throw new IllegalStateException("printer offline");
  }

  String plainLabel(List<String> packed, Throwable cause) {
    note("plainLabel");
    return String.join("", packed);
  }

  @Step
  @Cached
  String rate(String label) {
    note("rate");
    return label + "@5";
  }

  @Step
  String send(String rated) {
    note("send");
    return notify.run(rated);
  }
}

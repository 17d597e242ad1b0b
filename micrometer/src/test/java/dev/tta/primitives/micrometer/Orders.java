package dev.tta.primitives.micrometer;

import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.annotations.Cached;
import dev.tta.primitives.annotations.Fallback;
import dev.tta.primitives.annotations.Parallel;
import dev.tta.primitives.annotations.Retry;
import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Timeout;
import dev.tta.primitives.annotations.Workflow;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The workflow the tests observe: a retried step that fails once, two parallel branches, a for-each
 * stage under a timeout, a step that falls back, a cached step and a step that runs the nested
 * {@link Shipping} workflow twice (once by thread, once given its context).
 */
@Workflow
class Orders {

  /** Called first thing in every step method (and the fallback method), where it runs. */
  interface Probe {
    void at(String step, Object input);
  }

  private final Probe probe;
  private final ShippingWorkflow shipping;
  private final AtomicInteger loads = new AtomicInteger();

  Orders(Probe probe, ShippingWorkflow shipping) {
    this.probe = probe;
    this.shipping = shipping;
  }

  @Step
  @Retry(max = 2, delay = "10ms", jitter = 0, retryOn = IOException.class)
  String load(String id) throws IOException {
    probe.at("load", id);
    if (loads.getAndIncrement() == 0) {
      throw new IOException("the first load fails");
    }
    return id;
  }

  @Parallel
  int price(String order) {
    probe.at("price", order);
    return 10;
  }

  @Parallel
  int stock(String order) {
    probe.at("stock", order);
    return 3;
  }

  @Step
  List<String> lines(int price, int stock) {
    return List.of("a", "b", "c");
  }

  @Parallel(forEach = true, maxConcurrency = 2)
  @Timeout("30s")
  String pack(String line) {
    probe.at("pack", line);
    return line.toUpperCase(Locale.ROOT);
  }

  @Step
  @Fallback("noLabel")
  String label(List<String> packed) {
    probe.at("label", packed);
    throw new IllegalStateException("no printer");
  }

  String noLabel(List<String> packed, Throwable cause) {
    probe.at("noLabel", packed);
    return String.join("", packed);
  }

  @Step
  @Cached
  String rate(String label) {
    probe.at("rate", label);
    return label + "@5";
  }

  @Step
  String ship(String rate, WorkflowContext context) {
    probe.at("ship", rate);
    return shipping.run(rate) + ", " + shipping.run(rate, context);
  }
}

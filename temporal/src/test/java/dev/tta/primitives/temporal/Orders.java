package dev.tta.primitives.temporal;

import dev.tta.primitives.annotations.Durable;
import dev.tta.primitives.annotations.Fallback;
import dev.tta.primitives.annotations.Parallel;
import dev.tta.primitives.annotations.Retry;
import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Timeout;
import dev.tta.primitives.annotations.Workflow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A durable workflow with every stage kind: a retried step, parallel branches (one with a
 * fallback), a fan-in step, a bounded for-each and a last step. Counts every call, by step.
 */
@Workflow(name = "Orders")
@Durable
public class Orders {

  /** An order: its id and its lines. */
  public record Order(String id, List<String> lines) {}

  /** What the run yields. */
  public record Receipt(String id, long total, int stock, List<String> packed) {}

  final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  volatile int loadFailures = 2;
  volatile boolean stockDown = true;

  int calls(String step) {
    AtomicInteger n = calls.get(step);
    return n == null ? 0 : n.get();
  }

  private int count(String step) {
    return calls.computeIfAbsent(step, s -> new AtomicInteger()).incrementAndGet();
  }

  @Step
  @Retry(max = 3, delay = "1s", backoff = 2.0, abortOn = IllegalArgumentException.class)
  @Timeout("5s")
  public Order load(String id) throws IOException {
    int call = count("load");
    if (id.isBlank()) {
      throw new IllegalArgumentException("no order id");
    }
    if (call <= loadFailures) {
      throw new IOException("order store unavailable (call " + call + ")");
    }
    List<String> lines = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      lines.add(id + "-line" + i);
    }
    return new Order(id, lines);
  }

  @Parallel
  public Order checked(Order order) {
    count("checked");
    return order;
  }

  @Parallel
  public long price(Order order) {
    count("price");
    return 100L * order.lines().size();
  }

  @Parallel
  @Fallback(value = "noStock", applyOn = Exception.class)
  public int stock(Order order) throws IOException {
    count("stock");
    if (stockDown) {
      throw new IOException("stock service down");
    }
    return 7;
  }

  public int noStock(Order order, Exception cause) {
    count("noStock");
    return cause.getMessage().contains("stock service down") ? -1 : -2;
  }

  @Step
  public List<String> lines(Order order, long price, int stock) {
    count("lines");
    List<String> lines = new ArrayList<>();
    for (String line : order.lines()) {
      lines.add(line + " at " + price + " stock " + stock);
    }
    return lines;
  }

  /** The most pack calls in flight at once. */
  final AtomicInteger mostPacking = new AtomicInteger();

  private final AtomicInteger packing = new AtomicInteger();

  // Two calls meet here, so that a bound of 2 is reached; a third in flight would push past it.
  private final CyclicBarrier pairs = new CyclicBarrier(2);

  @Parallel(forEach = true, maxConcurrency = 2)
  public String pack(String line) throws InterruptedException {
    count("pack");
    int now = packing.incrementAndGet();
    mostPacking.accumulateAndGet(now, Math::max);
    try {
      pairs.await(10, TimeUnit.SECONDS);
    } catch (BrokenBarrierException | TimeoutException e) {
      // Only one call came (an in-process run, or a serial one): go on alone.
      pairs.reset();
    } finally {
      packing.decrementAndGet();
    }
    return "packed " + line;
  }

  @Step
  public Receipt receipt(List<String> packed) {
    count("receipt");
    return new Receipt(packed.get(0), packed.size(), packed.size(), packed);
  }
}

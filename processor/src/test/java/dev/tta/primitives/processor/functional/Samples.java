package dev.tta.primitives.processor.functional;

import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.annotations.Parallel;
import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Workflow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Workflows the functional tests run; nested and package-private on purpose. */
final class Samples {
  private Samples() {}

  /** Three blocking branches that only finish if they run at the same time. */
  @Workflow
  static class Meeting {
    final CountDownLatch allThere = new CountDownLatch(3);

    private String arrive(String who) throws InterruptedException {
      allThere.countDown();
      if (!allThere.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException(who + " waited alone");
      }
      return who;
    }

    @Parallel
    String alice(String topic) throws InterruptedException {
      return arrive("alice:" + topic);
    }

    @Parallel
    String bob(String topic) throws InterruptedException {
      return arrive("bob:" + topic);
    }

    @Parallel
    String carol(String topic) throws InterruptedException {
      return arrive("carol:" + topic);
    }
  }

  /** A for-each with a bound; records the peak number of elements in flight. */
  @Workflow(name = "Squares")
  static class Bounded {
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger peak = new AtomicInteger();

    @Step
    int[] numbers(int count) {
      int[] numbers = new int[count];
      for (int i = 0; i < count; i++) {
        numbers[i] = i;
      }
      return numbers;
    }

    @Parallel(forEach = true, maxConcurrency = 3)
    long square(long n) throws InterruptedException {
      peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      Thread.sleep(5);
      inFlight.decrementAndGet();
      return n * n;
    }
  }

  /** Void steps, a step without parameters, and the context. */
  @Workflow
  static class Effects {
    final List<String> log = new ArrayList<>();

    @Step
    void start(String message, WorkflowContext context) {
      log.add(context.workflowName() + ":" + message + ":" + context.metadata().get("user"));
    }

    @Step
    void finish() {
      log.add("finished");
    }
  }

  /** Several run parameters, generic types, async and sync mixed, primitives widened. */
  @Workflow
  static class Inventory {
    @Step
    CompletionStage<Map<String, List<Integer>>> load(String shop, int copies) {
      Map<String, List<Integer>> stock = new LinkedHashMap<>();
      stock.put(shop + "-apples", List.of(3 * copies, 4 * copies));
      stock.put(shop + "-pears", List.of(copies));
      return CompletableFuture.supplyAsync(() -> stock);
    }

    @Parallel
    int items(Map<String, List<Integer>> stock) {
      return stock.values().stream().mapToInt(List::size).sum();
    }

    @Parallel
    CompletableFuture<Integer> units(Map<String, List<Integer>> stock) {
      return CompletableFuture.completedFuture(
          stock.values().stream().flatMap(List::stream).mapToInt(Integer::intValue).sum());
    }

    @Step
    long summary(long items, long units) {
      return items * 1000 + units;
    }
  }

  /** Fan-in of a parallel group into one collection. */
  @Workflow
  static class FanIn {
    @Parallel
    Integer first(String s) {
      return s.length();
    }

    @Parallel
    Long second(String s) {
      return (long) s.hashCode() % 10;
    }

    @Step
    String join(Collection<? extends Number> all) {
      return all.toString();
    }
  }

  /** A step that fails with a checked exception. */
  @Workflow
  static class Failing {
    @Step
    String read(String path) throws IOException {
      throw new IOException("cannot read " + path);
    }

    @Step
    int length(String text) {
      return text.length();
    }
  }

  /** A step declaring Throwable, which a lambda cannot rethrow as is. */
  @Workflow
  static class ThrowsThrowable {
    @Step
    String risky(String in) throws Throwable {
      if (in.isEmpty()) {
        throw new Throwable("empty");
      }
      return in;
    }
  }

  /** A workflow whose step runs another generated workflow in the same run. */
  @Workflow
  static class Outer {
    private final Samples_FanInWorkflow inner = new Samples_FanInWorkflow(new FanIn());

    @Step
    String trim(String s) {
      return s.trim();
    }

    @Step
    CompletableFuture<String> nested(String s, WorkflowContext context) {
      return inner.execute(s, context);
    }

    @Step
    static String shout(String s) {
      return s.toUpperCase(java.util.Locale.ROOT);
    }
  }
}

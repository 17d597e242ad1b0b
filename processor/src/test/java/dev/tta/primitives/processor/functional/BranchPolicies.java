package dev.tta.primitives.processor.functional;

import dev.tta.primitives.annotations.Fallback;
import dev.tta.primitives.annotations.Parallel;
import dev.tta.primitives.annotations.Retry;
import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Timeout;
import dev.tta.primitives.annotations.Workflow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Workflows with policies on parallel branches and for-each elements, for BranchPoliciesTest. */
final class BranchPolicies {
  private BranchPolicies() {}

  private static List<String> split(String csv) {
    return List.of(csv.split(","));
  }

  /** A retried branch that fails twice, then succeeds, beside a branch without policies. */
  @Workflow
  static class FlakyBranch {
    final AtomicInteger flakyCalls = new AtomicInteger();
    final AtomicInteger steadyCalls = new AtomicInteger();

    @Parallel
    @Retry(max = 3, delay = "1ms", jitter = 0.0)
    String flaky(String in) throws IOException {
      int call = flakyCalls.incrementAndGet();
      if (call < 3) {
        throw new IOException("flaky call " + call);
      }
      return "flaky:" + in;
    }

    @Parallel
    String steady(String in) {
      steadyCalls.incrementAndGet();
      return "steady:" + in;
    }
  }

  /** A for-each element under a 200ms deadline; element "hang" blocks, deaf to interrupts. */
  @Workflow
  static class HangingElement {
    /** Opened by the test, in a finally block: ends the hang. */
    final CountDownLatch release = new CountDownLatch(1);

    final CountDownLatch interrupted = new CountDownLatch(1);
    final CountDownLatch hangEnded = new CountDownLatch(1);

    @Step
    List<String> items(String csv) {
      return split(csv);
    }

    @Parallel(forEach = true)
    @Timeout("200ms")
    String fetch(String item) {
      if (!item.equals("hang")) {
        return item.toUpperCase(Locale.ROOT);
      }
      try {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
          try {
            if (release.await(end - System.nanoTime(), TimeUnit.NANOSECONDS)) {
              break;
            }
          } catch (InterruptedException e) {
            interrupted.countDown(); // and carry on: deliberately deaf to interruption
          }
        }
        return "late";
      } finally {
        hangEnded.countDown();
      }
    }
  }

  /** A retried for-each step whose every element fails on its first call; broken ones always. */
  @Workflow
  static class FlakyElements {
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    final Set<String> broken = ConcurrentHashMap.newKeySet();

    @Step
    List<String> items(String csv) {
      return split(csv);
    }

    // max = 2: enough for one failure per element, not if the attempts were shared.
    @Parallel(forEach = true)
    @Retry(max = 2, delay = "1ms", jitter = 0.0)
    String fetch(String item) throws IOException {
      int call = calls.computeIfAbsent(item, k -> new AtomicInteger()).incrementAndGet();
      if (call == 1 || broken.contains(item)) {
        throw new IOException("call " + call + " of " + item);
      }
      return item.toUpperCase(Locale.ROOT);
    }
  }

  /** A for-each step whose fallback stands in for the elements that fail to parse. */
  @Workflow
  static class PartialElements {
    final List<String> parsed = Collections.synchronizedList(new ArrayList<>());
    final List<IllegalArgumentException> causes = Collections.synchronizedList(new ArrayList<>());

    @Step
    List<String> items(String csv) {
      return split(csv);
    }

    @Parallel(forEach = true)
    @Fallback(value = "placeholder", applyOn = IllegalArgumentException.class)
    String parse(String item) {
      parsed.add(item);
      if (item.startsWith("bad")) {
        throw new IllegalArgumentException("cannot parse " + item);
      }
      return item.toUpperCase(Locale.ROOT);
    }

    String placeholder(String item, IllegalArgumentException cause) {
      causes.add(cause);
      return "?" + item;
    }
  }

  /** An async step under retry and a per-attempt deadline; the test completes its attempts. */
  @Workflow
  static class AsyncAttempts {
    final List<CompletableFuture<String>> attempts = new CopyOnWriteArrayList<>();

    @Step
    @Retry(max = 3, delay = "100ms", backoff = 1.0, jitter = 0.0)
    @Timeout("1s")
    CompletableFuture<String> ask(String question) {
      CompletableFuture<String> answer = new CompletableFuture<>();
      attempts.add(answer);
      return answer;
    }
  }

  /** Async for-each elements one at a time, each under its own 1s deadline. */
  @Workflow
  static class SlowElements {
    final List<CompletableFuture<Integer>> started = new CopyOnWriteArrayList<>();

    @Step
    List<String> items(String csv) {
      return split(csv);
    }

    @Parallel(forEach = true, maxConcurrency = 1)
    @Timeout("1s")
    CompletableFuture<Integer> measure(String item) {
      CompletableFuture<Integer> size = new CompletableFuture<>();
      started.add(size);
      return size;
    }
  }
}

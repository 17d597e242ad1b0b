package dev.tta.primitives.processor.functional;

import dev.tta.primitives.annotations.Bulkhead;
import dev.tta.primitives.annotations.CircuitBreaker;
import dev.tta.primitives.annotations.Hedge;
import dev.tta.primitives.annotations.Parallel;
import dev.tta.primitives.annotations.RateLimit;
import dev.tta.primitives.annotations.Retry;
import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Timeout;
import dev.tta.primitives.annotations.Workflow;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Workflows with {@code @CircuitBreaker}, {@code @Bulkhead}, {@code @RateLimit} and {@code @Hedge}
 * on a step, a parallel branch, a for-each element and the class, for MorePoliciesTest.
 */
final class MorePolicies {
  private MorePolicies() {}

  /** How long a held call waits for the test before giving up: far beyond any test's run. */
  static final long PATIENCE_SECONDS = 30;

  /** Fails with an IOException on "fail...", an IllegalArgumentException on "skip...". */
  @Workflow
  static class Breaker {
    final AtomicInteger calls = new AtomicInteger();

    @Step
    @CircuitBreaker(
        window = 4,
        minimumCalls = 2,
        failureRate = 0.5,
        openFor = "1m",
        halfOpenCalls = 1,
        skipOn = IllegalArgumentException.class)
    String call(String in) throws IOException {
      calls.incrementAndGet();
      if (in.startsWith("fail")) {
        throw new IOException(in);
      }
      if (in.startsWith("skip")) {
        throw new IllegalArgumentException(in);
      }
      return "ok:" + in;
    }
  }

  /** Always fails: the breaker inside the retry opens after two attempts. */
  @Workflow
  static class RetriedBreaker {
    final AtomicInteger calls = new AtomicInteger();

    @Step
    @Retry(max = 5, delay = "0ms", jitter = 0.0)
    @CircuitBreaker(window = 2, minimumCalls = 2, failureRate = 1.0)
    String call(String in) throws IOException {
      calls.incrementAndGet();
      throw new IOException("down");
    }
  }

  /**
   * One call at a time and one waiting for up to an hour; a call holds until {@link #release}
   * opens.
   */
  @Workflow
  static class OneAtATime {
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch entered = new CountDownLatch(1);
    final AtomicInteger calls = new AtomicInteger();

    @Step
    @Bulkhead(value = 1, queue = 1, maxWait = "1h")
    String hold(String in) throws InterruptedException {
      calls.incrementAndGet();
      entered.countDown();
      if (!release.await(PATIENCE_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
      return "held:" + in;
    }
  }

  /** Two starts a minute, never waiting. */
  @Workflow
  static class TwoPerMinute {
    final AtomicInteger calls = new AtomicInteger();

    @Step
    @RateLimit(permits = 2, per = "1m", maxWait = "0ms")
    String call(String in) {
      calls.incrementAndGet();
      return "ok:" + in;
    }
  }

  /** One start a second, waiting as long as it takes. */
  @Workflow
  static class OnePerSecond {
    final AtomicInteger calls = new AtomicInteger();

    @Step
    @RateLimit(permits = 1, per = "1s")
    String call(String in) {
      calls.incrementAndGet();
      return "ok:" + in;
    }
  }

  /** The first call hangs until interrupted; the hedged second one answers. */
  @Workflow
  static class Hedged {
    final AtomicInteger calls = new AtomicInteger();
    final CountDownLatch firstEntered = new CountDownLatch(1);
    final CountDownLatch firstInterrupted = new CountDownLatch(1);

    @Step
    @Hedge(delay = "50ms")
    String call(String in) {
      if (calls.incrementAndGet() > 1) {
        return "hedged:" + in;
      }
      firstEntered.countDown();
      try {
        Thread.sleep(TimeUnit.SECONDS.toMillis(PATIENCE_SECONDS));
        return "slow:" + in;
      } catch (InterruptedException e) {
        firstInterrupted.countDown();
        Thread.currentThread().interrupt();
        return "interrupted:" + in;
      }
    }
  }

  /** A rate-limited parallel branch beside a free one. */
  @Workflow
  static class LimitedBranch {
    @Parallel
    @RateLimit(permits = 1, per = "1m", maxWait = "0ms")
    String limited(String in) {
      return "limited:" + in;
    }

    @Parallel
    String free(String in) {
      return "free:" + in;
    }
  }

  /** A rate-limited for-each element: two starts a minute across all elements. */
  @Workflow
  static class LimitedElements {
    @Step
    List<String> items(String csv) {
      return List.of(csv.split(","));
    }

    @Parallel(forEach = true)
    @RateLimit(permits = 2, per = "1m", maxWait = "0ms")
    String fetch(String item) {
      return item + "!";
    }
  }

  /** A bulkhead on a for-each element: one element in flight, the others queued. */
  @Workflow
  static class OneElementAtATime {
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger mostInFlight = new AtomicInteger();

    @Step
    List<String> items(String csv) {
      return List.of(csv.split(","));
    }

    @Parallel(forEach = true, maxConcurrency = 4)
    @Bulkhead(value = 1, queue = 10)
    String fetch(String item) throws InterruptedException {
      int now = inFlight.incrementAndGet();
      mostInFlight.accumulateAndGet(now, Math::max);
      Thread.sleep(5);
      inFlight.decrementAndGet();
      return item + "!";
    }
  }

  /** A breaker around the whole run. */
  @Workflow
  @CircuitBreaker(window = 2, minimumCalls = 2, failureRate = 1.0, openFor = "1m")
  static class WholeBreaker {
    final AtomicInteger calls = new AtomicInteger();

    @Step
    String call(String in) throws IOException {
      calls.incrementAndGet();
      throw new IOException("down");
    }
  }

  /** Shares the limit "api" with {@link SharedLimitB}. */
  @Workflow
  static class SharedLimitA {
    @Step
    @RateLimit(name = "api", permits = 1, per = "1m", maxWait = "0ms")
    String call(String in) {
      return "a:" + in;
    }
  }

  /** Shares the limit "api" with {@link SharedLimitA}. */
  @Workflow
  static class SharedLimitB {
    @Step
    @RateLimit(name = "api", permits = 1, per = "1m", maxWait = "0ms")
    String call(String in) {
      return "b:" + in;
    }
  }

  /** A breaker shared by name: every workflow object on one runtime sees it open. */
  @Workflow
  static class SharedBreaker {
    @Step
    @CircuitBreaker(name = "backend", window = 1, minimumCalls = 1, failureRate = 1.0)
    String call(String in) throws IOException {
      throw new IOException("down");
    }
  }

  /** Fails its first two calls; retried up to three attempts in all. */
  @Workflow
  static class Flaky {
    final AtomicInteger calls = new AtomicInteger();

    @Step
    @Retry(max = 3, delay = "0ms", jitter = 0.0)
    String call(String in) throws IOException {
      if (calls.incrementAndGet() <= 2) {
        throw new IOException("flaky " + calls.get());
      }
      return "ok:" + in;
    }
  }

  /** A step under an hour's deadline that waits until interrupted. */
  @Workflow
  static class Patient {
    @Step
    @Timeout("1h")
    String call(String in) throws InterruptedException {
      Thread.sleep(TimeUnit.SECONDS.toMillis(PATIENCE_SECONDS));
      return "slept:" + in;
    }
  }

  /**
   * A breaker, a rate limit of three starts a minute and one slot: the first call holds the slot
   * until {@link #release} opens.
   */
  @Workflow
  static class Guarded {
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch entered = new CountDownLatch(1);
    final AtomicInteger calls = new AtomicInteger();

    @Step
    @CircuitBreaker
    @RateLimit(permits = 3, per = "1m", maxWait = "0ms")
    @Bulkhead(1)
    String call(String in) throws InterruptedException {
      if (calls.incrementAndGet() == 1) {
        entered.countDown();
        if (!release.await(PATIENCE_SECONDS, TimeUnit.SECONDS)) {
          throw new IllegalStateException("never released");
        }
      }
      return "ok:" + in;
    }
  }

  /** A breaker on a failing parallel branch, a bulkhead and a hedge on the other. */
  @Workflow
  static class GuardedBranches {
    final AtomicInteger flakyCalls = new AtomicInteger();

    @Parallel
    @CircuitBreaker(window = 1, minimumCalls = 1, failureRate = 1.0)
    String flaky(String in) throws IOException {
      flakyCalls.incrementAndGet();
      throw new IOException("flaky " + in);
    }

    @Parallel
    @Bulkhead(1)
    @Hedge(delay = "1h")
    String steady(String in) {
      return "steady:" + in;
    }
  }

  /** A breaker and a hedge on a for-each element that always fails. */
  @Workflow
  static class GuardedElements {
    final AtomicInteger calls = new AtomicInteger();

    @Step
    List<String> items(String csv) {
      return List.of(csv.split(","));
    }

    @Parallel(forEach = true, maxConcurrency = 1)
    @CircuitBreaker(window = 2, minimumCalls = 2, failureRate = 1.0)
    @Hedge(delay = "1h")
    String fetch(String item) throws IOException {
      calls.incrementAndGet();
      throw new IOException("down: " + item);
    }
  }

  /** A bulkhead and a rate limit of one start a minute around the whole run. */
  @Workflow
  @Bulkhead(1)
  @RateLimit(permits = 1, per = "1m", maxWait = "0ms")
  static class LimitedRuns {
    @Step
    String call(String in) {
      return "ok:" + in;
    }
  }
}

package dev.tta.primitives.benchmarks;

import dev.tta.primitives.annotations.Bulkhead;
import dev.tta.primitives.annotations.Cached;
import dev.tta.primitives.annotations.CircuitBreaker;
import dev.tta.primitives.annotations.Hedge;
import dev.tta.primitives.annotations.Parallel;
import dev.tta.primitives.annotations.RateLimit;
import dev.tta.primitives.annotations.Retry;
import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Timeout;
import dev.tta.primitives.annotations.Workflow;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The workflows the suite measures: real {@code @Workflow} classes, compiled by the project's
 * processor into {@code Workflows_<Name>Workflow}. Each of the three-step ones computes {@code x +
 * 3} in three steps of {@code x + 1}, so that the framework's overhead is all there is to measure.
 *
 * <p>Policies use the annotations' defaults ({@code @Retry}: 3 attempts, 100ms delay, backoff 2,
 * jitter 0.1; {@code @Cached}: ttl 1h, 10000 entries) and a 1s {@code @Timeout}; the peers in
 * {@link PolicyBench} are configured the same way.
 */
final class Workflows {
  private Workflows() {}

  /** Three steps, no policy. */
  @Workflow
  static class Plain {
    @Step
    long first(long x) {
      return x + 1;
    }

    @Step
    long second(long x) {
      return x + 1;
    }

    @Step
    long third(long x) {
      return x + 1;
    }
  }

  /** {@code @Retry} on each step; every first attempt succeeds. */
  @Workflow
  static class Retried {
    @Step
    @Retry
    long first(long x) {
      return x + 1;
    }

    @Step
    @Retry
    long second(long x) {
      return x + 1;
    }

    @Step
    @Retry
    long third(long x) {
      return x + 1;
    }
  }

  /** {@code @Retry} and {@code @Timeout} on each synchronous step: each runs isolated. */
  @Workflow
  static class RetriedTimedSync {
    @Step
    @Retry
    @Timeout("1s")
    long first(long x) {
      return x + 1;
    }

    @Step
    @Retry
    @Timeout("1s")
    long second(long x) {
      return x + 1;
    }

    @Step
    @Retry
    @Timeout("1s")
    long third(long x) {
      return x + 1;
    }
  }

  /**
   * {@code @Retry} and {@code @Timeout} on each asynchronous step. Each step returns a future that
   * the {@link Trampoline} completes after the step returned, so every attempt arms a timer and
   * disarms it on completion, with no thread hand-off.
   */
  @Workflow
  static class RetriedTimedAsync {
    final Trampoline trampoline = new Trampoline();

    @Step
    @Retry
    @Timeout("1s")
    CompletableFuture<Long> first(long x) {
      return trampoline.later(x + 1);
    }

    @Step
    @Retry
    @Timeout("1s")
    CompletableFuture<Long> second(long x) {
      return trampoline.later(x + 1);
    }

    @Step
    @Retry
    @Timeout("1s")
    CompletableFuture<Long> third(long x) {
      return trampoline.later(x + 1);
    }
  }

  /** One synchronous step under {@code @Timeout}: one isolated call, against one bare hand-off. */
  @Workflow
  static class TimedSyncOne {
    @Step
    @Timeout("1s")
    long only(long x) {
      return x + 1;
    }
  }

  /** The whole run cached (class-level {@code @Cached}, defaults: ttl 1h, 10000 entries). */
  @Workflow
  @Cached
  static class CachedRun {
    @Step
    long first(long x) {
      return x + 1;
    }

    @Step
    long second(long x) {
      return x + 1;
    }

    @Step
    long third(long x) {
      return x + 1;
    }
  }

  /** A for-each over the input whose step blocks for 10 ms. */
  @Workflow
  static class FanOut {
    @Step
    List<Long> elements(List<Long> in) {
      return in;
    }

    @Parallel(forEach = true)
    long slow(long x) throws InterruptedException {
      Thread.sleep(10);
      return x + 1;
    }
  }

  /** One step behind a circuit breaker with the defaults; it stays closed. */
  @Workflow
  static class Breaker {
    @Step
    @CircuitBreaker
    long first(long x) {
      return x + 1;
    }
  }

  /** One step behind a bulkhead of 10 slots (the default); a slot is always free. */
  @Workflow
  static class Bulkheaded {
    @Step
    @Bulkhead
    long first(long x) {
      return x + 1;
    }
  }

  /**
   * One step under a rate limit of 1,000 starts a microsecond: far more than one thread takes, so a
   * permit is always there.
   */
  @Workflow
  static class RateLimited {
    @Step
    @RateLimit(permits = 1_000, per = "PT0.000001S")
    long first(long x) {
      return x + 1;
    }
  }

  /** One step hedged after the default 100 ms; it answers at once, so no second call starts. */
  @Workflow
  static class Hedged {
    @Step
    @Hedge
    long first(long x) {
      return x + 1;
    }
  }
}

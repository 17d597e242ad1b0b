package dev.tta.primitives.stress;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tta.primitives.CachePrimitive;
import dev.tta.primitives.CacheStats;
import dev.tta.primitives.LambdaPrimitive;
import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * (c) Many threads calling a cache of 20 hot keys whose entries expire (and are invalidated) all
 * the time, so that calls keep meeting loads in flight and loads just finished. Every caller that
 * does not cancel gets the key's value; every caller whose {@code cancel()} took effect sees a
 * cancelled future, and one whose {@code cancel()} came too late (a completed hit) has the value.
 */
class CacheHotKeysStressTest {

  private static final int KEYS = 20;
  private static final int CALLERS = 6;
  private static final Duration TTL = Duration.ofMillis(2);
  private static final long INVALIDATE_EVERY_MICROS = 1_000;
  private static final long CALL_PATIENCE_MILLIS = 10_000;
  private static final long PASS_PATIENCE_MILLIS = 120_000;

  private static String valueOf(int key) {
    return "value-" + key;
  }

  /** The outcome of one pass: calls made and what went wrong, by kind. */
  private static final class Pass {
    final LongAdder calls = new LongAdder();
    final LongAdder values = new LongAdder();
    final LongAdder cancelledAsked = new LongAdder();
    final LongAdder cancelledTookEffect = new LongAdder();
    final LongAdder cancelledTooLate = new LongAdder();
    final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    final Map<String, String> firstExamples = new ConcurrentHashMap<>(); // by kind

    void failure(String kind, int key) {
      failures.computeIfAbsent(kind, k -> new LongAdder()).increment();
      firstExamples.putIfAbsent(
          kind, kind + " (key " + key + ", thread " + Thread.currentThread().getName() + ")");
    }

    long failed() {
      return failures.values().stream().mapToLong(LongAdder::sum).sum();
    }

    Map<String, Long> failureCounts() {
      Map<String, Long> counts = new TreeMap<>();
      failures.forEach((k, v) -> counts.put(k, v.sum()));
      return counts;
    }
  }

  private static String kind(String where, Throwable failure) {
    Throwable t = Stress.unwrap(failure);
    return where
        + " "
        + t.getClass().getSimpleName()
        + (t.getMessage() == null ? "" : "(\"" + t.getMessage() + "\")");
  }

  /** One caller's calls; cancels its own future right away on a {@code cancelPercent} share. */
  private static void call(
      CachePrimitive<Integer, String> cache,
      WorkflowContext context,
      long calls,
      int cancelPercent,
      long seed,
      Pass pass,
      AtomicBoolean stop) {
    SplittableRandom random = new SplittableRandom(seed);
    for (long n = 0; n < calls && !stop.get(); n++) {
      int key = random.nextInt(KEYS);
      boolean cancel = random.nextInt(100) < cancelPercent;
      pass.calls.increment();
      CompletableFuture<String> future;
      try {
        future = cache.execute(key, context);
      } catch (Throwable t) {
        pass.failure(kind("execute threw", t), key);
        continue;
      }
      if (future == null) {
        pass.failure("execute returned null", key);
        continue;
      }
      if (cancel) {
        pass.cancelledAsked.increment();
        if (future.cancel(true)) {
          if (future.isCancelled()) {
            pass.cancelledTookEffect.increment();
          } else {
            pass.failure("cancel() returned true, future not cancelled", key);
          }
          continue;
        }
        pass.cancelledTooLate.increment(); // it was complete already: it must hold the value
      }
      String value;
      try {
        value = future.get(CALL_PATIENCE_MILLIS, TimeUnit.MILLISECONDS);
      } catch (CancellationException e) {
        pass.failure(
            cancel
                ? "cancel() returned false, yet cancelled"
                : "CancellationException not asked for",
            key);
        continue;
      } catch (ExecutionException e) {
        pass.failure(kind("failed:", e.getCause()), key);
        continue;
      } catch (TimeoutException e) {
        pass.failure("not complete after " + CALL_PATIENCE_MILLIS + " ms", key);
        stop.set(true); // a hang: end the pass rather than wait this long per call
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (valueOf(key).equals(value)) {
        pass.values.increment();
      } else {
        pass.failure("wrong value " + value, key);
      }
    }
  }

  private static Pass run(
      StressPools pools,
      CachePrimitive<Integer, String> cache,
      WorkflowRuntime runtime,
      long calls,
      int cancelPercent,
      long seed)
      throws InterruptedException {
    Pass pass = new Pass();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(CALLERS);
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < CALLERS; c++) {
      long callerSeed = seed * 31 + c;
      long share = calls / CALLERS + (c < calls % CALLERS ? 1 : 0);
      WorkflowContext context = WorkflowContext.create("hotKeys", runtime);
      Thread thread =
          new Thread(
              () -> {
                try {
                  call(cache, context, share, cancelPercent, callerSeed, pass, stop);
                } finally {
                  done.countDown();
                }
              },
              "c-caller-" + c);
      thread.setDaemon(true);
      threads.add(thread);
    }
    // Entries expire after TTL on their own; this drops them all now and then on top.
    Thread invalidator =
        new Thread(
            () -> {
              while (done.getCount() > 0 && !stop.get()) {
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(INVALIDATE_EVERY_MICROS));
                cache.invalidateAll();
              }
            },
            "c-invalidator");
    invalidator.setDaemon(true);
    threads.forEach(Thread::start);
    invalidator.start();
    boolean finished = done.await(PASS_PATIENCE_MILLIS, TimeUnit.MILLISECONDS);
    stop.set(true);
    invalidator.join(PASS_PATIENCE_MILLIS);
    if (!finished) {
      fail(
          "the callers did not finish within "
              + PASS_PATIENCE_MILLIS
              + " ms: "
              + pass.calls.sum()
              + " calls made, failures "
              + pass.failureCounts());
    }
    if (!pools.awaitIdle(CALL_PATIENCE_MILLIS)) {
      fail("the loads did not finish within " + CALL_PATIENCE_MILLIS + " ms of the last call");
    }
    return pass;
  }

  // Issue 11, defect 5: cache single flight gave "future did not fail" and unasked-for cancels.
  @Test
  void everyCallerGetsTheValueOrTheCancellationItAskedFor() throws Exception {
    long calls = StressScale.pick(600_000, 5_000_000);
    int cancelPercent = 10;
    Pass plain;
    Pass cancelling;
    long plainMillis;
    long cancellingMillis;
    CacheStats stats;
    LongAdder loads = new LongAdder();
    try (StressPools pools = new StressPools("c", 1_000)) {
      WorkflowRuntime runtime = pools.runtime();
      SplittableRandom delays = new SplittableRandom(4);
      CachePrimitive<Integer, String> cache =
          CachePrimitive.<Integer, String>builder(
                  LambdaPrimitive.<Integer, String>ofAsync(
                      "load",
                      (key, ctx) -> {
                        loads.increment();
                        long micros;
                        synchronized (delays) {
                          micros = delays.nextInt(4) == 0 ? delays.nextInt(200) : 0;
                        }
                        return pools.completeSoon(() -> valueOf(key), micros);
                      }))
              .ttl(TTL)
              .build(runtime);

      long start = System.nanoTime();
      plain = run(pools, cache, runtime, calls, 0, 5);
      plainMillis = Math.max(1, Stress.millisSince(start));
      start = System.nanoTime();
      cancelling = run(pools, cache, runtime, calls, cancelPercent, 6);
      cancellingMillis = Math.max(1, Stress.millisSince(start));
      stats = cache.stats();
    }
    Stress.print(
        "c",
        "pass 1: %d calls by %d threads on %d keys (ttl %d ms, invalidateAll every %d us): %.0f"
            + " calls/s, %d values, failures %s",
        plain.calls.sum(),
        CALLERS,
        KEYS,
        TTL.toMillis(),
        INVALIDATE_EVERY_MICROS,
        plain.calls.sum() * 1000.0 / plainMillis,
        plain.values.sum(),
        plain.failureCounts());
    Stress.print(
        "c",
        "pass 2: %d calls, %d%% cancelled at once: %.0f calls/s, %d values, %d cancels took"
            + " effect, %d came after completion (value checked); failures %s; loads %d, stats %s",
        cancelling.calls.sum(),
        cancelPercent,
        cancelling.calls.sum() * 1000.0 / cancellingMillis,
        cancelling.values.sum(),
        cancelling.cancelledTookEffect.sum(),
        cancelling.cancelledTooLate.sum(),
        cancelling.failureCounts(),
        loads.sum(),
        stats);
    assertTrue(
        plain.failed() == 0 && cancelling.failed() == 0,
        "callers got wrong outcomes: pass 1 "
            + plain.failureCounts()
            + " e.g. "
            + plain.firstExamples.values()
            + "; pass 2 "
            + cancelling.failureCounts()
            + " e.g. "
            + cancelling.firstExamples.values());
    assertTrue(
        plain.values.sum() == plain.calls.sum(),
        "pass 1: " + plain.values.sum() + " values for " + plain.calls.sum() + " calls");
    assertTrue(
        cancelling.values.sum() + cancelling.cancelledTookEffect.sum() == cancelling.calls.sum(),
        "pass 2: "
            + cancelling.values.sum()
            + " values and "
            + cancelling.cancelledTookEffect.sum()
            + " cancellations for "
            + cancelling.calls.sum()
            + " calls");
    assertTrue(loads.sum() > KEYS, "entries never expired: " + loads.sum() + " loads");
  }
}

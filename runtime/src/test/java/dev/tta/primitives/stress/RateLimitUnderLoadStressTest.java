package dev.tta.primitives.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tta.primitives.LambdaPrimitive;
import dev.tta.primitives.RateLimitExceededException;
import dev.tta.primitives.RateLimitPolicy;
import dev.tta.primitives.RateLimitPrimitive;
import dev.tta.primitives.WorkflowClock;
import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * One rate limit (10 starts per 1,000 clock units) hammered by four threads at once, through {@code
 * execute} and in place as a generated direct run takes it, on a clock that moves on at every read:
 * so the time each start was admitted at is known exactly (the clock remembers, per thread, the
 * value it last gave), and no interval {@code [t, t + per)} may hold more than 10 admitted starts.
 */
class RateLimitUnderLoadStressTest {

  private static final int PERMITS = 10;
  private static final long PER = 1_000;

  /** A clock that moves 1 to 16 units at every read and tells each thread what it last read. */
  private static final class SteppingClock implements WorkflowClock {
    private final AtomicLong now = new AtomicLong(1);
    private final ThreadLocal<long[]> last = ThreadLocal.withInitial(() -> new long[1]);

    @Override
    public long nanoTime() {
      long step = 1 + (now.get() & 15);
      long value = now.addAndGet(step);
      last.get()[0] = value;
      return value;
    }

    long lastRead() {
      return last.get()[0];
    }
  }

  @Test
  void noIntervalHoldsMoreStartsThanPermits() throws Exception {
    int callsPerThread = StressScale.pick(50_000, 500_000);
    int threads = 4;
    SteppingClock clock = new SteppingClock();
    WorkflowRuntime runtime = WorkflowRuntime.builder().clock(clock).build();
    ConcurrentLinkedQueue<Long> starts = new ConcurrentLinkedQueue<>();
    RateLimitPrimitive<Integer, Integer> limit =
        RateLimitPrimitive.of(
            LambdaPrimitive.<Integer, Integer>of(
                "call",
                (Integer v) -> {
                  starts.add(clock.lastRead()); // admitted on this thread, just now
                  return v;
                }),
            RateLimitPolicy.builder()
                .permits(PERMITS)
                .per(Duration.ofNanos(PER))
                .maxWait(Duration.ZERO)
                .build());
    WorkflowContext context = WorkflowContext.create("RateLimitStress", runtime);
    AtomicLong refused = new AtomicLong();
    AtomicLong unexpected = new AtomicLong();
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Void>> workers = new ArrayList<>();
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      boolean inPlace = t % 2 == 0;
      SplittableRandom random = new SplittableRandom(t);
      workers.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                for (int i = 0; i < callsPerThread; i++) {
                  if (inPlace && random.nextBoolean()) {
                    if (limit.enterInPlace(runtime)) {
                      starts.add(clock.lastRead());
                    } else {
                      refused.incrementAndGet();
                    }
                    continue;
                  }
                  Throwable failure = limit.execute(i, context).handle((v, e) -> e).join();
                  if (failure == null) {
                    continue;
                  }
                  if (Stress.hasCause(failure, RateLimitExceededException.class)) {
                    refused.incrementAndGet();
                  } else {
                    unexpected.incrementAndGet();
                  }
                }
              },
              runnable -> StressPools.daemonThreads("limit-").newThread(runnable).start()));
    }
    go.countDown();
    for (CompletableFuture<Void> worker : workers) {
      worker.get(120, TimeUnit.SECONDS);
    }
    List<Long> sorted = new ArrayList<>(starts);
    Collections.sort(sorted);
    int crowded = 0;
    for (int i = 0; i + PERMITS < sorted.size(); i++) {
      if (sorted.get(i + PERMITS) - sorted.get(i) < PER) {
        crowded++; // PERMITS + 1 starts within [t, t + per)
      }
    }
    Stress.print(
        "rate limit",
        "%,d calls on %d threads in %,d ms: %,d started, %,d refused, %,d unexpected;"
            + " intervals over the limit %d",
        (long) callsPerThread * threads,
        threads,
        Stress.millisSince(start),
        sorted.size(),
        refused.get(),
        unexpected.get(),
        crowded);
    assertEquals(0, crowded, "intervals of one per holding more than " + PERMITS + " starts");
    assertEquals(0, unexpected.get(), "outcomes other than a start or a refusal");
    assertEquals((long) callsPerThread * threads, sorted.size() + refused.get());
    assertEquals(0, limit.waiting());
  }
}

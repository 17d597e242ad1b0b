package dev.tta.primitives.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tta.primitives.BulkheadFullException;
import dev.tta.primitives.BulkheadPolicy;
import dev.tta.primitives.BulkheadPrimitive;
import dev.tta.primitives.LambdaPrimitive;
import dev.tta.primitives.StepPrimitive;
import dev.tta.primitives.WorkflowRunner;
import dev.tta.primitives.WorkflowRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * One bulkhead (4 slots, a queue of 32, 20 ms longest wait) under many concurrent runs on a bounded
 * pool, a share of them cancelled at random moments and a share failing, while other threads take
 * its slots in place as a generated direct run does. Never more than 4 bodies at once, every run
 * ends (with its value, its fault, a {@link BulkheadFullException} or a cancellation: nothing
 * else), and when all is done no slot is taken and no call waits.
 */
class BulkheadUnderLoadStressTest {

  private static final int SLOTS = 4;
  private static final long PATIENCE_SECONDS = 60;

  @Test
  void slotsHoldUnderLoadCancelsAndFaults() throws Exception {
    int runs = StressScale.pick(20_000, 200_000);
    int inPlaceCallers = 2;
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger mostInFlight = new AtomicInteger();
    LongAdder bodies = new LongAdder();
    ExecutorService pool = Executors.newFixedThreadPool(8, StressPools.daemonThreads("bulk-"));
    WorkflowRuntime runtime = WorkflowRuntime.builder().executor(pool).build();
    BulkheadPrimitive<Integer, Integer> bulkhead =
        BulkheadPrimitive.of(
            LambdaPrimitive.<Integer, Integer>of(
                "call",
                (Integer v) -> {
                  int now = inFlight.incrementAndGet();
                  mostInFlight.accumulateAndGet(now, Math::max);
                  bodies.increment();
                  try {
                    spin(v % 7 * 2_000L); // up to 12 us of work
                    if (v % 10 == 3) {
                      throw new InjectedFault("run " + v);
                    }
                    return v + 1;
                  } finally {
                    inFlight.decrementAndGet();
                  }
                }),
            BulkheadPolicy.builder().value(SLOTS).queue(32).maxWait(Duration.ofMillis(20)).build());
    WorkflowRunner<Integer, Integer> runner =
        WorkflowRunner.of("Bulk", StepPrimitive.of("call", bulkhead), runtime);

    // Callers in place, as a generated run() of a step with @Bulkhead calls it.
    AtomicLong inPlaceCalls = new AtomicLong();
    AtomicLong inPlaceRefused = new AtomicLong();
    CompletableFuture<?>[] direct = new CompletableFuture<?>[inPlaceCallers];
    ExecutorService inPlace =
        Executors.newFixedThreadPool(inPlaceCallers, StressPools.daemonThreads("in-place-"));
    AtomicInteger stop = new AtomicInteger();
    for (int c = 0; c < inPlaceCallers; c++) {
      direct[c] =
          CompletableFuture.runAsync(
              () -> {
                while (stop.get() == 0) {
                  if (!bulkhead.enterInPlace()) {
                    inPlaceRefused.incrementAndGet();
                    Thread.onSpinWait();
                    continue;
                  }
                  try {
                    int now = inFlight.incrementAndGet();
                    mostInFlight.accumulateAndGet(now, Math::max);
                    spin(3_000);
                    inFlight.decrementAndGet();
                    inPlaceCalls.incrementAndGet();
                  } finally {
                    bulkhead.exitInPlace();
                  }
                }
              },
              inPlace);
    }

    SplittableRandom random = new SplittableRandom(42);
    List<CompletableFuture<Integer>> futures = new ArrayList<>(runs);
    long start = System.nanoTime();
    int cancelsAsked = 0;
    for (int i = 0; i < runs; i++) {
      CompletableFuture<Integer> future = runner.runAsync(i);
      futures.add(future);
      if (random.nextInt(100) < 15) {
        future.cancel(true); // at once: queued, running or not yet started
        cancelsAsked++;
      }
      if (i % 64 == 0) {
        // Let the pool breathe: a few hundred runs in flight, not all of them at once.
        futures
            .get(Math.max(0, i - 256))
            .handle((v, t) -> null)
            .get(PATIENCE_SECONDS, TimeUnit.SECONDS);
      }
    }

    int values = 0;
    int faults = 0;
    int full = 0;
    int cancelled = 0;
    int hanging = 0;
    int other = 0;
    for (int i = 0; i < runs; i++) {
      Throwable failure;
      try {
        failure = futures.get(i).handle((v, t) -> t).get(PATIENCE_SECONDS, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        hanging++;
        continue;
      }
      if (failure == null) {
        values++;
      } else if (Stress.hasCause(failure, CancellationException.class)) {
        cancelled++;
      } else if (Stress.hasCause(failure, InjectedFault.class)) {
        faults++;
      } else if (Stress.hasCause(failure, BulkheadFullException.class)) {
        full++;
      } else {
        other++;
        Stress.print("bulkhead", "unexpected outcome of run %d: %s", i, Stress.describe(failure));
      }
    }
    stop.set(1);
    for (CompletableFuture<?> caller : direct) {
      caller.get(PATIENCE_SECONDS, TimeUnit.SECONDS);
    }
    long millis = Stress.millisSince(start);
    pool.shutdownNow();
    inPlace.shutdownNow();

    Stress.print(
        "bulkhead",
        "%,d runs in %,d ms on 8 threads, %,d bodies (+%d callers in place: %,d calls, %,d"
            + " refused at once):"
            + " %,d values, %,d faults, %,d full, %,d cancelled (%,d asked); most bodies at once"
            + " %d of %d; hanging %d, unexpected %d; slots taken at the end %d, waiting %d",
        runs,
        millis,
        bodies.sum(),
        inPlaceCallers,
        inPlaceCalls.get(),
        inPlaceRefused.get(),
        values,
        faults,
        full,
        cancelled,
        cancelsAsked,
        mostInFlight.get(),
        SLOTS,
        hanging,
        other,
        bulkhead.inFlight(),
        bulkhead.waiting());
    assertEquals(0, hanging, "runs that never ended");
    assertEquals(0, other, "outcomes other than a value, a fault, full or cancelled");
    assertEquals(true, mostInFlight.get() <= SLOTS, "bodies at once: " + mostInFlight.get());
    assertEquals(0, bulkhead.inFlight(), "slots still taken");
    assertEquals(0, bulkhead.waiting(), "calls still waiting");
    assertEquals(runs, values + faults + full + cancelled);
  }

  private static void spin(long nanos) {
    long end = System.nanoTime() + nanos;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }
}

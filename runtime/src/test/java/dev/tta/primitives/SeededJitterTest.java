package dev.tta.primitives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.testing.VirtualTime;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A runtime built with {@code random(...)} draws its retry jitter from that generator: the same
 * seed gives the same waits.
 *
 * <p>Pending: {@code WorkflowRuntime.Builder.random(RandomGenerator)} does not exist yet.
 */
class SeededJitterTest {

  private static final List<Duration> BASE_DELAYS =
      List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));

  /** The waits of one run of a step that fails three times, then succeeds; jitter 0.5. */
  private static List<Duration> retryDelaysOfOneRun(long seed) {
    VirtualTime time = new VirtualTime();
    WorkflowRuntime runtime =
        WorkflowRuntime.builder().clock(time).scheduler(time).random(new Random(seed)).build();
    AtomicInteger calls = new AtomicInteger();
    LambdaPrimitive<String, String> flaky =
        LambdaPrimitive.of(
            "flaky",
            (String in) -> {
              if (calls.incrementAndGet() < 4) {
                throw new IOException("attempt " + calls.get() + " fails");
              }
              return in + "!";
            });
    RetryPolicy policy =
        RetryPolicy.builder().maxAttempts(4).delay(Duration.ofMillis(100)).jitter(0.5).build();
    WorkflowRunner<String, String> workflow =
        WorkflowRunner.of(
            "W", StepPrimitive.of("flaky", RetryPrimitive.of(flaky, policy)), runtime);

    // execute, not run: the attempts after the first run on this thread as time advances.
    CompletableFuture<String> result = workflow.execute("x", WorkflowContext.create("W", runtime));
    for (int i = 0; i < 1_000 && !result.isDone(); i++) {
      time.advance(Duration.ofMillis(10));
    }

    assertEquals("x!", result.getNow(null));
    assertEquals(4, calls.get());
    return time.scheduledDelays();
  }

  // Issue 11, defect 8 (b): WorkflowRuntime.Builder.random makes jitter reproducible.
  @Test
  void theSameSeedGivesTheSameWaits() {
    List<Duration> first = retryDelaysOfOneRun(42);
    List<Duration> second = retryDelaysOfOneRun(42);

    assertEquals(BASE_DELAYS.size(), first.size(), "waits of the first run: " + first);
    for (int i = 0; i < first.size(); i++) {
      long base = BASE_DELAYS.get(i).toNanos();
      long wait = first.get(i).toNanos();
      assertTrue(
          wait >= base / 2 - 1 && wait <= base * 3 / 2 + 1,
          "wait " + (i + 1) + " = " + first.get(i) + " is " + BASE_DELAYS.get(i) + " ± 50%");
    }
    assertNotEquals(BASE_DELAYS, first, "no jitter was applied");
    assertEquals(first, second, "the waits of two runtimes seeded alike");
  }
}

package dev.tta.primitives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.testing.VirtualTime;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Under virtual time the retry waits, jitter included, are the same on every run: a test of
 * back-off is reproducible.
 */
class ReproducibleJitterTest {

  /** The waits of one run of a step that fails twice and then succeeds, with default jitter. */
  private static List<Duration> retryDelaysOfOneRun() {
    VirtualTime time = new VirtualTime();
    WorkflowRuntime runtime = time.runtime();
    AtomicInteger calls = new AtomicInteger();
    LambdaPrimitive<String, String> flaky =
        LambdaPrimitive.of(
            "flaky",
            (String in) -> {
              if (calls.incrementAndGet() < 3) {
                throw new IOException("attempt " + calls.get() + " fails");
              }
              return in + "!";
            });
    RetryPolicy policy = RetryPolicy.builder().build(); // 3 attempts, 100ms, jitter 0.1
    WorkflowRunner<String, String> workflow =
        WorkflowRunner.of(
            "W", StepPrimitive.of("flaky", RetryPrimitive.of(flaky, policy)), runtime);

    // execute, not run: the attempts after the first run on this thread as time advances.
    CompletableFuture<String> result = workflow.execute("x", WorkflowContext.create("W", runtime));
    for (int i = 0; i < 1_000 && !result.isDone(); i++) {
      time.advance(Duration.ofMillis(10));
    }

    assertEquals("x!", result.getNow(null));
    assertEquals(3, calls.get());
    return time.scheduledDelays();
  }

  // Issue 11, defect 8: jitter ignores the runtime (ThreadLocalRandom).
  @Test
  void twoVirtualTimeRunsWaitTheSame() {
    List<Duration> first = retryDelaysOfOneRun();
    List<Duration> second = retryDelaysOfOneRun();

    assertEquals(2, first.size(), "waits of the first run: " + first);
    assertTrue(within(first.get(0), 100), "first wait " + first.get(0) + " is 100ms ± 10%");
    assertTrue(within(first.get(1), 200), "second wait " + first.get(1) + " is 200ms ± 10%");
    assertEquals(first, second, "the waits of two runs under virtual time");
  }

  private static boolean within(Duration delay, long baseMillis) {
    long nanos = delay.toNanos();
    long base = Duration.ofMillis(baseMillis).toNanos();
    return nanos >= base * 0.9 - 1 && nanos <= base * 1.1 + 1;
  }
}

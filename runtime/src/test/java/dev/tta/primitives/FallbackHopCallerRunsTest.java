package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The fallback after a deadline leaves the timer thread through the executor; a saturated pool with
 * CallerRunsPolicy runs it inline instead, once, not hop after hop.
 */
class FallbackHopCallerRunsTest {

  @Test
  void fallbackAfterATimeoutRunsOnASaturatedCallerRunsPool() throws Exception {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            1,
            1,
            1,
            TimeUnit.MINUTES,
            new SynchronousQueue<>(),
            new ThreadPoolExecutor.CallerRunsPolicy());
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch busy = new CountDownLatch(1);
    pool.execute(
        () -> {
          busy.countDown();
          try {
            release.await(20, SECONDS);
          } catch (InterruptedException ignored) {
          }
        });
    busy.await();
    try {
      WorkflowRuntime runtime = WorkflowRuntime.builder().executor(pool).build();
      WorkflowRunner<String, String> workflow =
          WorkflowRunner.of(
              "W",
              FallbackPrimitive.<String, String>builder(
                      TimeoutPrimitive.of(
                          LambdaPrimitive.<String, String>ofAsync(
                              "never", (in, ctx) -> new CompletableFuture<>()),
                          Duration.ofMillis(50)))
                  .recover((in, cause, ctx) -> "fallback on " + Thread.currentThread().getName()),
              runtime);
      String out =
          workflow
              .runAsync("x")
              .handle((v, e) -> v != null ? v : String.valueOf(e))
              .get(10, SECONDS);
      System.err.println("result: " + (out.length() > 300 ? out.substring(0, 300) : out));
      assertEquals(
          true, out.startsWith("fallback on"), out.length() > 300 ? out.substring(0, 300) : out);
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }
}

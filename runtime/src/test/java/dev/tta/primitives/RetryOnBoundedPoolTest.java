package dev.tta.primitives;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A retried step of a nested blocking run on a full pool: the run's waiter runs the retry. */
class RetryOnBoundedPoolTest {

  private ExecutorService pool;

  @AfterEach
  void shutDown() {
    pool.shutdownNow();
  }

  @Test
  void nestedRunWithARetriedStepCompletesOnAPoolOfOne() throws Exception {
    pool = Executors.newFixedThreadPool(1);
    WorkflowRuntime runtime = WorkflowRuntime.builder().executor(pool).build();
    AtomicInteger calls = new AtomicInteger();
    WorkflowRunner<String, String> inner =
        WorkflowRunner.of(
            "inner",
            StepPrimitive.of(
                "flaky",
                RetryPrimitive.of(
                    LambdaPrimitive.of(
                        "flaky",
                        (String in) -> {
                          if (calls.incrementAndGet() == 1) {
                            throw new IllegalStateException("first attempt fails");
                          }
                          return in + "-ok";
                        }),
                    RetryPolicy.builder().maxAttempts(3).delay(Duration.ofMillis(10)).build())),
            runtime);
    WorkflowRunner<String, String> outer =
        WorkflowRunner.of(
            "outer",
            StepPrimitive.of(
                "call-inner", LambdaPrimitive.of("call-inner", (String in) -> inner.run(in))),
            runtime);
    assertEquals("a-ok", outer.runAsync("a").get(5, SECONDS));
  }
}

package dev.tta.primitives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.testing.MockPrimitive;
import dev.tta.primitives.testing.VirtualTime;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Callers of a shared cached execution are counted: a caller that cancels leaves nothing behind,
 * and when the last one cancels, the execution (e.g. its retries) stops.
 */
class CacheCallerCancellationTest {

  private final VirtualTime time = new VirtualTime();
  private final WorkflowRuntime runtime = time.runtime();
  private final WorkflowContext context = WorkflowContext.create("wf", runtime);

  @Test
  void cancellingTheOnlyCallerStopsRetriesInsideTheCache() {
    MockPrimitive<String, String> step =
        MockPrimitive.<String, String>named("s").thenFail(new IOException("x"));
    RetryPrimitive<String, String> retry =
        RetryPrimitive.of(
            step,
            RetryPolicy.builder()
                .maxAttempts(10)
                .delay(Duration.ofMillis(100))
                .backoff(1)
                .jitter(0)
                .build());
    CachePrimitive<String, String> cached = CachePrimitive.builder(retry).build(runtime);

    CompletableFuture<String> caller = cached.execute("k", context);
    assertTrue(caller.cancel(true));
    time.advance(Duration.ofSeconds(2));

    assertEquals(1, step.calls(), "attempts went on after the only caller cancelled");
    assertEquals(0, time.pendingTasks(), "a retry wait was left scheduled");
  }

  @Test
  void cancelledCallersDoNotPileUpOnASharedExecution() {
    CompletableFuture<String> never = new CompletableFuture<>();
    WorkflowPrimitive<String, String> hung =
        AsyncTestPrimitive.async(LambdaPrimitive.<String, String>ofAsync("hung", (in, c) -> never));
    CachePrimitive<String, String> cached = CachePrimitive.builder(hung).build(runtime);
    CompletableFuture<String> stays = cached.execute("k", context);

    for (int i = 0; i < 10_000; i++) {
      cached.execute("k", context).cancel(true); // each gave up at its own deadline
    }

    assertEquals(1, cached.waitingCallers("k"));
    assertFalse(never.isDone(), "the execution stopped though a caller still waits");
    never.complete("v");
    assertEquals("v", stays.getNow(null));
    assertEquals(0, cached.waitingCallers("k"));
  }

  @Test
  void executionGoesOnWhileAnyCallerWaitsAndStopsWhenTheLastLeaves() {
    MockPrimitive<String, String> delegate =
        MockPrimitive.<String, String>named("load")
            .thenReturn("v")
            .withDelay(Duration.ofSeconds(1));
    CachePrimitive<String, String> cached = CachePrimitive.builder(delegate).build(runtime);
    List<CompletableFuture<String>> callers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      callers.add(cached.execute("k", context));
    }

    assertTrue(callers.get(0).cancel(true));
    assertTrue(callers.get(1).cancel(false));
    assertEquals(0, delegate.cancellations(), "stopped while a caller still waited");
    assertTrue(callers.get(2).cancel(true));
    assertEquals(1, delegate.cancellations(), "not stopped when the last caller left");

    CompletableFuture<String> fresh = cached.execute("k", context);
    time.advance(Duration.ofSeconds(1));
    assertEquals("v", fresh.getNow(null));
    assertEquals(2, delegate.calls());
    assertEquals(2, cached.stats().misses());
  }

  @Test
  void cancellingAfterTheOutcomeChangesNothing() {
    MockPrimitive<String, String> delegate =
        MockPrimitive.<String, String>named("load")
            .thenReturn("v")
            .withDelay(Duration.ofSeconds(1));
    CachePrimitive<String, String> cached = CachePrimitive.builder(delegate).build(runtime);
    CompletableFuture<String> caller = cached.execute("k", context);
    time.advance(Duration.ofSeconds(1));

    assertFalse(caller.cancel(true));

    assertEquals("v", caller.getNow(null));
    assertEquals("v", cached.execute("k", context).getNow(null));
    assertEquals(1, delegate.calls());
  }
}

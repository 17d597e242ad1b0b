package dev.tta.primitives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.testing.MockPrimitive;
import dev.tta.primitives.testing.VirtualTime;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class CachePrimitiveTest {

  private static final long WAIT_SECONDS = 30; // generous: a bound for a hang, never a timing

  private final VirtualTime time = new VirtualTime();
  private final WorkflowRuntime runtime = time.runtime();
  private final WorkflowContext context = WorkflowContext.create("cache-test", runtime);

  private static Throwable failureOf(CompletableFuture<?> future) {
    assertTrue(future.isCompletedExceptionally(), "expected a failed future");
    return assertThrows(CompletionException.class, future::join).getCause();
  }

  private CachePrimitive<String, String> cacheOf(MockPrimitive<String, String> delegate) {
    return CachePrimitive.<String, String>builder(delegate).build(runtime);
  }

  @Test
  void secondCallWithTheSameKeyIsAHit() {
    MockPrimitive<String, String> delegate =
        MockPrimitive.<String, String>named("load").thenReturn("one").thenReturn("two");
    CachePrimitive<String, String> cache = cacheOf(delegate);

    assertEquals("one", cache.execute("k", context).join());
    assertEquals("one", cache.execute("k", context).join());

    assertEquals(1, delegate.calls());
    CacheStats stats = cache.stats();
    assertEquals(1, stats.hits());
    assertEquals(1, stats.misses());
    assertEquals(0.5, stats.hitRate());
  }

  @Test
  void differentKeysMiss() {
    MockPrimitive<String, String> delegate =
        MockPrimitive.<String, String>named("load").thenAnswer(in -> in + "!");
    CachePrimitive<String, String> cache = cacheOf(delegate);

    assertEquals("a!", cache.execute("a", context).join());
    assertEquals("b!", cache.execute("b", context).join());

    assertEquals(List.of("a", "b"), delegate.inputs());
    assertEquals(0, cache.stats().hits());
    assertEquals(2, cache.stats().misses());
  }

  @Test
  void noCallsMeansZeroHitRate() {
    CachePrimitive<String, String> cache = cacheOf(MockPrimitive.returning("v"));
    assertEquals(new CacheStats(0, 0, 0, 0), cache.stats());
    assertEquals(0.0, cache.stats().hitRate());
  }

  @Test
  void customKeyFunctionDecidesWhatIsTheSame() {
    MockPrimitive<String, String> delegate =
        MockPrimitive.<String, String>named("load").thenAnswer(in -> "loaded " + in);
    CachePrimitive<String, String> cache =
        CachePrimitive.<String, String>builder(delegate).key(String::toLowerCase).build(runtime);

    assertEquals("loaded Key", cache.execute("Key", context).join());
    assertEquals("loaded Key", cache.execute("KEY", context).join());

    assertEquals(List.of("Key"), delegate.inputs());
    assertEquals(1, cache.stats().hits());
  }

  @Test
  void nullKeyIsAKeyLikeAnyOther() {
    MockPrimitive<String, String> delegate =
        MockPrimitive.<String, String>named("load").thenAnswer(in -> "loaded " + in);
    CachePrimitive<String, String> cache =
        CachePrimitive.<String, String>builder(delegate).key(in -> null).build(runtime);

    assertEquals("loaded a", cache.execute("a", context).join());
    assertEquals("loaded a", cache.execute("b", context).join());

    assertEquals(1, delegate.calls());
  }

  @Test
  void nullInputWithTheDefaultKeyIsCached() {
    MockPrimitive<String, String> delegate = MockPrimitive.returning("v");
    CachePrimitive<String, String> cache = cacheOf(delegate);

    assertEquals("v", cache.execute(null, context).join());
    assertEquals("v", cache.execute(null, context).join());

    assertEquals(1, delegate.calls());
  }

  @Test
  void keyFunctionFailureIsTheCallsFailure() {
    IllegalArgumentException bad = new IllegalArgumentException("bad key");
    MockPrimitive<String, String> delegate = MockPrimitive.returning("v");
    CachePrimitive<String, String> cache =
        CachePrimitive.<String, String>builder(delegate)
            .key(
                in -> {
                  throw bad;
                })
            .build(runtime);

    assertSame(bad, failureOf(cache.execute("a", context)));
    assertEquals(0, delegate.calls());
  }

  @Test
  void keyFunctionErrorIsTheCallsFailureNotAThrow() {
    AssertionError bad = new AssertionError("bad key");
    CachePrimitive<String, String> cache =
        CachePrimitive.<String, String>builder(MockPrimitive.returning("v"))
            .key(
                in -> {
                  throw bad;
                })
            .build(runtime);

    assertSame(bad, failureOf(cache.execute("a", context)));
  }

  @Test
  void concurrentCallsWithOneKeyShareOneExecution() throws Exception {
    int callers = 16;
    AtomicInteger runs = new AtomicInteger();
    CompletableFuture<String> inFlight = new CompletableFuture<>();
    WorkflowPrimitive<String, String> delegate =
        LambdaPrimitive.ofAsync(
            "slow",
            (in, ctx) -> {
              runs.incrementAndGet();
              return inFlight;
            });
    CachePrimitive<String, String> cache =
        CachePrimitive.<String, String>builder(delegate).build(runtime);
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      CountDownLatch ready = new CountDownLatch(callers);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<CompletableFuture<String>>> calls = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        calls.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  assertTrue(go.await(WAIT_SECONDS, TimeUnit.SECONDS));
                  return cache.execute("k", context);
                }));
      }
      assertTrue(ready.await(WAIT_SECONDS, TimeUnit.SECONDS));
      go.countDown();
      List<CompletableFuture<String>> results = new ArrayList<>();
      for (Future<CompletableFuture<String>> call : calls) {
        results.add(call.get(WAIT_SECONDS, TimeUnit.SECONDS)); // every caller has joined
      }
      for (CompletableFuture<String> result : results) {
        assertFalse(result.isDone(), "the shared call is still in flight");
      }

      inFlight.complete("v");

      for (CompletableFuture<String> result : results) {
        assertEquals("v", result.get(WAIT_SECONDS, TimeUnit.SECONDS));
      }
      assertEquals(1, runs.get());
      assertEquals(1, cache.stats().misses());
      assertEquals(callers - 1, cache.stats().hits());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void callsWhileTheFirstIsInFlightJoinIt() {
    MockPrimitive<String, String> delegate =
        MockPrimitive.<String, String>named("load")
            .thenReturn("v")
            .withDelay(Duration.ofMillis(100));
    CachePrimitive<String, String> cache =
        CachePrimitive.<String, String>builder(delegate).build(runtime);
    List<CompletableFuture<String>> results = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      results.add(cache.execute("k", context));
    }
    for (CompletableFuture<String> result : results) {
      assertFalse(result.isDone());
    }

    time.advance(Duration.ofMillis(100));

    for (CompletableFuture<String> result : results) {
      assertEquals("v", result.getNow(null));
    }
    assertEquals(1, delegate.calls());
  }

  @Test
  void failuresAreNeverCached() {
    IOException down = new IOException("down");
    MockPrimitive<String, String> delegate =
        MockPrimitive.<String, String>named("load").thenFail(down).thenReturn("v");
    CachePrimitive<String, String> cache = cacheOf(delegate);

    assertSame(down, failureOf(cache.execute("k", context)));
    assertEquals("v", cache.execute("k", context).join());
    assertEquals("v", cache.execute("k", context).join());

    assertEquals(2, delegate.calls());
    assertEquals(2, cache.stats().misses());
    assertEquals(1, cache.stats().hits());
  }

  @Test
  void aFailureInFlightIsSharedButNotKept() {
    IOException down = new IOException("down");
    MockPrimitive<String, String> delegate =
        MockPrimitive.<String, String>named("load")
            .thenFail(down)
            .thenReturn("v")
            .withDelay(Duration.ofMillis(10));
    CachePrimitive<String, String> cache =
        CachePrimitive.<String, String>builder(delegate).build(runtime);
    CompletableFuture<String> first = cache.execute("k", context);
    CompletableFuture<String> joined = cache.execute("k", context);

    time.advance(Duration.ofMillis(10));

    assertSame(down, failureOf(first));
    assertSame(down, failureOf(joined));
    CompletableFuture<String> again = cache.execute("k", context);
    time.advance(Duration.ofMillis(10));
    assertEquals("v", again.getNow(null));
    assertEquals(2, delegate.calls());
  }

  @Test
  void failuresGoToTheCallerAndAreNotLogged() {
    List<String> logged = Collections.synchronizedList(new ArrayList<>());
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord logRecord) {
            logged.add(logRecord.getLevel() + " " + logRecord.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger caffeine = Logger.getLogger("com.github.benmanes.caffeine");
    caffeine.addHandler(handler);
    try {
      IOException down = new IOException("down");
      CachePrimitive<String, String> cache = cacheOf(MockPrimitive.failing(down));

      assertSame(down, failureOf(cache.execute("k", context)));

      assertEquals(List.of(), logged, "a failed call is the caller's to report");
    } finally {
      caffeine.removeHandler(handler);
    }
  }

  @Test
  void nullResultsAreNotCached() {
    MockPrimitive<String, String> delegate = MockPrimitive.returning(null);
    CachePrimitive<String, String> cache = cacheOf(delegate);

    assertNull(cache.execute("k", context).join());
    assertNull(cache.execute("k", context).join());

    assertEquals(2, delegate.calls());
  }

  @Test
  void entryIsAHitJustBeforeTheTtl() {
    MockPrimitive<String, String> delegate = MockPrimitive.returning("v");
    CachePrimitive<String, String> cache =
        CachePrimitive.<String, String>builder(delegate).ttl(Duration.ofSeconds(10)).build(runtime);
    cache.execute("k", context).join();

    time.advance(Duration.ofSeconds(10).minusMillis(1));
    cache.execute("k", context).join();

    assertEquals(1, delegate.calls());
    assertEquals(1, cache.stats().hits());
  }

  @Test
  void entryExpiresAfterTheTtl() {
    MockPrimitive<String, String> delegate =
        MockPrimitive.<String, String>named("load").thenReturn("old").thenReturn("new");
    CachePrimitive<String, String> cache =
        CachePrimitive.<String, String>builder(delegate).ttl(Duration.ofSeconds(10)).build(runtime);
    cache.execute("k", context).join();

    time.advance(Duration.ofSeconds(10).plusMillis(1));

    assertEquals("new", cache.execute("k", context).join());
    assertEquals(2, delegate.calls());
    assertEquals(2, cache.stats().misses());
  }

  @Test
  void ttlCountsFromWhenTheValueArrives() {
    MockPrimitive<String, String> delegate =
        MockPrimitive.<String, String>named("load")
            .thenReturn("v")
            .withDelay(Duration.ofSeconds(5));
    CachePrimitive<String, String> cache =
        CachePrimitive.<String, String>builder(delegate).ttl(Duration.ofSeconds(10)).build(runtime);
    CompletableFuture<String> first = cache.execute("k", context);
    time.advance(Duration.ofSeconds(5)); // the value arrives at 5s

    time.advance(Duration.ofSeconds(9)); // 14s: 9s after it arrived
    CompletableFuture<String> stillCached = cache.execute("k", context);
    time.advance(Duration.ofSeconds(2)); // 16s: 11s after it arrived
    CompletableFuture<String> expired = cache.execute("k", context);

    assertEquals("v", first.getNow(null));
    assertEquals("v", stillCached.getNow(null));
    assertFalse(expired.isDone(), "an expired entry runs the work again");
    assertEquals(2, delegate.calls());
  }

  @Test
  void sizeBoundHolds() {
    MockPrimitive<String, String> delegate =
        MockPrimitive.<String, String>named("load").thenAnswer(in -> in + "!");
    CachePrimitive<String, String> cache =
        CachePrimitive.<String, String>builder(delegate).maxSize(2).build(runtime);
    for (String key : List.of("a", "b", "c", "d", "e")) {
      assertEquals(key + "!", cache.execute(key, context).join());
    }

    cache.cleanUp();

    CacheStats stats = cache.stats();
    assertTrue(stats.size() <= 2, "size " + stats.size());
    assertTrue(stats.evictions() >= 1, "evictions " + stats.evictions());
  }

  @Test
  void invalidateAllDropsEveryEntry() {
    MockPrimitive<String, String> delegate = MockPrimitive.returning("v");
    CachePrimitive<String, String> cache = cacheOf(delegate);
    cache.execute("k", context).join();

    cache.invalidateAll();
    cache.execute("k", context).join();

    assertEquals(2, delegate.calls());
  }

  @Test
  void aCallerCancellingDoesNotBreakTheEntryForOthers() {
    MockPrimitive<String, String> delegate =
        MockPrimitive.<String, String>named("load")
            .thenReturn("v")
            .withDelay(Duration.ofMillis(10));
    CachePrimitive<String, String> cache =
        CachePrimitive.<String, String>builder(delegate).build(runtime);
    CompletableFuture<String> first = cache.execute("k", context);
    CompletableFuture<String> second = cache.execute("k", context);

    assertTrue(first.cancel(true));
    time.advance(Duration.ofMillis(10));

    assertTrue(first.isCancelled());
    assertEquals("v", second.getNow(null));
    assertEquals("v", cache.execute("k", context).getNow(null));
    assertEquals(1, delegate.calls());
    assertEquals(0, delegate.cancellations());
  }

  @Test
  void theOnlyCallerCancellingStopsTheSharedExecutionAndDropsTheEntry() {
    MockPrimitive<String, String> delegate =
        MockPrimitive.<String, String>named("load")
            .thenReturn("v")
            .withDelay(Duration.ofMillis(10));
    CachePrimitive<String, String> cache =
        CachePrimitive.<String, String>builder(delegate).build(runtime);

    assertTrue(cache.execute("k", context).cancel(true));
    time.advance(Duration.ofMillis(10));

    assertEquals(1, delegate.cancellations());
    CompletableFuture<String> again = cache.execute("k", context);
    time.advance(Duration.ofMillis(10));
    assertEquals("v", again.getNow(null));
    assertEquals(2, delegate.calls(), "the abandoned execution was not dropped");
  }

  @Test
  void cancellingAHitDoesNotBreakTheEntry() {
    MockPrimitive<String, String> delegate = MockPrimitive.returning("v");
    CachePrimitive<String, String> cache = cacheOf(delegate);
    cache.execute("k", context).join();

    cache.execute("k", context).cancel(true);

    assertEquals("v", cache.execute("k", context).join());
    assertEquals(1, delegate.calls());
  }

  @Test
  void builderRejectsANonPositiveTtl() {
    CachePrimitive.Builder<String, String> builder =
        CachePrimitive.builder(MockPrimitive.<String, String>returning("v"));
    assertThrows(IllegalArgumentException.class, () -> builder.ttl(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> builder.ttl(Duration.ofSeconds(-1)));
  }

  @Test
  void builderRejectsMaxSizeBelowOne() {
    CachePrimitive.Builder<String, String> builder =
        CachePrimitive.builder(MockPrimitive.<String, String>returning("v"));
    assertThrows(IllegalArgumentException.class, () -> builder.maxSize(0));
    assertThrows(IllegalArgumentException.class, () -> builder.maxSize(-5));
  }

  @Test
  void listenerHearsMissThenHit() {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    WorkflowListener listener =
        new WorkflowListener() {
          @Override
          public void onCacheHit(WorkflowContext ctx, String step) {
            events.add("hit " + step + " in " + ctx.workflowName());
          }

          @Override
          public void onCacheMiss(WorkflowContext ctx, String step) {
            events.add("miss " + step + " in " + ctx.workflowName());
          }
        };
    WorkflowContext listened =
        WorkflowContext.create("cached", runtime.toBuilder().listener(listener).build());
    CachePrimitive<String, String> cache =
        cacheOf(MockPrimitive.<String, String>named("load").thenReturn("v"));

    cache.execute("k", listened).join();
    cache.execute("k", listened).join();
    cache.execute("other", listened).join();

    assertEquals(
        List.of("miss load in cached", "hit load in cached", "miss load in cached"), events);
  }

  @Test
  void takesTheDelegatesNameAndBlocking() {
    MockPrimitive<String, String> delegate = MockPrimitive.named("load");
    CachePrimitive<String, String> cache = cacheOf(delegate);
    assertEquals("load", cache.name());
    assertFalse(cache.isBlocking());
  }
}

package dev.tta.primitives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.testing.MockPrimitive;
import dev.tta.primitives.testing.VirtualTime;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SequentialPrimitiveTest {

  private final VirtualTime time = new VirtualTime();
  private final WorkflowContext context = WorkflowContext.create("seq", time.runtime());

  @Test
  void feedsEachOutputToTheNextStep() {
    WorkflowPrimitive<String, Integer> length = LambdaPrimitive.of("length", String::length);
    WorkflowPrimitive<Integer, Integer> twice = LambdaPrimitive.of("twice", n -> n * 2);
    WorkflowPrimitive<String, Integer> chain = length.then(twice);

    assertEquals(10, chain.execute("hello", context).join());
  }

  @Test
  void syncStepsRunOnTheCallersThread() {
    List<Thread> threads = new ArrayList<>();
    WorkflowPrimitive<Integer, Integer> record =
        LambdaPrimitive.of(
            "record",
            (Integer n) -> {
              threads.add(Thread.currentThread());
              return n + 1;
            });
    SequentialPrimitive<Integer, Integer> chain =
        SequentialPrimitive.ofUnchecked(List.of(record, record, record));

    CompletableFuture<Integer> result = chain.execute(0, context);

    assertTrue(result.isDone(), "a chain of sync steps completes before execute returns");
    assertEquals(3, result.join());
    assertEquals(
        List.of(Thread.currentThread(), Thread.currentThread(), Thread.currentThread()), threads);
  }

  @Test
  void continuesAfterAnAsyncStep() {
    MockPrimitive<String, String> slow =
        MockPrimitive.<String, String>named("slow")
            .thenAnswer(s -> s + "!")
            .withDelay(Duration.ofSeconds(1));
    WorkflowPrimitive<String, Integer> chain = slow.then(LambdaPrimitive.of("len", String::length));

    CompletableFuture<Integer> result = chain.execute("abc", context);
    assertFalse(result.isDone());

    time.advance(Duration.ofSeconds(1));
    assertEquals(4, result.join());
  }

  @Test
  void stopsAtTheFirstFailure() {
    MockPrimitive<Object, Object> first = MockPrimitive.failing(new IOException("disk"));
    MockPrimitive<Object, Object> second = MockPrimitive.returning("never");
    SequentialPrimitive<Object, Object> chain =
        SequentialPrimitive.ofUnchecked(List.of(first, second));

    ExecutionException e =
        assertThrows(ExecutionException.class, () -> chain.execute("x", context).get());

    assertTrue(e.getCause() instanceof IOException);
    assertEquals(0, second.calls());
  }

  @Test
  void failureOfAnAsyncStepSkipsTheRest() {
    MockPrimitive<Object, Object> first =
        MockPrimitive.named("first")
            .thenFail(new IOException("late"))
            .withDelay(Duration.ofMillis(5));
    MockPrimitive<Object, Object> second = MockPrimitive.returning("never");
    CompletableFuture<Object> result =
        SequentialPrimitive.ofUnchecked(List.of(first, second)).execute("x", context);

    time.advance(Duration.ofMillis(5));

    assertTrue(result.isCompletedExceptionally());
    assertEquals(0, second.calls());
  }

  @Test
  void cancellingStopsTheStepInFlightAndStartsNoMore() {
    MockPrimitive<Object, Object> first =
        MockPrimitive.named("first").thenReturn("a").withDelay(Duration.ofSeconds(1));
    MockPrimitive<Object, Object> second = MockPrimitive.returning("b");
    CompletableFuture<Object> result =
        SequentialPrimitive.ofUnchecked(List.of(first, second)).execute("x", context);

    assertTrue(result.cancel(true));
    time.advance(Duration.ofSeconds(2));

    assertEquals(1, first.cancellations());
    assertEquals(0, second.calls());
    assertThrows(CancellationException.class, result::join);
  }

  @Test
  void aPrimitiveThatThrowsBecomesAFailure() {
    IllegalStateException bug = new IllegalStateException("bug");
    WorkflowPrimitive<Object, Object> throwing =
        (input, ctx) -> {
          throw bug;
        };
    AtomicReference<Throwable> seen = new AtomicReference<>();

    SequentialPrimitive.ofUnchecked(List.of(throwing))
        .execute("x", context)
        .whenComplete((v, t) -> seen.set(t));

    assertSame(bug, seen.get());
  }

  @Test
  void rejectsAnEmptySequence() {
    assertThrows(IllegalArgumentException.class, () -> SequentialPrimitive.ofUnchecked(List.of()));
  }

  @Test
  void isBlockingWhenAnyStageBlocks() {
    WorkflowPrimitive<Object, Object> sync = LambdaPrimitive.of("sync", (Object o) -> o);
    WorkflowPrimitive<Object, Object> async =
        LambdaPrimitive.ofAsync("async", (o, c) -> CompletableFuture.completedFuture(o));

    assertTrue(SequentialPrimitive.ofUnchecked(List.of(async, sync)).isBlocking());
    assertFalse(SequentialPrimitive.ofUnchecked(List.of(async, async)).isBlocking());
  }
}

package dev.tta.primitives.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.WorkflowContext;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class MockPrimitiveTest {

  private final VirtualTime time = new VirtualTime();
  private final WorkflowContext context = WorkflowContext.create("mock-test", time.runtime());

  private static Throwable failureOf(CompletableFuture<?> future) {
    assertTrue(future.isCompletedExceptionally(), "expected a failed future");
    CompletionException e = assertThrows(CompletionException.class, future::join);
    return e.getCause();
  }

  @Test
  void answersInScriptOrder() {
    MockPrimitive<String, Integer> mock =
        MockPrimitive.<String, Integer>named("m").thenReturn(1).thenReturn(2).thenReturn(3);
    assertEquals(1, mock.execute("a", context).join());
    assertEquals(2, mock.execute("b", context).join());
    assertEquals(3, mock.execute("c", context).join());
  }

  @Test
  void lastAnswerRepeats() {
    MockPrimitive<String, Integer> mock =
        MockPrimitive.<String, Integer>named("m").thenReturn(1).thenReturn(2);
    mock.execute("a", context).join();
    assertEquals(2, mock.execute("b", context).join());
    assertEquals(2, mock.execute("c", context).join());
    assertEquals(2, mock.execute("d", context).join());
  }

  @Test
  void returningAlwaysReturnsTheValue() {
    MockPrimitive<String, String> mock = MockPrimitive.returning("v");
    assertEquals("v", mock.execute("a", context).join());
    assertEquals("v", mock.execute("b", context).join());
  }

  @Test
  void thenFailDeliversACheckedExceptionAsTheCause() {
    IOException down = new IOException("down");
    MockPrimitive<String, Integer> mock = MockPrimitive.<String, Integer>named("m").thenFail(down);
    assertSame(down, failureOf(mock.execute("a", context)));
  }

  @Test
  void failingAlwaysFailsWithTheFailure() {
    IllegalStateException boom = new IllegalStateException("boom");
    MockPrimitive<String, Integer> mock = MockPrimitive.failing(boom);
    assertSame(boom, failureOf(mock.execute("a", context)));
    assertSame(boom, failureOf(mock.execute("b", context)));
  }

  @Test
  void failureThenSuccessFollowsTheScript() {
    MockPrimitive<String, Integer> mock =
        MockPrimitive.<String, Integer>named("m").thenFail(new IOException("down")).thenReturn(7);
    assertInstanceOf(IOException.class, failureOf(mock.execute("a", context)));
    assertEquals(7, mock.execute("a", context).join());
  }

  @Test
  void thenAnswerComputesFromTheInput() {
    MockPrimitive<String, Integer> mock =
        MockPrimitive.<String, Integer>named("m").thenAnswer(String::length);
    assertEquals(3, mock.execute("abc", context).join());
    assertEquals(5, mock.execute("abcde", context).join());
  }

  @Test
  void thenAnswerThrowingBecomesTheFailure() {
    IllegalArgumentException bad = new IllegalArgumentException("bad");
    MockPrimitive<String, Integer> mock =
        MockPrimitive.<String, Integer>named("m")
            .thenAnswer(
                input -> {
                  throw bad;
                });
    assertSame(bad, failureOf(mock.execute("a", context)));
  }

  @Test
  void inputsAreRecordedInCallOrder() {
    MockPrimitive<String, Integer> mock = MockPrimitive.returning(0);
    mock.execute("x", context);
    mock.execute(null, context);
    mock.execute("y", context);
    assertEquals(Arrays.asList("x", null, "y"), mock.inputs());
    assertEquals(3, mock.calls());
  }

  @Test
  void inputsIsACopy() {
    MockPrimitive<String, Integer> mock = MockPrimitive.returning(0);
    mock.execute("x", context);
    List<String> inputs = mock.inputs();
    mock.execute("y", context);
    assertEquals(List.of("x"), inputs);
  }

  @Test
  void emptyScriptFailsWithIllegalStateException() {
    MockPrimitive<String, Integer> mock = MockPrimitive.named("empty");
    Throwable failure = failureOf(mock.execute("a", context));
    assertInstanceOf(IllegalStateException.class, failure);
    assertTrue(failure.getMessage().contains("empty"), failure.getMessage());
  }

  @Test
  void reportsItsNameAndNeverBlocks() {
    MockPrimitive<String, Integer> mock = MockPrimitive.named("fetch");
    assertEquals("fetch", mock.name());
    assertFalse(mock.isBlocking());
  }

  @Test
  void withDelayCompletesOnlyAfterTheDelayPasses() {
    MockPrimitive<String, Integer> mock =
        MockPrimitive.<String, Integer>named("m").thenReturn(7).withDelay(Duration.ofMillis(100));
    CompletableFuture<Integer> result = mock.execute("a", context);
    assertFalse(result.isDone());
    assertEquals(1, mock.calls());
    time.advance(Duration.ofMillis(99));
    assertFalse(result.isDone());
    time.advance(Duration.ofMillis(1));
    assertEquals(7, result.getNow(null));
    assertEquals(List.of(Duration.ofMillis(100)), time.scheduledDelays());
  }

  @Test
  void withDelayDeliversAScriptedFailureAfterTheDelay() {
    IOException down = new IOException("down");
    MockPrimitive<String, Integer> mock =
        MockPrimitive.<String, Integer>named("m").thenFail(down).withDelay(Duration.ofMillis(10));
    CompletableFuture<Integer> result = mock.execute("a", context);
    assertFalse(result.isDone());
    time.advance(Duration.ofMillis(10));
    assertSame(down, failureOf(result));
  }

  @Test
  void cancellationsCountsCancelledDelayedAnswers() {
    MockPrimitive<String, Integer> mock =
        MockPrimitive.<String, Integer>named("m").thenReturn(7).withDelay(Duration.ofMillis(10));
    CompletableFuture<Integer> first = mock.execute("a", context);
    CompletableFuture<Integer> second = mock.execute("b", context);
    assertTrue(first.cancel(true));
    time.advance(Duration.ofMillis(10));
    assertTrue(first.isCancelled());
    assertEquals(7, second.getNow(null));
    assertEquals(1, mock.cancellations());
  }

  @Test
  void cancellingTwiceCountsOnce() {
    MockPrimitive<String, Integer> mock =
        MockPrimitive.<String, Integer>named("m").thenReturn(7).withDelay(Duration.ofMillis(10));
    CompletableFuture<Integer> result = mock.execute("a", context);
    result.cancel(true);
    result.cancel(true);
    assertEquals(1, mock.cancellations());
  }

  @Test
  void cancellingADelayedAnswerLeavesNoTimerBehind() {
    MockPrimitive<String, Integer> mock =
        MockPrimitive.<String, Integer>named("m").thenReturn(7).withDelay(Duration.ofMillis(10));
    CompletableFuture<Integer> result = mock.execute("a", context);
    assertEquals(1, time.pendingTasks());
    result.cancel(true);
    assertEquals(0, time.pendingTasks());
  }

  @Test
  void cancellingAnAnswerThatCameIsNotCounted() {
    MockPrimitive<String, Integer> mock =
        MockPrimitive.<String, Integer>named("m").thenReturn(7).withDelay(Duration.ofMillis(10));
    CompletableFuture<Integer> result = mock.execute("a", context);
    time.advance(Duration.ofMillis(10));
    assertFalse(result.cancel(true));
    assertEquals(0, mock.cancellations());
  }
}

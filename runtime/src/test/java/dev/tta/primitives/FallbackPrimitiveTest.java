package dev.tta.primitives;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.testing.MockPrimitive;
import dev.tta.primitives.testing.VirtualTime;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class FallbackPrimitiveTest {

  private final VirtualTime time = new VirtualTime();
  private final WorkflowRuntime runtime = time.runtime();
  private final WorkflowContext context = WorkflowContext.create("fallback-test", runtime);

  private static Throwable failureOf(CompletableFuture<?> future) {
    assertTrue(future.isCompletedExceptionally(), "expected a failed future");
    return assertThrows(CompletionException.class, future::join).getCause();
  }

  /** What a recovery function was given. */
  private static final class Recorded {
    final List<Object> inputs = Collections.synchronizedList(new ArrayList<>());
    final List<Throwable> causes = Collections.synchronizedList(new ArrayList<>());

    <I> FallbackPrimitive.SyncRecovery<I, String> returning(String value) {
      return (input, cause, ctx) -> {
        inputs.add(input);
        causes.add(cause);
        return value;
      };
    }
  }

  @Test
  void fallbackValueIsReturnedOnFailure() {
    MockPrimitive<String, String> primary = MockPrimitive.failing(new IOException("down"));
    MockPrimitive<String, String> fallback = MockPrimitive.returning("fallback");

    String result = FallbackPrimitive.of(primary, fallback).execute("in", context).join();

    assertEquals("fallback", result);
    assertEquals(List.of("in"), primary.inputs());
    assertEquals(List.of("in"), fallback.inputs());
  }

  @Test
  void fallbackReceivesTheInputAndTheCause() {
    IOException down = new IOException("down");
    Recorded recorded = new Recorded();
    FallbackPrimitive<String, String> step =
        FallbackPrimitive.<String, String>builder(MockPrimitive.failing(down))
            .recover(recorded.returning("fallback"));

    step.execute("in", context).join();

    assertEquals(List.of("in"), recorded.inputs);
    assertEquals(List.of(down), recorded.causes);
  }

  @Test
  void fallbackReceivesTheCauseWithoutFutureWrappers() {
    IOException down = new IOException("down");
    WorkflowPrimitive<String, String> primary =
        LambdaPrimitive.ofAsync(
            "wrapped", (in, ctx) -> CompletableFuture.failedFuture(new CompletionException(down)));
    Recorded recorded = new Recorded();
    FallbackPrimitive<String, String> step =
        FallbackPrimitive.<String, String>builder(primary).recover(recorded.returning("fallback"));

    assertEquals("fallback", step.execute("in", context).join());
    assertEquals(List.of(down), recorded.causes);
  }

  @Test
  void fallbackAfterRetriesReceivesTheStepsOwnFailure() {
    IOException down = new IOException("down");
    MockPrimitive<String, String> flaky = MockPrimitive.failing(down);
    RetryPrimitive<String, String> retried =
        RetryPrimitive.of(
            flaky,
            RetryPolicy.builder().maxAttempts(2).delay(Duration.ofMillis(10)).jitter(0).build());
    Recorded recorded = new Recorded();
    FallbackPrimitive<String, String> step =
        FallbackPrimitive.<String, String>builder(retried).recover(recorded.returning("fallback"));

    CompletableFuture<String> result = step.execute("in", context);
    time.advance(Duration.ofMillis(10));

    assertEquals("fallback", result.getNow(null));
    assertEquals(2, flaky.calls());
    assertEquals(List.of(down), recorded.causes, "the cause, not the WorkflowException");
  }

  @Test
  void retriesExhaustedFailWithAWorkflowExceptionThatApplyOnSeesThrough() {
    IOException down = new IOException("down");
    RetryPrimitive<String, String> retried =
        RetryPrimitive.of(
            MockPrimitive.failing(down),
            RetryPolicy.builder().maxAttempts(2).delay(Duration.ofMillis(10)).jitter(0).build());
    CompletableFuture<String> alone = retried.execute("in", context);
    time.advance(Duration.ofMillis(10));
    assertInstanceOf(WorkflowException.class, failureOf(alone));

    FallbackPrimitive<String, String> step =
        FallbackPrimitive.<String, String>builder(retried)
            .applyOn(IOException.class)
            .to(MockPrimitive.returning("fallback"));
    CompletableFuture<String> result = step.execute("in", context);
    time.advance(Duration.ofMillis(10));

    assertEquals("fallback", result.getNow(null));
  }

  @Test
  void applyOnHandlesMatchingFailures() {
    MockPrimitive<String, String> fallback = MockPrimitive.returning("fallback");
    FallbackPrimitive<String, String> step =
        FallbackPrimitive.<String, String>builder(MockPrimitive.failing(new IOException("down")))
            .applyOn(IOException.class)
            .to(fallback);

    assertEquals("fallback", step.execute("in", context).join());
  }

  @Test
  void applyOnMatchesSubclasses() {
    FallbackPrimitive<String, String> step =
        FallbackPrimitive.<String, String>builder(
                MockPrimitive.failing(new FileNotFoundException("gone")))
            .applyOn(IOException.class)
            .to(MockPrimitive.returning("fallback"));

    assertEquals("fallback", step.execute("in", context).join());
  }

  @Test
  void failuresOutsideApplyOnPropagateUnchanged() {
    IllegalStateException bug = new IllegalStateException("bug");
    MockPrimitive<String, String> fallback = MockPrimitive.returning("fallback");
    FallbackPrimitive<String, String> step =
        FallbackPrimitive.<String, String>builder(MockPrimitive.failing(bug))
            .applyOn(IOException.class)
            .to(fallback);

    assertSame(bug, failureOf(step.execute("in", context)));
    assertEquals(0, fallback.calls());
  }

  @Test
  void asyncFailuresOutsideApplyOnPropagateUnchanged() {
    IllegalStateException bug = new IllegalStateException("bug");
    MockPrimitive<String, String> primary =
        MockPrimitive.<String, String>named("slow").thenFail(bug).withDelay(Duration.ofMillis(10));
    MockPrimitive<String, String> fallback = MockPrimitive.returning("fallback");
    FallbackPrimitive<String, String> step =
        FallbackPrimitive.<String, String>builder(primary).applyOn(IOException.class).to(fallback);

    CompletableFuture<String> result = step.execute("in", context);
    time.advance(Duration.ofMillis(10));

    assertSame(bug, failureOf(result));
    assertEquals(0, fallback.calls());
  }

  @Test
  void skipOnWinsOverApplyOn() {
    FileNotFoundException gone = new FileNotFoundException("gone");
    MockPrimitive<String, String> fallback = MockPrimitive.returning("fallback");
    FallbackPrimitive<String, String> step =
        FallbackPrimitive.<String, String>builder(MockPrimitive.failing(gone))
            .applyOn(IOException.class)
            .skipOn(FileNotFoundException.class)
            .to(fallback);

    assertSame(gone, failureOf(step.execute("in", context)));
    assertEquals(0, fallback.calls());
  }

  @Test
  void skipOnLeavesOtherFailuresToTheFallback() {
    FallbackPrimitive<String, String> step =
        FallbackPrimitive.<String, String>builder(MockPrimitive.failing(new IOException("down")))
            .skipOn(FileNotFoundException.class)
            .to(MockPrimitive.returning("fallback"));

    assertEquals("fallback", step.execute("in", context).join());
  }

  @Test
  void chainReachesTheSecondFallback() {
    MockPrimitive<String, String> primary = MockPrimitive.failing(new IOException("first"));
    MockPrimitive<String, String> second = MockPrimitive.failing(new IOException("second"));
    MockPrimitive<String, String> third = MockPrimitive.returning("third");

    String result =
        FallbackPrimitive.of(primary, FallbackPrimitive.of(second, third))
            .execute("in", context)
            .join();

    assertEquals("third", result);
    assertEquals(List.of("in"), second.inputs());
    assertEquals(List.of("in"), third.inputs());
  }

  @Test
  void fallbacksOwnFailurePropagatesWithTheOriginalSuppressed() {
    IOException original = new IOException("primary down");
    IllegalStateException own = new IllegalStateException("fallback down too");
    FallbackPrimitive<String, String> step =
        FallbackPrimitive.of(MockPrimitive.failing(original), MockPrimitive.failing(own));

    Throwable failure = failureOf(step.execute("in", context));

    WorkflowException both = assertInstanceOf(WorkflowException.class, failure);
    assertSame(own, both.getCause());
    assertEquals("fallback-test", both.workflow());
    assertEquals("mock", both.step());
    assertEquals(1, both.attempts());
    assertArrayEquals(new Throwable[] {original}, both.getSuppressed());
    assertArrayEquals(new Throwable[0], own.getSuppressed(), "the fallback's exception changed");
  }

  @Test
  void asyncFallbacksOwnFailurePropagatesWithTheOriginalSuppressed() {
    IOException original = new IOException("primary down");
    IllegalStateException own = new IllegalStateException("fallback down too");
    MockPrimitive<String, String> primary =
        MockPrimitive.<String, String>named("p").thenFail(original).withDelay(Duration.ofMillis(5));
    MockPrimitive<String, String> fallback =
        MockPrimitive.<String, String>named("f").thenFail(own).withDelay(Duration.ofMillis(5));
    CompletableFuture<String> result =
        FallbackPrimitive.of(primary, fallback).execute("in", context);

    time.advance(Duration.ofMillis(10));

    Throwable failure = failureOf(result);
    assertSame(own, failure.getCause());
    assertArrayEquals(new Throwable[] {original}, failure.getSuppressed());
    assertArrayEquals(new Throwable[0], own.getSuppressed(), "the fallback's exception changed");
  }

  @Test
  void fallbackRethrowingItsCausePropagatesTheOriginalFailureWithoutACycle() {
    IOException down = new IOException("down");
    RetryPrimitive<String, String> retried =
        RetryPrimitive.of(
            MockPrimitive.failing(down),
            RetryPolicy.builder().maxAttempts(2).delay(Duration.ofMillis(10)).jitter(0).build());
    FallbackPrimitive<String, String> step =
        FallbackPrimitive.<String, String>builder(retried)
            .recover(
                (in, cause, ctx) -> {
                  throw (Exception) cause; // declines: "not mine to handle"
                });

    CompletableFuture<String> result = step.execute("in", context);
    time.advance(Duration.ofMillis(10));

    WorkflowException failure = assertInstanceOf(WorkflowException.class, failureOf(result));
    assertSame(down, failure.getCause());
    assertEquals(2, failure.attempts());
    assertArrayEquals(new Throwable[0], down.getSuppressed(), "no cause -> wrapper -> cause cycle");
  }

  @Test
  void syncRecoveryThrowingACheckedExceptionFailsWithIt() {
    IOException original = new IOException("primary down");
    Exception own = new Exception("recovery down");
    FallbackPrimitive<String, String> step =
        FallbackPrimitive.<String, String>builder(MockPrimitive.failing(original))
            .recover(
                (in, cause, ctx) -> {
                  throw own;
                });

    Throwable failure = failureOf(step.execute("in", context));

    assertInstanceOf(WorkflowException.class, failure);
    assertSame(own, failure.getCause());
    assertArrayEquals(new Throwable[] {original}, failure.getSuppressed());
  }

  @Test
  void successNeverCallsTheFallback() {
    MockPrimitive<String, String> fallback = MockPrimitive.returning("fallback");
    FallbackPrimitive<String, String> step =
        FallbackPrimitive.of(MockPrimitive.returning("primary"), fallback);

    assertEquals("primary", step.execute("in", context).join());
    assertEquals(0, fallback.calls());
  }

  @Test
  void asyncSuccessNeverCallsTheFallback() {
    MockPrimitive<String, String> primary =
        MockPrimitive.<String, String>named("p")
            .thenReturn("primary")
            .withDelay(Duration.ofMillis(5));
    MockPrimitive<String, String> fallback = MockPrimitive.returning("fallback");
    CompletableFuture<String> result =
        FallbackPrimitive.of(primary, fallback).execute("in", context);

    time.advance(Duration.ofMillis(5));

    assertEquals("primary", result.getNow(null));
    assertEquals(0, fallback.calls());
  }

  @Test
  void asyncPrimaryFailureIsRecoveredWhenItFails() {
    MockPrimitive<String, String> primary =
        MockPrimitive.<String, String>named("p")
            .thenFail(new IOException("down"))
            .withDelay(Duration.ofMillis(10));
    MockPrimitive<String, String> fallback = MockPrimitive.returning("fallback");
    CompletableFuture<String> result =
        FallbackPrimitive.of(primary, fallback).execute("in", context);

    assertFalse(result.isDone());
    assertEquals(0, fallback.calls());
    time.advance(Duration.ofMillis(10));

    assertEquals("fallback", result.getNow(null));
  }

  @Test
  void cancellingTheResultDoesNotRunTheFallback() {
    MockPrimitive<String, String> primary =
        MockPrimitive.<String, String>named("p")
            .thenFail(new IOException("down"))
            .withDelay(Duration.ofMillis(10));
    MockPrimitive<String, String> fallback = MockPrimitive.returning("fallback");
    CompletableFuture<String> result =
        FallbackPrimitive.of(primary, fallback).execute("in", context);

    assertTrue(result.cancel(true));
    time.advance(Duration.ofMillis(10));

    assertTrue(result.isCancelled());
    assertEquals(1, primary.cancellations(), "the primary in flight is cancelled");
    assertEquals(0, fallback.calls());
  }

  @Test
  void aCancelledPrimaryIsNotRecovered() {
    CompletableFuture<String> inFlight = new CompletableFuture<>();
    WorkflowPrimitive<String, String> primary = LambdaPrimitive.ofAsync("p", (in, ctx) -> inFlight);
    MockPrimitive<String, String> fallback = MockPrimitive.returning("fallback");
    CompletableFuture<String> result =
        FallbackPrimitive.of(primary, fallback).execute("in", context);

    inFlight.cancel(true);

    assertThrows(CancellationException.class, result::join);
    assertEquals(0, fallback.calls());
  }

  @Test
  void cancellingWhileTheFallbackRunsCancelsTheFallback() {
    MockPrimitive<String, String> fallback =
        MockPrimitive.<String, String>named("f")
            .thenReturn("fallback")
            .withDelay(Duration.ofMillis(10));
    CompletableFuture<String> result =
        FallbackPrimitive.of(
                MockPrimitive.<String, String>failing(new IOException("down")), fallback)
            .execute("in", context);
    assertEquals(1, fallback.calls());

    assertTrue(result.cancel(true));

    assertEquals(1, fallback.cancellations());
    assertEquals(0, time.pendingTasks());
  }

  @Test
  void cancellingWhileAnAsyncFallbackRunsCancelsTheFallback() {
    MockPrimitive<String, String> primary =
        MockPrimitive.<String, String>named("p")
            .thenFail(new IOException("down"))
            .withDelay(Duration.ofMillis(10));
    MockPrimitive<String, String> fallback =
        MockPrimitive.<String, String>named("f")
            .thenReturn("fallback")
            .withDelay(Duration.ofMillis(10));
    CompletableFuture<String> result =
        FallbackPrimitive.of(primary, fallback).execute("in", context);
    time.advance(Duration.ofMillis(10));
    assertEquals(1, fallback.calls());

    assertTrue(result.cancel(true));

    assertEquals(1, fallback.cancellations());
    assertEquals(0, time.pendingTasks());
  }

  @Test
  void recoverComputesTheValueFromInputAndCause() {
    FallbackPrimitive<String, String> step =
        FallbackPrimitive.<String, String>builder(MockPrimitive.failing(new IOException("down")))
            .recover((in, cause, ctx) -> in + " recovered from " + cause.getMessage());

    assertEquals("in recovered from down", step.execute("in", context).join());
  }

  @Test
  void recoverAsyncCompletesWhenItsStageDoes() {
    CompletableFuture<String> pending = new CompletableFuture<>();
    List<Throwable> causes = new ArrayList<>();
    IOException down = new IOException("down");
    FallbackPrimitive<String, String> step =
        FallbackPrimitive.<String, String>builder(MockPrimitive.failing(down))
            .recoverAsync(
                (in, cause, ctx) -> {
                  causes.add(cause);
                  return pending;
                });

    CompletableFuture<String> result = step.execute("in", context);
    assertFalse(result.isDone());
    pending.complete("later");

    assertEquals("later", result.getNow(null));
    assertEquals(List.of(down), causes);
  }

  @Test
  void recoverAsyncReturningNoStageFails() {
    IOException original = new IOException("down");
    FallbackPrimitive<String, String> step =
        FallbackPrimitive.<String, String>builder(MockPrimitive.failing(original))
            .recoverAsync((in, cause, ctx) -> null);

    Throwable failure = failureOf(step.execute("in", context));

    assertInstanceOf(NullPointerException.class, failure.getCause());
    assertArrayEquals(new Throwable[] {original}, failure.getSuppressed());
  }

  @Test
  void listenerHearsTheFallbackWithItsCause() {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    WorkflowListener listener =
        new WorkflowListener() {
          @Override
          public void onFallback(WorkflowContext ctx, String step, Throwable cause) {
            events.add(ctx.workflowName() + "/" + step + ": " + cause.getMessage());
          }
        };
    WorkflowContext listened =
        WorkflowContext.create("wf", runtime.toBuilder().listener(listener).build());
    FallbackPrimitive<String, String> step =
        FallbackPrimitive.of(
            MockPrimitive.<String, String>named("load").thenFail(new IOException("down")),
            MockPrimitive.returning("fallback"));

    step.execute("in", listened).join();

    assertEquals(List.of("wf/load: down"), events);
  }

  @Test
  void listenerHearsNothingOnSuccess() {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    WorkflowListener listener =
        new WorkflowListener() {
          @Override
          public void onFallback(WorkflowContext ctx, String step, Throwable cause) {
            events.add(step);
          }
        };
    WorkflowContext listened =
        WorkflowContext.create("wf", runtime.toBuilder().listener(listener).build());

    FallbackPrimitive.of(MockPrimitive.returning("ok"), MockPrimitive.returning("fallback"))
        .execute("in", listened)
        .join();

    assertEquals(List.of(), events);
  }

  @Test
  void fallbackValuesAreNeverCached() {
    MockPrimitive<String, String> primary =
        MockPrimitive.<String, String>named("load")
            .thenFail(new IOException("down"))
            .thenReturn("fresh");
    CachePrimitive<String, String> cached =
        CachePrimitive.<String, String>builder(primary).build(runtime);
    FallbackPrimitive<String, String> step =
        FallbackPrimitive.of(cached, MockPrimitive.returning("fallback"));

    assertEquals("fallback", step.execute("k", context).join());
    assertEquals("fresh", step.execute("k", context).join());
    assertEquals("fresh", step.execute("k", context).join());

    assertEquals(2, primary.calls(), "the fallback value was not served from the cache");
  }

  @Test
  void nameIsThePrimarysAndBlockingFollowsItsParts() {
    MockPrimitive<String, String> primary = MockPrimitive.named("load");
    assertEquals("load", FallbackPrimitive.of(primary, MockPrimitive.named("other")).name());
    assertFalse(FallbackPrimitive.of(primary, MockPrimitive.named("other")).isBlocking());
    assertTrue(
        FallbackPrimitive.<String, String>builder(primary)
            .recover((in, c, ctx) -> "x")
            .isBlocking());
    assertFalse(
        FallbackPrimitive.<String, String>builder(primary)
            .recoverAsync((in, c, ctx) -> CompletableFuture.completedFuture("x"))
            .isBlocking());
  }
}

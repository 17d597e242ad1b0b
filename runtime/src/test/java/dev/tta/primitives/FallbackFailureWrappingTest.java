package dev.tta.primitives;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.testing.MockPrimitive;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * A failing fallback's exception is never modified: the failure that propagates is a new {@link
 * WorkflowException} with the fallback's failure as cause and the original failure suppressed.
 */
class FallbackFailureWrappingTest {

  private final WorkflowContext context = WorkflowContext.create("wf");

  private static Throwable failureOf(CompletableFuture<?> future) {
    assertTrue(future.isCompletedExceptionally(), "expected a failed future");
    return assertThrows(CompletionException.class, future::join).getCause();
  }

  @Test
  void sharedFallbackExceptionDoesNotAccumulateSuppressedFailures() {
    IOException shared = new IOException("fallback down"); // one instance, thrown on every call
    FallbackPrimitive<String, String> step =
        FallbackPrimitive.of(
            MockPrimitive.<String, String>named("primary")
                .thenAnswer(
                    in -> {
                      throw new IllegalStateException("primary " + in);
                    }),
            MockPrimitive.<String, String>failing(shared));

    for (int i = 0; i < 1_000; i++) {
      Throwable failure = failureOf(step.execute("call " + i, context));
      assertSame(shared, failure.getCause());
      assertEquals(1, failure.getSuppressed().length);
      assertEquals("primary call " + i, failure.getSuppressed()[0].getMessage());
    }

    assertArrayEquals(new Throwable[0], shared.getSuppressed());
  }

  @Test
  void chainedFallbacksEachWrapWithoutTouchingTheInnerFailures() {
    IOException first = new IOException("first down");
    IOException second = new IOException("second down");
    IOException third = new IOException("third down");
    FallbackPrimitive<String, String> chain =
        FallbackPrimitive.of(
            MockPrimitive.<String, String>named("load").thenFail(first),
            FallbackPrimitive.of(
                MockPrimitive.<String, String>named("backup").thenFail(second),
                MockPrimitive.<String, String>failing(third)));

    WorkflowException outer =
        assertInstanceOf(WorkflowException.class, failureOf(chain.execute("in", context)));

    assertEquals("load", outer.step());
    assertArrayEquals(new Throwable[] {first}, outer.getSuppressed());
    WorkflowException inner = assertInstanceOf(WorkflowException.class, outer.getCause());
    assertEquals("backup", inner.step());
    assertSame(third, inner.getCause());
    assertArrayEquals(new Throwable[] {second}, inner.getSuppressed());
    for (Throwable own : new Throwable[] {first, second, third}) {
      assertArrayEquals(new Throwable[0], own.getSuppressed(), own.getMessage() + " changed");
    }
  }

  @Test
  void cancelledFallbackPropagatesItsCancellation() {
    CancellationException cancelled = new CancellationException("run cancelled");
    FallbackPrimitive<String, String> step =
        FallbackPrimitive.of(
            MockPrimitive.<String, String>failing(new IOException("down")),
            MockPrimitive.<String, String>failing(cancelled));

    CompletableFuture<String> result = step.execute("in", context);

    assertTrue(result.isCancelled());
    assertArrayEquals(new Throwable[0], cancelled.getSuppressed());
  }
}

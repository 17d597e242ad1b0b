package dev.tta.primitives;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.tta.primitives.testing.MockPrimitive;
import dev.tta.primitives.testing.VirtualTime;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A step named differently from its retried body reports the body's failure under the step's name
 * with the attempts made and the earlier failures.
 */
class StepRenamingKeepsAttemptsTest {

  private final VirtualTime time = new VirtualTime();
  private final WorkflowContext context = WorkflowContext.create("wf", time.runtime());

  @Test
  void stepWrappingARetryUnderAnotherNameKeepsAttemptsAndEarlierFailures() {
    IOException first = new IOException("first");
    IOException second = new IOException("second");
    IOException third = new IOException("third");
    MockPrimitive<String, String> body =
        MockPrimitive.<String, String>named("mock")
            .thenFail(first)
            .thenFail(second)
            .thenFail(third);
    StepPrimitive<String, String> step =
        StepPrimitive.of(
            "fetch",
            RetryPrimitive.of(
                body, RetryPolicy.builder().maxAttempts(3).delay(Duration.ZERO).jitter(0).build()));

    CompletableFuture<String> result = step.execute("x", context);
    time.advance(Duration.ofSeconds(1));

    WorkflowException e = assertInstanceOf(WorkflowException.class, Futures.failure(result));
    assertEquals(3, body.calls());
    assertEquals("wf", e.workflow());
    assertEquals("fetch", e.step());
    assertEquals(3, e.attempts());
    assertSame(third, e.getCause());
    assertArrayEquals(new Throwable[] {first, second}, e.getSuppressed());
  }

  @Test
  void synchronousFailureOfARetriedBodyIsRenamedToo() {
    IOException fatal = new IOException("fatal");
    MockPrimitive<String, String> body =
        MockPrimitive.<String, String>named("mock").thenFail(fatal);
    StepPrimitive<String, String> step =
        StepPrimitive.of(
            "fetch",
            RetryPrimitive.of(
                body, RetryPolicy.builder().maxAttempts(3).abortOn(IOException.class).build()));

    WorkflowException e =
        assertInstanceOf(WorkflowException.class, Futures.failure(step.execute("x", context)));

    assertEquals("fetch", e.step());
    assertEquals(1, e.attempts());
    assertSame(fatal, e.getCause());
  }

  @Test
  void failureOfANestedWorkflowIsWrappedNotRenamed() {
    WorkflowException nested =
        new WorkflowException("inner-wf", "inner-step", 2, new IOException("down"));
    StepPrimitive<String, String> step =
        StepPrimitive.of("outer", MockPrimitive.<String, String>failing(nested));

    WorkflowException e =
        assertInstanceOf(WorkflowException.class, Futures.failure(step.execute("x", context)));

    assertEquals("outer", e.step());
    assertEquals(1, e.attempts());
    assertSame(nested, e.getCause());
  }
}

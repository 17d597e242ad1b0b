package dev.tta.primitives;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.testing.VirtualTime;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * A deadline counts from the start of its call, not from when it is armed after the call started:
 * starting a call can take a while (a slow submission on a busy machine), and on a virtual clock a
 * test may move time in between. Armed late, the deadline was late by that much; on a virtual clock
 * advanced in between, it never fired within the step that should have fired it.
 */
class TimeoutStartTest {

  private final VirtualTime time = new VirtualTime();

  @Test
  void timeSpentStartingTheCallCountsAgainstItsDeadline() {
    CompletableFuture<String> never = new CompletableFuture<>();
    // Starting the call takes the whole timeout on the runtime's clock.
    WorkflowPrimitive<String, String> slowToStart =
        LambdaPrimitive.ofAsync(
            "slow",
            (String in, WorkflowContext context) -> {
              time.advance(Duration.ofMillis(100));
              return never;
            });

    CompletableFuture<String> call =
        TimeoutPrimitive.of(slowToStart, Duration.ofMillis(100))
            .execute("x", WorkflowContext.create("W", time.runtime()));
    time.advance(Duration.ZERO); // runs what is due now

    assertTrue(call.isCompletedExceptionally(), "the deadline passed while the call started");
    Throwable failure = call.handle((value, error) -> error).join();
    if (failure instanceof CompletionException) {
      failure = failure.getCause();
    }
    assertInstanceOf(TimeoutException.class, failure);
    assertTrue(never.isCancelled(), "the late call was stopped");
  }

  @Test
  void aCallThatStartsAtOnceStillHasItsWholeTimeout() {
    CompletableFuture<String> never = new CompletableFuture<>();
    CompletableFuture<String> call =
        TimeoutPrimitive.of(
                LambdaPrimitive.ofAsync("quick", (String in, WorkflowContext context) -> never),
                Duration.ofMillis(100))
            .execute("x", WorkflowContext.create("W", time.runtime()));

    time.advance(Duration.ofMillis(99));
    assertFalse(call.isDone(), "1 ms before its deadline");
    time.advance(Duration.ofMillis(1));
    assertTrue(call.isCompletedExceptionally(), "at its deadline");
  }
}

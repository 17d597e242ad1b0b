package dev.tta.primitives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Policies shared by name within one runtime, and the listener events of the new policies: what the
 * circuit breaker, bulkhead and rate limit build on.
 */
class SharedPoliciesTest {

  @Test
  void oneNameInOneRuntimeIsOneInstanceMadeOnce() {
    WorkflowRuntime runtime = WorkflowRuntime.builder().build();
    AtomicInteger made = new AtomicInteger();

    Object first =
        runtime.shared("Bulkhead", "db", "value=4", () -> "slots#" + made.incrementAndGet());
    Object again =
        runtime.shared("Bulkhead", "db", "value=4", () -> "slots#" + made.incrementAndGet());
    Object otherKind =
        runtime.shared("RateLimit", "db", "value=4", () -> "permits#" + made.incrementAndGet());
    Object otherRuntime =
        WorkflowRuntime.builder()
            .build()
            .shared("Bulkhead", "db", "value=4", () -> "slots#" + made.incrementAndGet());

    assertSame(first, again);
    assertEquals("slots#1", first);
    assertEquals("permits#2", otherKind);
    assertNotSame(first, otherRuntime);
    assertEquals(3, made.get());
  }

  @Test
  void aSecondDeclarationWithOtherSettingsFailsNamingBoth() {
    WorkflowRuntime runtime = WorkflowRuntime.builder().build();
    runtime.shared("CircuitBreaker", "api", "window=20", Object::new);

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> runtime.shared("CircuitBreaker", "api", "window=10", Object::new));

    assertTrue(e.getMessage().contains("@CircuitBreaker"), e.getMessage());
    assertTrue(e.getMessage().contains("\"api\""), e.getMessage());
    assertTrue(e.getMessage().contains("window=20 and window=10"), e.getMessage());
  }

  @Test
  void aBlankNameIsRefusedForEveryKind() {
    WorkflowRuntime runtime = WorkflowRuntime.builder().build();

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> runtime.shared("RateLimit", " ", "permits=1", Object::new));

    assertEquals(
        "name = \" \": a shared @RateLimit needs a name that is not blank", e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> runtime.shared("CircuitBreaker", "", "window=20", Object::new));
  }

  @Test
  void theNewEventsReachEveryListenerEvenAfterOneThrows() {
    List<String> heard = new ArrayList<>();
    WorkflowListener throwing =
        new WorkflowListener() {
          @Override
          public void onRejected(WorkflowContext context, String step, Throwable rejection) {
            throw new IllegalStateException("listener bug");
          }
        };
    WorkflowListener recording =
        new WorkflowListener() {
          @Override
          public void onCircuitStateChange(
              WorkflowContext context, String breaker, CircuitState from, CircuitState to) {
            heard.add(breaker + " " + from + "->" + to);
          }

          @Override
          public void onRejected(WorkflowContext context, String step, Throwable rejection) {
            heard.add(step + " " + rejection.getMessage());
          }
        };
    WorkflowRuntime runtime =
        WorkflowRuntime.builder().listener(throwing).listener(recording).build();
    WorkflowContext context = WorkflowContext.create("wf", runtime);

    runtime.events().onCircuitStateChange(context, "api", CircuitState.CLOSED, CircuitState.OPEN);
    runtime
        .events()
        .onRejected(
            context, "call", new CircuitOpenException("api", java.time.Duration.ofSeconds(30)));

    assertEquals(
        List.of(
            "api CLOSED->OPEN",
            "call circuit breaker 'api' is open: the call did not run; trial calls pass in 30000 ms"),
        heard);
  }
}

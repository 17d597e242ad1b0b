package dev.tta.primitives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.testing.MockPrimitive;
import dev.tta.primitives.testing.VirtualTime;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class RouterAndConditionalTest {

  private final VirtualTime time = new VirtualTime();
  private final WorkflowContext context = WorkflowContext.create("routing", time.runtime());

  private final MockPrimitive<String, String> fast = MockPrimitive.returning("fast");
  private final MockPrimitive<String, String> slow = MockPrimitive.returning("slow");
  private final MockPrimitive<String, String> other = MockPrimitive.returning("other");

  private static Throwable failureOf(CompletableFuture<?> future) {
    assertTrue(future.isCompletedExceptionally(), "expected a failed future");
    return assertThrows(CompletionException.class, future::join).getCause();
  }

  private static String firstWord(String input) {
    return input.split(" ")[0];
  }

  // ---- RouterPrimitive ----

  @Test
  void routerRunsTheRouteForTheKeyOnTheInput() {
    RouterPrimitive<String, String, String> router =
        RouterPrimitive.of(RouterAndConditionalTest::firstWord, Map.of("fast", fast, "slow", slow));

    assertEquals("slow", router.execute("slow lane", context).join());
    assertEquals("fast", router.execute("fast lane", context).join());

    assertEquals(List.of("slow lane"), slow.inputs());
    assertEquals(List.of("fast lane"), fast.inputs());
  }

  @Test
  void routerRunsTheDefaultRouteForAnUnknownKey() {
    RouterPrimitive<String, String, String> router =
        RouterPrimitive.of(RouterAndConditionalTest::firstWord, Map.of("fast", fast), other);

    assertEquals("other", router.execute("bus lane", context).join());

    assertEquals(List.of("bus lane"), other.inputs());
    assertEquals(0, fast.calls());
  }

  @Test
  void routerPrefersTheRouteOverTheDefault() {
    RouterPrimitive<String, String, String> router =
        RouterPrimitive.of(RouterAndConditionalTest::firstWord, Map.of("fast", fast), other);

    assertEquals("fast", router.execute("fast lane", context).join());
    assertEquals(0, other.calls());
  }

  @Test
  void routerWithoutDefaultFailsOnAnUnknownKeyNamingIt() {
    RouterPrimitive<String, String, String> router =
        RouterPrimitive.of(RouterAndConditionalTest::firstWord, Map.of("fast", fast));

    Throwable failure = failureOf(router.execute("bus lane", context));

    assertInstanceOf(IllegalArgumentException.class, failure);
    assertTrue(failure.getMessage().contains("'bus'"), failure.getMessage());
    assertTrue(failure.getMessage().contains("routing"), failure.getMessage());
    assertEquals(0, fast.calls());
  }

  @Test
  void routerRoutesANullKeyLikeAnyOther() {
    Map<String, MockPrimitive<String, String>> routes = new HashMap<>();
    routes.put(null, slow);
    RouterPrimitive<String, String, String> router = RouterPrimitive.of(in -> null, routes, other);

    assertEquals("slow", router.execute("x", context).join());
  }

  @Test
  void routerSelectorExceptionIsTheFailure() {
    IllegalStateException broken = new IllegalStateException("selector broke");
    RouterPrimitive<String, String, String> router =
        RouterPrimitive.of(
            in -> {
              throw broken;
            },
            Map.of("fast", fast),
            other);

    assertSame(broken, failureOf(router.execute("fast lane", context)));
    assertEquals(0, fast.calls());
    assertEquals(0, other.calls());
  }

  @Test
  void routerSelectorErrorIsTheFailureNotAThrow() {
    AssertionError broken = new AssertionError("selector broke");
    RouterPrimitive<String, String, String> router =
        RouterPrimitive.of(
            in -> {
              throw broken;
            },
            Map.of("fast", fast));

    assertSame(broken, failureOf(router.execute("fast lane", context)));
  }

  @Test
  void routerPassesTheRoutesFailureOn() {
    IOException down = new IOException("down");
    RouterPrimitive<String, String, String> router =
        RouterPrimitive.of(
            RouterAndConditionalTest::firstWord,
            Map.of("fast", MockPrimitive.<String, String>failing(down)));

    assertSame(down, failureOf(router.execute("fast lane", context)));
  }

  @Test
  void routerWaitsForAnAsyncRoute() {
    MockPrimitive<String, String> delayed =
        MockPrimitive.<String, String>named("delayed")
            .thenReturn("later")
            .withDelay(Duration.ofSeconds(1));
    RouterPrimitive<String, String, String> router =
        RouterPrimitive.of(RouterAndConditionalTest::firstWord, Map.of("fast", delayed));

    CompletableFuture<String> result = router.execute("fast lane", context);
    assertFalse(result.isDone());
    time.advance(Duration.ofSeconds(1));

    assertEquals("later", result.getNow(null));
  }

  @Test
  void routerKeepsItsOwnCopyOfTheRoutes() {
    Map<String, MockPrimitive<String, String>> routes = new HashMap<>();
    routes.put("fast", fast);
    RouterPrimitive<String, String, String> router =
        RouterPrimitive.of(RouterAndConditionalTest::firstWord, routes, other);

    routes.put("fast", slow);

    assertEquals("fast", router.execute("fast lane", context).join());
  }

  @Test
  void routerIsBlockingWhenAnyRouteIs() {
    WorkflowPrimitive<String, String> sync = LambdaPrimitive.of("sync", (String in) -> in);
    assertFalse(
        RouterPrimitive.of(RouterAndConditionalTest::firstWord, Map.of("f", fast)).isBlocking());
    assertTrue(
        RouterPrimitive.of(RouterAndConditionalTest::firstWord, Map.of("f", fast, "s", sync))
            .isBlocking());
    assertTrue(
        RouterPrimitive.of(RouterAndConditionalTest::firstWord, Map.of("f", fast), sync)
            .isBlocking());
  }

  // ---- ConditionalPrimitive ----

  @Test
  void conditionalRunsWhenTrueIfTheConditionHolds() {
    ConditionalPrimitive<String, String> conditional =
        ConditionalPrimitive.of(in -> in.startsWith("f"), fast, slow);

    assertEquals("fast", conditional.execute("fox", context).join());

    assertEquals(List.of("fox"), fast.inputs());
    assertEquals(0, slow.calls());
  }

  @Test
  void conditionalRunsWhenFalseOtherwise() {
    ConditionalPrimitive<String, String> conditional =
        ConditionalPrimitive.of(in -> in.startsWith("f"), fast, slow);

    assertEquals("slow", conditional.execute("snail", context).join());

    assertEquals(List.of("snail"), slow.inputs());
    assertEquals(0, fast.calls());
  }

  @Test
  void conditionalConditionExceptionIsTheFailure() {
    IllegalStateException broken = new IllegalStateException("condition broke");
    ConditionalPrimitive<String, String> conditional =
        ConditionalPrimitive.of(
            in -> {
              throw broken;
            },
            fast,
            slow);

    assertSame(broken, failureOf(conditional.execute("x", context)));
    assertEquals(0, fast.calls());
    assertEquals(0, slow.calls());
  }

  @Test
  void conditionalConditionErrorIsTheFailureNotAThrow() {
    AssertionError broken = new AssertionError("condition broke");
    ConditionalPrimitive<String, String> conditional =
        ConditionalPrimitive.of(
            in -> {
              throw broken;
            },
            fast,
            slow);

    assertSame(broken, failureOf(conditional.execute("x", context)));
  }

  @Test
  void conditionalIsBlockingWhenEitherBranchIs() {
    WorkflowPrimitive<String, String> sync = LambdaPrimitive.of("sync", (String in) -> in);
    assertFalse(ConditionalPrimitive.of((String in) -> true, fast, slow).isBlocking());
    assertTrue(ConditionalPrimitive.of((String in) -> true, fast, sync).isBlocking());
    assertTrue(ConditionalPrimitive.of((String in) -> true, sync, slow).isBlocking());
  }
}

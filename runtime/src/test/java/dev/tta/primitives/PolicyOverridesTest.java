package dev.tta.primitives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Reading, parsing and checking policy overrides, as generated constructors use them. */
class PolicyOverridesTest {

  private static final RetryPolicy RETRY = RetryPolicy.builder().build();

  @Test
  void valuesAreTrimmedAndKeptInKeyOrder() {
    PolicyOverrides overrides =
        PolicyOverrides.of(Map.of("B.x.Retry.max", " 5 ", "A.Timeout.value", "1s"));

    assertEquals("{A.Timeout.value=1s, B.x.Retry.max=5}", overrides.values().toString());
    assertEquals(
        overrides, PolicyOverrides.of(Map.of("A.Timeout.value", "1s", "B.x.Retry.max", "5")));
  }

  @Test
  void propertiesIncludeTheirDefaults() {
    Properties defaults = new Properties();
    defaults.setProperty("W.s.Retry.max", "4");
    Properties properties = new Properties(defaults);
    properties.setProperty("W.s.Retry.delay", "1s");

    PolicyOverrides.Tuning tuning = PolicyOverrides.fromProperties(properties).tuning("W");
    RetryPolicy tuned = tuning.retry("s", RETRY);
    tuning.finish();

    assertEquals(4, tuned.maxAttempts());
    assertEquals(Duration.ofSeconds(1), tuned.delay());
    assertEquals(RETRY.retryOn(), tuned.retryOn());
  }

  @Test
  void noOverridesGiveTheDeclaredValues() {
    PolicyOverrides.Tuning tuning = PolicyOverrides.none().tuning("W");

    assertSame(RETRY, tuning.retry("s", RETRY));
    assertEquals(Duration.ofSeconds(3), tuning.timeout("s", Duration.ofSeconds(3)));
    assertSame(PolicyOverrides.none(), PolicyOverrides.of(Map.of()));
    assertSame(PolicyOverrides.none(), WorkflowRuntime.defaults().overrides());
    tuning.finish();
  }

  @Test
  void aPrefixOfAnotherWorkflowsNameIsNotItsKey() {
    PolicyOverrides overrides = PolicyOverrides.of(Map.of("Work.s.Retry.max", "x"));

    overrides.tuning("Wor").finish(); // "Wor." is not a prefix of "Work.s..."
    assertThrows(IllegalArgumentException.class, () -> overrides.tuning("Work").finish());
  }

  @Test
  void shortAndIsoDurationsParseLikeTheAnnotations() {
    PolicyOverrides overrides =
        PolicyOverrides.of(
            Map.of(
                "W.a.Timeout.value", "250ms",
                "W.b.Timeout.value", "PT1M30S",
                "W.c.Timeout.value", "2d"));
    PolicyOverrides.Tuning tuning = overrides.tuning("W");

    assertEquals(Duration.ofMillis(250), tuning.timeout("a", Duration.ofSeconds(1)));
    assertEquals(Duration.ofSeconds(90), tuning.timeout("b", Duration.ofSeconds(1)));
    assertEquals(Duration.ofDays(2), tuning.timeout("c", Duration.ofSeconds(1)));
    tuning.finish();
  }

  @Test
  void eachRuleOfTheCompilerHoldsAtRunTime() {
    Map<String, String> bad = new HashMap<>();
    bad.put("W.s.Timeout.value", "0s");
    bad.put("W.s.Timeout.interrupt", "yes");
    bad.put("W.s.Cached.maxSize", "0");
    bad.put("W.s.Cached.ttl", "-1s");
    bad.put("W.s.Hedge.max", "1");
    bad.put("W.s.Retry.jitter", "2");
    bad.put("W.s.Retry.backoff", "NaN");
    bad.put("W.s.Bulkhead.maxWait", "1s"); // with queue 0
    bad.put("W.s.RateLimit.per", "0ms");
    for (Map.Entry<String, String> entry : bad.entrySet()) {
      PolicyOverrides.Tuning tuning =
          PolicyOverrides.of(Map.of(entry.getKey(), entry.getValue())).tuning("W");
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> readAll(tuning), entry::toString);
      assertTrue(
          e.getMessage().startsWith("policy override " + entry.getKey() + "=" + entry.getValue()),
          e.getMessage());
    }
  }

  @Test
  void anEmptyOptionalDurationMeansNone() {
    PolicyOverrides.Tuning tuning =
        PolicyOverrides.of(Map.of("W.s.RateLimit.maxWait", "")).tuning("W");

    RateLimitPolicy tuned =
        tuning.rateLimit("s", RateLimitPolicy.builder().maxWait(Duration.ZERO).build());

    assertEquals(null, tuned.maxWait());
    tuning.finish();
  }

  @Test
  void valuesOfASwitchedOffPolicyAreNotRefused() {
    PolicyOverrides.Tuning tuning =
        PolicyOverrides.of(Map.of("W.s.Retry.enabled", "false", "W.s.Retry.max", "7")).tuning("W");
    WorkflowPrimitive<String, String> call = LambdaPrimitive.of("s", (String in) -> in);

    WorkflowPrimitive<? super String, ? extends String> wired =
        tuning.<String, String>wrap(
            "s",
            "Retry",
            call,
            p -> RetryPrimitive.<String, String>of(p, tuning.retry("s", RETRY)));

    assertSame(call, wired);
    tuning.finish();
  }

  private static void readAll(PolicyOverrides.Tuning tuning) {
    tuning.timeout("s", Duration.ofSeconds(1));
    tuning.interrupt("s", true);
    tuning.cacheMaxSize("s", 10);
    tuning.cacheTtl("s", Duration.ofSeconds(1));
    tuning.hedgeMax("s", 2);
    tuning.hedgeDelay("s", Duration.ZERO);
    tuning.retry("s", RETRY);
    tuning.bulkhead("s", BulkheadPolicy.defaults());
    tuning.rateLimit("s", RateLimitPolicy.defaults());
    tuning.finish();
  }
}

package dev.tta.primitives;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  private static final long MS = 1_000_000L;

  private static RetryPolicy.Builder noJitter() {
    return RetryPolicy.builder().jitter(0.0);
  }

  // ---- defaults ----

  @Test
  void builderStartsFromTheRetryAnnotationDefaults() {
    RetryPolicy policy = RetryPolicy.builder().build();

    assertEquals(3, policy.maxAttempts());
    assertEquals(Duration.ofMillis(100), policy.delay());
    assertEquals(2.0, policy.backoff());
    assertEquals(Duration.ofSeconds(30), policy.maxDelay());
    assertEquals(0.1, policy.jitter());
    assertNull(policy.maxDuration());
    assertEquals(List.of(Exception.class), policy.retryOn());
    assertEquals(List.of(), policy.abortOn());
  }

  // ---- refusals of an open circuit breaker ----

  @Test
  void anOpenBreakersRefusalIsRetriedOnlyWhenRetryOnAsksForItNarrowly() {
    CircuitOpenException refused = new CircuitOpenException("api", Duration.ofSeconds(30));

    assertFalse(RetryPolicy.builder().build().isRetryable(refused), "default retryOn = Exception");
    assertFalse(RetryPolicy.builder().retryOn(RuntimeException.class).build().isRetryable(refused));
    assertFalse(RetryPolicy.builder().retryOn(Throwable.class).build().isRetryable(refused));
    assertTrue(
        RetryPolicy.builder().retryOn(CircuitOpenException.class).build().isRetryable(refused));
    assertTrue(
        RetryPolicy.builder()
            .retryOn(IOException.class, CircuitOpenException.class)
            .build()
            .isRetryable(refused));
    assertFalse(
        RetryPolicy.builder()
            .retryOn(CircuitOpenException.class)
            .abortOn(CircuitOpenException.class)
            .build()
            .isRetryable(refused),
        "abortOn still wins");
    assertTrue(
        RetryPolicy.builder().build().isRetryable(new IllegalStateException("other")),
        "other runtime exceptions keep the default");
  }

  // ---- constructor ranges ----

  @Test
  void maxAttemptsBelowOneIsRejected() {
    assertThrows(
        IllegalArgumentException.class, () -> RetryPolicy.builder().maxAttempts(0).build());
    assertThrows(
        IllegalArgumentException.class, () -> RetryPolicy.builder().maxAttempts(-1).build());
  }

  @Test
  void rejectionMessageNamesTheBadValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> RetryPolicy.builder().maxAttempts(0).build());
    assertTrue(e.getMessage().contains("maxAttempts"), e.getMessage());
  }

  @Test
  void singleAttemptIsAllowed() {
    assertDoesNotThrow(() -> RetryPolicy.builder().maxAttempts(1).build());
  }

  @Test
  void negativeDelayIsRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> RetryPolicy.builder().delay(Duration.ofMillis(-1)).build());
  }

  @Test
  void zeroDelayIsAllowed() {
    assertDoesNotThrow(() -> RetryPolicy.builder().delay(Duration.ZERO).build());
  }

  @Test
  void backoffBelowOneIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> RetryPolicy.builder().backoff(0.99).build());
    assertThrows(IllegalArgumentException.class, () -> RetryPolicy.builder().backoff(0).build());
  }

  @Test
  void backoffThatIsNotANumberOrInfiniteIsRejected() {
    assertThrows(
        IllegalArgumentException.class, () -> RetryPolicy.builder().backoff(Double.NaN).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> RetryPolicy.builder().backoff(Double.POSITIVE_INFINITY).build());
  }

  @Test
  void backoffOfOneIsAllowed() {
    assertDoesNotThrow(() -> RetryPolicy.builder().backoff(1.0).build());
  }

  @Test
  void maxDelayShorterThanDelayIsRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            RetryPolicy.builder()
                .delay(Duration.ofMillis(200))
                .maxDelay(Duration.ofMillis(199))
                .build());
  }

  @Test
  void maxDelayEqualToDelayIsAllowed() {
    assertDoesNotThrow(
        () ->
            RetryPolicy.builder()
                .delay(Duration.ofMillis(200))
                .maxDelay(Duration.ofMillis(200))
                .build());
  }

  @Test
  void jitterOutsideZeroToOneIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> RetryPolicy.builder().jitter(-0.01).build());
    assertThrows(IllegalArgumentException.class, () -> RetryPolicy.builder().jitter(1.01).build());
    assertThrows(
        IllegalArgumentException.class, () -> RetryPolicy.builder().jitter(Double.NaN).build());
  }

  @Test
  void jitterOfZeroAndOneIsAllowed() {
    assertDoesNotThrow(() -> RetryPolicy.builder().jitter(0.0).build());
    assertDoesNotThrow(() -> RetryPolicy.builder().jitter(1.0).build());
  }

  @Test
  void maxDurationNotGreaterThanDelayIsRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            RetryPolicy.builder()
                .delay(Duration.ofMillis(100))
                .maxDuration(Duration.ofMillis(100))
                .build());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            RetryPolicy.builder()
                .delay(Duration.ofMillis(100))
                .maxDuration(Duration.ofMillis(50))
                .build());
  }

  @Test
  void zeroOrNegativeMaxDurationIsRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> RetryPolicy.builder().delay(Duration.ZERO).maxDuration(Duration.ZERO).build());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            RetryPolicy.builder().delay(Duration.ZERO).maxDuration(Duration.ofMillis(-1)).build());
  }

  @Test
  void maxDurationGreaterThanDelayIsAllowed() {
    assertDoesNotThrow(
        () ->
            RetryPolicy.builder()
                .delay(Duration.ofMillis(100))
                .maxDuration(Duration.ofMillis(101))
                .build());
  }

  // ---- waits ----

  @Test
  void baseDelayGrowsByBackoffUntilCappedByMaxDelay() {
    RetryPolicy policy =
        noJitter()
            .delay(Duration.ofMillis(100))
            .backoff(2.0)
            .maxDelay(Duration.ofMillis(500))
            .build();

    List<Long> waits = new ArrayList<>();
    for (int retry = 1; retry <= 5; retry++) {
      waits.add(policy.baseDelayNanos(retry));
    }

    assertEquals(List.of(100 * MS, 200 * MS, 400 * MS, 500 * MS, 500 * MS), waits);
  }

  @Test
  void baseDelayStaysAtTheCapForVeryLateRetries() {
    RetryPolicy policy =
        noJitter()
            .delay(Duration.ofMillis(100))
            .backoff(10.0)
            .maxDelay(Duration.ofSeconds(1))
            .build();

    assertEquals(1000 * MS, policy.baseDelayNanos(1000));
  }

  @Test
  void foreverAsMaxDelayMeansNoCap() {
    RetryPolicy policy =
        noJitter()
            .delay(Duration.ofMillis(100))
            .backoff(2.0)
            .maxDelay(ChronoUnit.FOREVER.getDuration())
            .build();

    assertEquals(400 * MS, policy.baseDelayNanos(3));
  }

  @Test
  void uncappedGrowthSaturatesInsteadOfOverflowing() {
    RetryPolicy policy =
        noJitter()
            .delay(Duration.ofMillis(100))
            .backoff(10.0)
            .maxDelay(ChronoUnit.FOREVER.getDuration())
            .build();

    assertEquals(Long.MAX_VALUE, policy.baseDelayNanos(100));
    assertEquals(Long.MAX_VALUE, policy.delayNanos(100));
  }

  @Test
  void delayWithoutJitterIsExactlyTheBaseDelay() {
    RetryPolicy policy =
        noJitter()
            .delay(Duration.ofMillis(100))
            .backoff(3.0)
            .maxDelay(Duration.ofSeconds(10))
            .build();

    for (int retry = 1; retry <= 4; retry++) {
      assertEquals(policy.baseDelayNanos(retry), policy.delayNanos(retry));
    }
  }

  @Test
  void jitteredDelaysStayWithinTheJitterFractionOfTheBaseDelay() {
    RetryPolicy policy =
        RetryPolicy.builder()
            .delay(Duration.ofMillis(100))
            .backoff(2.0)
            .maxDelay(Duration.ofMillis(400))
            .jitter(0.5)
            .build();

    for (int run = 0; run < 1000; run++) {
      for (int retry = 1; retry <= 4; retry++) {
        long base = policy.baseDelayNanos(retry);
        long delay = policy.delayNanos(retry);
        assertTrue(
            delay >= base / 2 && delay <= base + base / 2,
            "retry " + retry + ": " + delay + "ns outside [0.5, 1.5] x " + base + "ns");
      }
    }
  }

  @Test
  void jitteredDelaysVary() {
    RetryPolicy policy =
        RetryPolicy.builder().delay(Duration.ofMillis(100)).backoff(1.0).jitter(0.5).build();

    Set<Long> distinct = new HashSet<>();
    for (int run = 0; run < 100; run++) {
      distinct.add(policy.delayNanos(1));
    }

    assertTrue(distinct.size() > 1, "100 jittered delays were all equal: " + distinct);
  }

  @Test
  void fullJitterNeverGivesANegativeDelay() {
    RetryPolicy policy =
        RetryPolicy.builder().delay(Duration.ofMillis(100)).backoff(1.0).jitter(1.0).build();

    for (int run = 0; run < 1000; run++) {
      long delay = policy.delayNanos(1);
      assertTrue(delay >= 0 && delay <= 200 * MS, delay + "ns");
    }
  }

  // ---- which failures are retried ----

  @Test
  void failureOfARetryOnTypeIsRetryable() {
    RetryPolicy policy = RetryPolicy.builder().retryOn(IOException.class).build();

    assertTrue(policy.isRetryable(new IOException("down")));
  }

  @Test
  void subclassOfARetryOnTypeIsRetryable() {
    RetryPolicy policy = RetryPolicy.builder().retryOn(IOException.class).build();

    assertTrue(policy.isRetryable(new FileNotFoundException("gone")));
  }

  @Test
  void failureOutsideRetryOnIsNotRetryable() {
    RetryPolicy policy = RetryPolicy.builder().retryOn(IOException.class).build();

    assertFalse(policy.isRetryable(new IllegalStateException("bug")));
  }

  @Test
  void abortOnWinsOverRetryOnForSubclasses() {
    RetryPolicy policy =
        RetryPolicy.builder()
            .retryOn(IOException.class)
            .abortOn(FileNotFoundException.class)
            .build();

    assertFalse(policy.isRetryable(new FileNotFoundException("gone")));
    assertTrue(policy.isRetryable(new IOException("down")));
  }

  @Test
  void abortOnMatchesSubclassesToo() {
    RetryPolicy policy = RetryPolicy.builder().abortOn(IOException.class).build();

    assertFalse(policy.isRetryable(new FileNotFoundException("gone")));
  }

  @Test
  void errorsAreNotRetriedByDefault() {
    RetryPolicy policy = RetryPolicy.builder().build();

    assertFalse(policy.isRetryable(new AssertionError("bug")));
  }
}

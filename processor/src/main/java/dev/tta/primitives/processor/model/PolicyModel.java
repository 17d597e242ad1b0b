package dev.tta.primitives.processor.model;

import com.palantir.javapoet.TypeName;
import java.time.Duration;
import java.util.List;

/**
 * The policies on a step or on the whole workflow, checked and resolved: durations are parsed,
 * exception types are type names. Each part is {@code null} when its annotation is absent. They
 * wrap the call in the fixed order Fallback( Cache( Retry( Timeout( call )))).
 *
 * @param retry {@code @Retry}
 * @param timeout {@code @Timeout}
 * @param cache {@code @Cached}
 * @param fallback {@code @Fallback}
 */
public record PolicyModel(Retry retry, Timeout timeout, Cache cache, Fallback fallback) {

  /** No policy at all. */
  public static final PolicyModel NONE = new PolicyModel(null, null, null, null);

  /** Whether any policy is present. */
  public boolean isEmpty() {
    return retry == null && timeout == null && cache == null && fallback == null;
  }

  /**
   * {@code @Retry}.
   *
   * @param max attempts in all
   * @param delay the first wait
   * @param backoff growth factor
   * @param maxDelay cap on a wait
   * @param jitter random variation, 0..1
   * @param maxDuration time budget, or {@code null}
   * @param retryOn failures to retry
   * @param abortOn failures never to retry
   */
  public record Retry(
      int max,
      Duration delay,
      double backoff,
      Duration maxDelay,
      double jitter,
      Duration maxDuration,
      List<TypeName> retryOn,
      List<TypeName> abortOn) {}

  /**
   * {@code @Timeout}.
   *
   * @param value the deadline per attempt
   * @param interrupt whether to interrupt a late call
   */
  public record Timeout(Duration value, boolean interrupt) {}

  /**
   * {@code @Cached}.
   *
   * @param ttl entry lifetime
   * @param maxSize most entries kept
   * @param keyMethod the method computing the key, or {@code null} for the data arguments
   * @param keyStatic whether the key method is static
   * @param keyArgs how to fill the key method's parameters
   */
  public record Cache(
      Duration ttl,
      long maxSize,
      String keyMethod,
      boolean keyStatic,
      List<StepModel.Arg> keyArgs) {}

  /**
   * {@code @Fallback}.
   *
   * @param method the fallback method
   * @param isStatic whether it is static
   * @param async whether it returns a {@code CompletionStage}
   * @param args how to fill its parameters (data, cause, context)
   * @param causeType the declared type of its cause parameter, or {@code null} if it takes none
   * @param applyOn failures it handles
   * @param skipOn failures it never handles
   * @param next the fallback's own fallback (a chain), or {@code null}
   */
  public record Fallback(
      String method,
      boolean isStatic,
      boolean async,
      List<StepModel.Arg> args,
      TypeName causeType,
      List<TypeName> applyOn,
      List<TypeName> skipOn,
      Fallback next) {}
}

package dev.tta.primitives;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Policy values that replace those written in the annotations, for tuning in production without
 * recompiling: {@code WorkflowRuntime.builder().overrides(PolicyOverrides.fromProperties(p))}.
 *
 * <p>A key names a workflow, a step, an annotation and an attribute: {@code
 * <Workflow>.<step>.<Annotation>.<attribute>}, or {@code <Workflow>.<Annotation>.<attribute>} for a
 * policy on the class. For example:
 *
 * <pre>
 * PackageValidation.compile.Timeout.value=90s
 * PackageValidation.load.Retry.max=5
 * PackageValidation.lint.CircuitBreaker.openFor=2m
 * PackageValidation.report.Fallback.enabled=false
 * </pre>
 *
 * <p>Every attribute of a number, a duration or a boolean can be tuned: {@code Retry} ({@code max},
 * {@code delay}, {@code backoff}, {@code maxDelay}, {@code jitter}, {@code maxDuration}), {@code
 * Timeout} ({@code value}, {@code interrupt}), {@code Cached} ({@code ttl}, {@code maxSize}),
 * {@code CircuitBreaker} ({@code failureRate}, {@code window}, {@code minimumCalls}, {@code
 * openFor}, {@code halfOpenCalls}, {@code slowerThan}), {@code Bulkhead} ({@code value}, {@code
 * queue}, {@code maxWait}), {@code RateLimit} ({@code permits}, {@code per}, {@code maxWait}) and
 * {@code Hedge} ({@code delay}, {@code max}); and {@code enabled=false} switches any policy off,
 * {@code Fallback} included. Attributes that name classes or methods ({@code retryOn}, {@code key},
 * ...) and shared {@code name}s are fixed at compile time. An empty value of an optional duration
 * ({@code maxDuration}, {@code slowerThan}, {@code maxWait}) means "none", as in the annotation. An
 * override cannot add a policy that the source does not declare.
 *
 * <p>A workflow checks the keys that name it when it is constructed: an unknown key, or a value
 * that breaks the annotation's rules (the ones the compiler checks), fails the constructor with an
 * {@link IllegalArgumentException} naming the key, the value and the rule. Keys of workflows that
 * are never constructed are never checked. A shared policy ({@code name}) tuned in one declaration
 * but not in another has two settings under one name, which fails with an {@link
 * IllegalStateException} naming both.
 *
 * <p>Immutable and thread-safe.
 */
public final class PolicyOverrides {

  private static final PolicyOverrides NONE = new PolicyOverrides(new TreeMap<>());
  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private final SortedMap<String, String> values;

  private PolicyOverrides(SortedMap<String, String> values) {
    this.values = Collections.unmodifiableSortedMap(values);
  }

  /**
   * No overrides: every workflow runs with the values of its annotations.
   *
   * @return the empty overrides
   */
  public static PolicyOverrides none() {
    return NONE;
  }

  /**
   * The overrides {@code values}, key to value; values are trimmed.
   *
   * @param values the overrides
   * @return the overrides
   * @throws NullPointerException if a key or a value is null
   */
  public static PolicyOverrides of(Map<String, String> values) {
    SortedMap<String, String> copy = new TreeMap<>();
    for (Map.Entry<String, String> entry : values.entrySet()) {
      String key = Objects.requireNonNull(entry.getKey(), "key");
      copy.put(key.trim(), Objects.requireNonNull(entry.getValue(), key).trim());
    }
    return copy.isEmpty() ? NONE : new PolicyOverrides(copy);
  }

  /**
   * The overrides in {@code properties} (defaults included), as read from a {@code .properties}
   * file or {@code -D} system properties. Every property is taken as an override, so pass only
   * those meant as overrides.
   *
   * @param properties the overrides
   * @return the overrides
   */
  public static PolicyOverrides fromProperties(Properties properties) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String name : properties.stringPropertyNames()) {
      values.put(name, properties.getProperty(name));
    }
    return of(values);
  }

  /**
   * The overrides, key to value, in key order.
   *
   * @return the overrides
   */
  public Map<String, String> values() {
    return values;
  }

  /**
   * The overrides of workflow {@code workflow}, as its generated constructor reads them. Not meant
   * for hand-written code.
   *
   * @param workflow the workflow's name
   * @return the workflow's view of the overrides
   */
  public Tuning tuning(String workflow) {
    Objects.requireNonNull(workflow, "workflow");
    String prefix = workflow + ".";
    SortedMap<String, String> mine = values.subMap(prefix, prefix + Character.MAX_VALUE);
    return mine.isEmpty() ? Tuning.UNTUNED : new Tuning(workflow, new LinkedHashMap<>(mine));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PolicyOverrides o && values.equals(o.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return "PolicyOverrides" + values;
  }

  /**
   * One workflow's view of the overrides, used by its generated constructor while it builds the
   * policies: each method returns the value the annotation declared unless a key overrides it, and
   * {@link #finish()} then refuses the keys that named nothing. Not meant for hand-written code;
   * not thread-safe (one constructor uses it).
   */
  public static final class Tuning {

    static final Tuning UNTUNED = new Tuning(null, Map.of());

    private final String workflow;
    private final Map<String, String> unread;
    private final Set<String> declared = new TreeSet<>();
    private final Set<String> disabled = new TreeSet<>();

    private Tuning(String workflow, Map<String, String> unread) {
      this.workflow = workflow;
      this.unread = unread;
    }

    /**
     * {@code policy} applied to {@code inner}, or {@code inner} alone when the policy is switched
     * off ({@code enabled=false}).
     *
     * @param step the step, or {@code null} for the class
     * @param annotation the policy's annotation, e.g. {@code "Timeout"}
     * @param inner the call and the policies inside this one
     * @param policy wraps {@code inner} in the policy
     * @param <I> input type
     * @param <O> output type
     * @return the wrapped call, or {@code inner}
     */
    public <I, O> WorkflowPrimitive<? super I, ? extends O> wrap(
        String step,
        String annotation,
        WorkflowPrimitive<? super I, ? extends O> inner,
        Function<
                ? super WorkflowPrimitive<? super I, ? extends O>,
                ? extends WorkflowPrimitive<? super I, ? extends O>>
            policy) {
      return enabled(step, annotation) ? policy.apply(inner) : inner;
    }

    /**
     * {@code with}, the call in a policy the workflow holds, or {@code without} when that policy is
     * switched off ({@code enabled=false}).
     *
     * @param step the step, or {@code null} for the class
     * @param annotation the policy's annotation, e.g. {@code "CircuitBreaker"}
     * @param without the call and the policies inside this one
     * @param with the same in this policy
     * @param <I> input type
     * @param <O> output type
     * @return {@code with}, or {@code without}
     */
    public <I, O> WorkflowPrimitive<? super I, ? extends O> choose(
        String step,
        String annotation,
        WorkflowPrimitive<? super I, ? extends O> without,
        WorkflowPrimitive<? super I, ? extends O> with) {
      return enabled(step, annotation) ? with : without;
    }

    /**
     * The {@code @Retry} of {@code step}, tuned.
     *
     * @param step the step, or {@code null} for the class
     * @param declared the annotation's policy
     * @return the policy to use
     */
    public RetryPolicy retry(String step, RetryPolicy declared) {
      Policy p = policy(step, "Retry");
      if (p == null) {
        return declared;
      }
      return p.build(
          () ->
              new RetryPolicy(
                  p.integer("max", declared.maxAttempts()),
                  p.duration("delay", declared.delay()),
                  p.number("backoff", declared.backoff()),
                  p.duration("maxDelay", declared.maxDelay()),
                  p.number("jitter", declared.jitter()),
                  p.optionalDuration("maxDuration", declared.maxDuration()),
                  declared.retryOn(),
                  declared.abortOn()));
    }

    /**
     * The {@code @Timeout} deadline of {@code step}, tuned.
     *
     * @param step the step, or {@code null} for the class
     * @param declared the annotation's deadline
     * @return the deadline to use
     */
    public Duration timeout(String step, Duration declared) {
      Policy p = policy(step, "Timeout");
      return p == null ? declared : p.positive(p.duration("value", declared), "value");
    }

    /**
     * Whether the {@code @Timeout} of {@code step} interrupts a late call, tuned.
     *
     * @param step the step, or {@code null} for the class
     * @param declared the annotation's value
     * @return the value to use
     */
    public boolean interrupt(String step, boolean declared) {
      Policy p = policy(step, "Timeout");
      return p == null ? declared : p.bool("interrupt", declared);
    }

    /**
     * The {@code @Cached} entry lifetime of {@code step}, tuned.
     *
     * @param step the step, or {@code null} for the class
     * @param declared the annotation's value
     * @return the value to use
     */
    public Duration cacheTtl(String step, Duration declared) {
      Policy p = policy(step, "Cached");
      return p == null ? declared : p.positive(p.duration("ttl", declared), "ttl");
    }

    /**
     * The {@code @Cached} size of {@code step}, tuned.
     *
     * @param step the step, or {@code null} for the class
     * @param declared the annotation's value
     * @return the value to use
     */
    public long cacheMaxSize(String step, long declared) {
      Policy p = policy(step, "Cached");
      return p == null ? declared : p.atLeast(p.longInteger("maxSize", declared), 1, "maxSize");
    }

    /**
     * The {@code @CircuitBreaker} of {@code step}, tuned.
     *
     * @param step the step, or {@code null} for the class
     * @param declared the annotation's policy
     * @return the policy to use
     */
    public CircuitBreakerPolicy circuitBreaker(String step, CircuitBreakerPolicy declared) {
      Policy p = policy(step, "CircuitBreaker");
      if (p == null) {
        return declared;
      }
      return p.build(
          () ->
              new CircuitBreakerPolicy(
                  p.number("failureRate", declared.failureRate()),
                  p.integer("window", declared.window()),
                  p.integer("minimumCalls", declared.minimumCalls()),
                  p.duration("openFor", declared.openFor()),
                  p.integer("halfOpenCalls", declared.halfOpenCalls()),
                  p.optionalDuration("slowerThan", declared.slowerThan()),
                  declared.failOn(),
                  declared.skipOn()));
    }

    /**
     * The {@code @Bulkhead} of {@code step}, tuned.
     *
     * @param step the step, or {@code null} for the class
     * @param declared the annotation's policy
     * @return the policy to use
     */
    public BulkheadPolicy bulkhead(String step, BulkheadPolicy declared) {
      Policy p = policy(step, "Bulkhead");
      if (p == null) {
        return declared;
      }
      return p.build(
          () ->
              new BulkheadPolicy(
                  p.integer("value", declared.value()),
                  p.integer("queue", declared.queue()),
                  p.optionalDuration("maxWait", declared.maxWait())));
    }

    /**
     * The {@code @RateLimit} of {@code step}, tuned.
     *
     * @param step the step, or {@code null} for the class
     * @param declared the annotation's policy
     * @return the policy to use
     */
    public RateLimitPolicy rateLimit(String step, RateLimitPolicy declared) {
      Policy p = policy(step, "RateLimit");
      if (p == null) {
        return declared;
      }
      return p.build(
          () ->
              new RateLimitPolicy(
                  p.integer("permits", declared.permits()),
                  p.duration("per", declared.per()),
                  p.optionalDuration("maxWait", declared.maxWait())));
    }

    /**
     * The {@code @Hedge} delay of {@code step}, tuned.
     *
     * @param step the step
     * @param declared the annotation's value
     * @return the value to use
     */
    public Duration hedgeDelay(String step, Duration declared) {
      Policy p = policy(step, "Hedge");
      return p == null ? declared : p.duration("delay", declared);
    }

    /**
     * The {@code @Hedge} call count of {@code step}, tuned.
     *
     * @param step the step
     * @param declared the annotation's value
     * @return the value to use
     */
    public int hedgeMax(String step, int declared) {
      Policy p = policy(step, "Hedge");
      return p == null ? declared : (int) p.atLeast(p.integer("max", declared), 2, "max");
    }

    /**
     * Whether some policy was switched off ({@code enabled=false}) while building.
     *
     * @return whether a policy is off
     */
    public boolean switchedOff() {
      return !disabled.isEmpty();
    }

    /**
     * Refuses the keys that named this workflow but no policy of it or no attribute of one.
     *
     * @throws IllegalArgumentException naming the first such key and what the workflow declares
     */
    public void finish() {
      for (Map.Entry<String, String> entry : unread.entrySet()) {
        String key = entry.getKey();
        String rest = key.substring(workflow.length() + 1);
        int dot = rest.lastIndexOf('.');
        String policy = dot < 0 ? rest : rest.substring(0, dot);
        if (disabled.contains(policy)) {
          continue; // a switched-off policy's values are never read
        }
        String why =
            declared.contains(policy)
                ? "@"
                    + policy.substring(policy.lastIndexOf('.') + 1)
                    + " has no attribute "
                    + rest.substring(dot + 1)
                    + " that can be overridden"
                : workflow
                    + " declares no policy "
                    + policy
                    + " (keys are <Workflow>.<step>.<Annotation>.<attribute>, or"
                    + " <Workflow>.<Annotation>.<attribute> for the class); its policies are "
                    + declared;
        throw new IllegalArgumentException(
            "policy override " + key + "=" + entry.getValue() + ": " + why);
      }
    }

    private boolean enabled(String step, String annotation) {
      Policy p = policy(step, annotation);
      if (p == null || p.bool("enabled", true)) {
        return true;
      }
      disabled.add(p.name);
      return false;
    }

    /** The overrides of one policy, or {@code null} when there are none (nothing to tune). */
    private Policy policy(String step, String annotation) {
      if (unread.isEmpty() && workflow == null) {
        return null;
      }
      String name = step == null ? annotation : step + "." + annotation;
      declared.add(name);
      return new Policy(name, workflow + "." + name + ".");
    }

    /** The overrides of one policy: each attribute read once, parsed and checked. */
    private final class Policy {
      final String name;
      final String prefix;
      final List<String> overridden = new ArrayList<>();

      Policy(String name, String prefix) {
        this.name = name;
        this.prefix = prefix;
      }

      /** The text of attribute {@code attribute}, or {@code null} when not overridden. */
      private String text(String attribute) {
        String key = prefix + attribute;
        String value = unread.remove(key);
        if (value != null) {
          overridden.add(key + "=" + value);
        }
        return value;
      }

      private IllegalArgumentException bad(String attribute, String value, String rule) {
        return new IllegalArgumentException(
            "policy override " + prefix + attribute + "=" + value + ": " + rule);
      }

      int integer(String attribute, int declared) {
        String value = text(attribute);
        if (value == null) {
          return declared;
        }
        try {
          return Integer.parseInt(value);
        } catch (NumberFormatException e) {
          throw bad(attribute, value, "not a whole number");
        }
      }

      long longInteger(String attribute, long declared) {
        String value = text(attribute);
        if (value == null) {
          return declared;
        }
        try {
          return Long.parseLong(value);
        } catch (NumberFormatException e) {
          throw bad(attribute, value, "not a whole number");
        }
      }

      double number(String attribute, double declared) {
        String value = text(attribute);
        if (value == null) {
          return declared;
        }
        try {
          double number = Double.parseDouble(value);
          if (Double.isFinite(number)) {
            return number;
          }
        } catch (NumberFormatException e) {
          // reported below
        }
        throw bad(attribute, value, "not a number");
      }

      boolean bool(String attribute, boolean declared) {
        String value = text(attribute);
        if (value == null) {
          return declared;
        }
        if (value.equals("true") || value.equals("false")) {
          return Boolean.parseBoolean(value);
        }
        throw bad(attribute, value, "must be true or false");
      }

      Duration duration(String attribute, Duration declared) {
        String value = text(attribute);
        return value == null ? declared : parse(attribute, value);
      }

      /** An optional duration: an empty value is none ({@code null}). */
      Duration optionalDuration(String attribute, Duration declared) {
        String value = text(attribute);
        if (value == null) {
          return declared;
        }
        return value.isEmpty() ? null : parse(attribute, value);
      }

      private Duration parse(String attribute, String value) {
        Matcher m = SHORT_DURATION.matcher(value);
        Duration duration;
        try {
          if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            duration =
                switch (m.group(2)) {
                  case "ms" -> Duration.ofMillis(amount);
                  case "s" -> Duration.ofSeconds(amount);
                  case "m" -> Duration.ofMinutes(amount);
                  case "h" -> Duration.ofHours(amount);
                  default -> Duration.ofDays(amount);
                };
          } else {
            duration = Duration.parse(value);
          }
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
          throw bad(
              attribute,
              value,
              "not a duration (write e.g. \"250ms\", \"30s\", \"5m\", \"1h\", \"2d\" or ISO-8601"
                  + " like \"PT1M30S\")");
        }
        if (duration.isNegative()) {
          throw bad(attribute, value, "must not be negative");
        }
        return duration;
      }

      Duration positive(Duration value, String attribute) {
        if (value.isZero()) {
          throw bad(attribute, unreadValue(attribute), "must be greater than zero");
        }
        return value;
      }

      long atLeast(long value, long least, String attribute) {
        if (value < least) {
          throw bad(attribute, unreadValue(attribute), "must be >= " + least);
        }
        return value;
      }

      /** The override's text of {@code attribute}, already read. */
      private String unreadValue(String attribute) {
        String key = prefix + attribute + "=";
        for (String entry : overridden) {
          if (entry.startsWith(key)) {
            return entry.substring(key.length());
          }
        }
        return "";
      }

      /** Builds a policy record, naming the overrides when its checks refuse the values. */
      <T> T build(java.util.function.Supplier<T> record) {
        try {
          return record.get();
        } catch (IllegalArgumentException e) {
          if (e.getMessage() != null && e.getMessage().startsWith("policy override ")) {
            throw e; // one value was already named
          }
          throw new IllegalArgumentException(
              "policy override " + String.join(", ", overridden) + ": " + e.getMessage(), e);
        }
      }
    }
  }
}

package dev.tta.primitives.processor;

import javax.tools.Diagnostic;

/**
 * Every diagnostic the processor reports: a stable id, a message template ({@link String#format})
 * and a remedy. Users search for the id; tests pin the message.
 */
public enum Problem {
  STEP_OUTSIDE_WORKFLOW(
      "step-outside-workflow",
      "@%s on %s, but its class %s is not annotated @Workflow",
      "annotate the class with @Workflow, or remove the annotation"),
  WORKFLOW_KIND(
      "workflow-kind",
      "@Workflow on %s %s: only a class can be a workflow",
      "put @Workflow on a class whose methods are the steps"),
  WORKFLOW_PRIVATE(
      "workflow-private",
      "@Workflow class %s %s, so the generated class cannot call it",
      "make the private class package-private or public"),
  WORKFLOW_INNER(
      "workflow-inner",
      "@Workflow class %s is an inner (non-static) class, so the generated class cannot take it",
      "declare it static"),
  WORKFLOW_GENERIC(
      "workflow-generic",
      "@Workflow class %s has type parameters, which workflows do not support",
      "use a concrete class; a generic base class with a concrete @Workflow subclass works"),
  WORKFLOW_NO_STEPS(
      "workflow-no-steps",
      "@Workflow class %s has no @Step or @Parallel method",
      "annotate the methods that make up the workflow"),
  STEP_PRIVATE(
      "step-private",
      "step %s is private, so the generated class cannot call it",
      "make it package-private or public"),
  STEP_TYPE_VARIABLES(
      "step-type-variables",
      "step %s declares its own type variables %s, which steps do not support: the workflow"
          + " could not tell what type flows in or out",
      "use concrete types in the step's signature"),
  STEP_DUPLICATE_NAME(
      "step-duplicate-name",
      "step name \"%s\" is used twice in workflow %s (also by %s)",
      "give one of them another name with @Step(name = ...) or @Parallel(name = ...)"),
  STEP_METHOD_NAME_CLASH(
      "step-method-clash",
      "step methods %s and %s differ only in case or underscores, so the members generated for"
          + " them (with%s(), their constants) would clash",
      "rename one of the methods"),
  STEP_BAD_NAME(
      "step-name",
      "step name \"%s\" is blank",
      "leave name unset to use the method name, or give a non-blank name"),
  STEP_PARAMETER_COUNT(
      "step-parameter-count",
      "step %s takes %d data parameter(s), but %s",
      "match the parameters to what the previous stage yields"),
  STEP_PARAMETER_TYPE(
      "step-parameter-type",
      "parameter %s of step %s has type %s, which is not assignable from %s, %s",
      "change the parameter type, or the previous step's return type"),
  FAN_IN_TYPE(
      "fan-in-type",
      "parameter %s of step %s collects the parallel branches as %s, but branch %s yields %s",
      "widen the element type so every branch's output fits"),
  FOR_EACH_NOT_ITERABLE(
      "for-each-not-iterable",
      "@Parallel(forEach = true) step %s needs an Iterable or array input, but %s yields %s",
      "return an Iterable (e.g. a List) or an array from the previous step"),
  FOR_EACH_PARAMETERS(
      "for-each-parameters",
      "@Parallel(forEach = true) step %s must take exactly one data parameter (the element),"
          + " but takes %d",
      "take one parameter of the element type"),
  FOR_EACH_FIRST(
      "for-each-first",
      "@Parallel(forEach = true) step %s is the first stage: there is no previous output to"
          + " iterate",
      "add a step before it that yields the collection"),
  MAX_CONCURRENCY_WITHOUT_FOR_EACH(
      "max-concurrency",
      "@Parallel(maxConcurrency = %d) on %s without forEach = true: the bound applies only to"
          + " for-each elements",
      "set forEach = true, or remove maxConcurrency"),
  MAX_CONCURRENCY_NEGATIVE(
      "max-concurrency",
      "@Parallel(maxConcurrency = %d) on %s must be >= 0 (0 = no bound)",
      "use 0 for no bound or a positive bound"),
  STEP_AND_PARALLEL(
      "step-and-parallel",
      "%s has both @Step and @Parallel; @Parallel already makes it a step",
      "keep one of them"),
  PARAMETER_NAME_SWAP(
      "parameter-swap",
      "parameter %s of step %s is bound to branch %s by position, but its name matches branch"
          + " %s: are they swapped?",
      "reorder the parameters, or rename the parameter"),
  WORKFLOW_CONTEXT_TWICE(
      "context-twice",
      "step %s takes more than one WorkflowContext parameter",
      "keep one WorkflowContext parameter"),
  POLICY_OUTSIDE_WORKFLOW(
      "policy-outside-workflow",
      "@%s on %s, but its class %s is not annotated @Workflow",
      "annotate the class with @Workflow, or remove the annotation"),
  POLICY_NOT_STEP(
      "policy-not-step",
      "@%s on %s, which is neither a step nor a fallback, so it would never apply",
      "annotate the method with @Step or @Parallel, or move the policy to the step"),
  POLICY_ON_FALLBACK(
      "policy-on-fallback",
      "@%s on %s, a fallback method: the generated code calls a fallback as is, so only its own"
          + " @Fallback (a chain) applies",
      "move the policy to the step, or remove it"),
  DURATION_FORMAT(
      "duration",
      "%s is not a duration",
      "write e.g. \"250ms\", \"30s\", \"5m\", \"1h\", \"2d\" or ISO-8601 like \"PT1M30S\""),
  DURATION_NOT_POSITIVE("duration", "%s must be greater than zero", "give a positive duration"),
  DURATION_NEGATIVE("duration", "%s must not be negative", "give a duration of zero or more"),
  DURATION_TOO_LONG(
      "duration",
      "%s is too long: durations are counted in nanoseconds, up to about 292 years",
      "give a shorter duration"),
  RETRY_MAX(
      "retry-max",
      "@Retry(max = %d): max counts attempts including the first call and must be >= 1",
      "use max = 1 for no retry, or more"),
  RETRY_BACKOFF(
      "retry-backoff",
      "@Retry(backoff = %s) must be >= 1 (1 keeps the wait fixed)",
      "use a factor of 1 or more"),
  RETRY_JITTER(
      "retry-jitter",
      "@Retry(jitter = %s) must be between 0.0 and 1.0 (a fraction of the wait)",
      "use e.g. 0.1 for +/-10%"),
  RETRY_MAX_DELAY(
      "retry-max-delay",
      "@Retry(maxDelay = \"%s\") is less than delay = \"%s\"",
      "make maxDelay at least the delay"),
  RETRY_MAX_DURATION(
      "retry-max-duration",
      "@Retry(maxDuration = \"%s\") is not greater than delay = \"%s\": no retry could start",
      "make maxDuration longer than the delay, or leave it empty for no budget"),
  RETRY_ON_EMPTY(
      "retry-on",
      "@Retry(retryOn = {}) names no failure type, so no failure would be retried",
      "list the failures to retry, or use max = 1 for no retry"),
  RETRY_ABORT_ALSO_RETRIED(
      "retry-abort-overlap",
      "@Retry lists %s in both retryOn and abortOn; abortOn wins, so it is never retried",
      "remove it from one of the lists"),
  TIMEOUT_NOT_POSITIVE(
      "timeout", "@Timeout(\"%s\") must be greater than zero", "give a positive deadline"),
  BREAKER_FAILURE_RATE(
      "breaker-failure-rate",
      "@CircuitBreaker(failureRate = %s) must be above 0.0 and at most 1.0 (a fraction of the"
          + " calls in the window)",
      "use e.g. 0.5 to open when half the calls fail"),
  BREAKER_WINDOW(
      "breaker-window",
      "@CircuitBreaker(window = %d) must be >= 1: it is how many of the latest calls are judged",
      "use e.g. 20"),
  BREAKER_MINIMUM_CALLS(
      "breaker-minimum-calls",
      "@CircuitBreaker(minimumCalls = %d) must be between 1 and window = %d",
      "make minimumCalls at most the window, or the window larger"),
  BREAKER_HALF_OPEN_CALLS(
      "breaker-half-open-calls",
      "@CircuitBreaker(halfOpenCalls = %d) must be >= 1: at least one trial call decides whether"
          + " to close",
      "use e.g. 3"),
  BREAKER_FAIL_ON_EMPTY(
      "breaker-fail-on",
      "@CircuitBreaker(failOn = {}) names no failure type, so the breaker would never open",
      "list the failures that count, or remove @CircuitBreaker"),
  BREAKER_SKIP_COVERS_FAIL(
      "breaker-skip-covers",
      "@CircuitBreaker(skipOn = ...) covers every failOn type, so no failure counts and the"
          + " breaker never opens",
      "skip only the failures that say nothing about the backend, e.g. a subtype"),
  BULKHEAD_VALUE(
      "bulkhead-value",
      "@Bulkhead(%d) must be >= 1: it is how many calls may be in flight at once",
      "use e.g. @Bulkhead(10)"),
  BULKHEAD_QUEUE(
      "bulkhead-queue",
      "@Bulkhead(queue = %d) must be >= 0: it is how many calls may wait for a slot",
      "use queue = 0 to reject at once when every slot is taken"),
  BULKHEAD_MAX_WAIT(
      "bulkhead-max-wait",
      "@Bulkhead(maxWait = \"%s\") needs queue > 0: without a queue no call waits",
      "give a queue, or remove maxWait"),
  RATE_LIMIT_PERMITS(
      "rate-limit-permits",
      "@RateLimit(permits = %d) must be >= 1: it is how many calls may start per interval",
      "use e.g. permits = 10"),
  HEDGE_MAX(
      "hedge-max",
      "@Hedge(max = %d) must be >= 2: it counts the calls in all, the first included",
      "use max = 2 for one extra call, or remove @Hedge"),
  POLICY_NAME_BLANK(
      "policy-name",
      "@%s(name = \"%s\") is blank",
      "give a name to share the policy, or leave name empty for a policy of its own"),
  POLICY_NAME_CONFLICT(
      "policy-name-conflict",
      "@%s(name = \"%s\") on %s has other settings than the one on %s, but one name is one"
          + " shared instance",
      "give both the same settings, or different names"),
  CACHE_MAX_SIZE(
      "cache-max-size", "@Cached(maxSize = %d) must be >= 1", "give the number of entries to keep"),
  CACHE_VOID(
      "cache-void",
      "@Cached on %s, which returns nothing to cache",
      "return the value, or remove @Cached"),
  CACHE_KEY_MISSING(
      "cache-key",
      "@Cached(key = \"%s\"): no method %s in %s%s",
      "name a method of the class that takes the step's data parameters"),
  CACHE_KEY_AMBIGUOUS(
      "cache-key",
      "@Cached(key = \"%s\"): %s has %d methods of that name",
      "give the key method a unique name"),
  CACHE_KEY_PARAMETERS(
      "cache-key",
      "@Cached(key = \"%s\"): %s must take the data parameters of %s (%s)",
      "declare the key method with exactly those parameter types"),
  CACHE_KEY_VOID(
      "cache-key", "@Cached(key = \"%s\"): %s returns void, so it gives no key", "return the key"),
  CACHE_KEY_PRIVATE(
      "cache-key",
      "@Cached(key = \"%s\"): %s is private, so the generated class cannot call it",
      "make it package-private or public"),
  CACHE_KEY_EQUALITY(
      "cache-key-equality",
      "cache key type %s (%s) %s, so equal keys may not hit",
      "use a record, a String, a boxed value or a type that overrides equals and hashCode"),
  FALLBACK_MISSING(
      "fallback", "@Fallback(\"%s\"): no method %s in %s%s", "name a method of the same class"),
  FALLBACK_AMBIGUOUS(
      "fallback",
      "@Fallback(\"%s\"): %s has %d methods of that name",
      "give the fallback method a unique name"),
  FALLBACK_SELF("fallback", "@Fallback(\"%s\") names %s itself", "name another method"),
  FALLBACK_PRIVATE(
      "fallback",
      "@Fallback(\"%s\"): %s is private, so the generated class cannot call it",
      "make it package-private or public"),
  FALLBACK_PARAMETERS(
      "fallback",
      "@Fallback(\"%s\"): %s must take the data parameters of %s (%s), optionally followed by"
          + " a Throwable and a WorkflowContext",
      "declare the fallback's parameters in that order"),
  FALLBACK_CAUSE_TYPE(
      "fallback",
      "@Fallback(\"%s\"): %s takes its cause as %s, but applyOn also admits %s",
      "take a wider cause type, or narrow applyOn"),
  FALLBACK_RETURN(
      "fallback",
      "@Fallback(\"%s\"): %s returns %s, which is not assignable to %s, the result of %s",
      "return the step's type (directly or in a CompletionStage)"),
  FALLBACK_DECLARED(
      "fallback",
      "%s, the fallback that @Fallback(\"%s\") on %s names, is declared here",
      "change its signature as the error on @Fallback says, or name another method"),
  FALLBACK_APPLY_ON_EMPTY(
      "fallback-apply-on",
      "@Fallback(applyOn = {}) names no failure type, so %s() would never run",
      "list the failures it handles, or remove @Fallback"),
  FALLBACK_CYCLE(
      "fallback-cycle",
      "@Fallback chain %s comes back to %s",
      "end the chain with a method that has no @Fallback"),
  UNRESOLVED_TYPE(
      "unresolved-type",
      "a type used by workflow %s could not be resolved: %s",
      "fix the missing import or dependency; if another annotation processor generates the type,"
          + " make sure it runs in the same compilation"),
  DURABLE_MODULE_MISSING(
      "durable-module-missing",
      "@Durable on %s, but %s is not on the class path, so %s cannot be generated",
      "add the dependency dev.tta:tta-primitives-temporal (it brings io.temporal:temporal-sdk),"
          + " or remove @Durable"),
  DURABLE_DATA_TYPE(
      "durable-data-type",
      "%s of step %s in @Durable workflow %s has type %s, %s, which Temporal's data converter"
          + " cannot carry between processes",
      "pass plain data instead (a path as a String, content as a byte[] or String, a record of"
          + " values) and make the object inside the step"),
  DURABLE_FOR_EACH_ORDER(
      "durable-for-each-order",
      "for-each step %s of @Durable workflow %s iterates the %s that %s yields: Temporal rebuilds"
          + " it from JSON as a HashSet, whose order for elements of type %s can differ when the"
          + " run is replayed on another worker, so an element could run twice or never",
      "yield a List (or a SortedSet or LinkedHashSet) from the step before"),
  DURABLE_CLASS_POLICY(
      "durable-class-policy",
      "@%s on @Durable workflow %s: on Temporal only a class-level @Timeout (the run's time limit)"
          + " applies to the whole run",
      "put the policy on the steps that need it"),
  DURABLE_CACHED(
      "durable-cached",
      "@Cached on %s of @Durable workflow %s is not applied when it runs on Temporal, which never"
          + " runs a completed step again",
      "remove @Cached, or keep it knowing it applies to in-process runs only"),
  DURABLE_FALLBACK_CAUSE(
      "durable-fallback-cause",
      "parameter %s of fallback %s has type %s, but on Temporal a fallback receives the step's"
          + " failure as an io.temporal.failure.ApplicationFailure (carrying the original type"
          + " name and message)",
      "declare the parameter as Exception, RuntimeException or Throwable and read its type with"
          + " ((ApplicationFailure) cause).getType()"),
  PROCESSOR_PATH(
      "processor-path",
      "the workflow processor cannot generate %s: %s is not on the annotation processor path",
      "put com.palantir.javapoet:javapoet:0.22.0 on the processor path next to the processor"
          + " (Maven and Gradle add it from the processor's POM; plain javac needs it in"
          + " -processorpath)"),
  INTERNAL_ERROR(
      "internal-error",
      "the workflow processor failed on %s: %s",
      "please report this with the stack trace below");

  private final String id;
  private final String template;
  private final String remedy;

  Problem(String id, String template, String remedy) {
    this.id = id;
    this.template = template;
    this.remedy = remedy;
  }

  /** The message template, for the diagnostics reference's test. */
  String template() {
    return template;
  }

  /** The remedy, for the diagnostics reference's test. */
  String remedy() {
    return remedy;
  }

  /** The stable id, as shown in brackets: {@code [tta:<id>]}. */
  public String id() {
    return id;
  }

  /**
   * The diagnostic kind: likely mistakes that still work are warnings, a second place an error is
   * about is a note, the rest errors.
   */
  public Diagnostic.Kind kind() {
    return switch (this) {
      case PARAMETER_NAME_SWAP,
          RETRY_ABORT_ALSO_RETRIED,
          CACHE_KEY_EQUALITY,
          BREAKER_SKIP_COVERS_FAIL,
          DURABLE_CACHED ->
          Diagnostic.Kind.WARNING;
      case FALLBACK_DECLARED -> Diagnostic.Kind.NOTE;
      default -> Diagnostic.Kind.ERROR;
    };
  }

  /** The full message: id, the filled-in template, and the remedy. */
  public String format(Object... args) {
    return "[tta:" + id + "] " + String.format(template, args) + "; " + remedy;
  }
}

package dev.tta.primitives.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every diagnostic of {@code @CircuitBreaker}, {@code @Bulkhead}, {@code @RateLimit},
 * {@code @Hedge} and their shared names: its kind, its message (the stable id and what the user
 * wrote) and where its caret is. As in {@link PolicyDiagnosticsTest}, each attribute sits on a line
 * of its own, so a check on the line is a check on the attribute, and the error counts make sure
 * that one mistake gives one diagnostic.
 */
class MorePolicyDiagnosticsTest {

  /** {@code test.Flow}, annotated {@code @Workflow}, with {@code members} as its body. */
  private static JavaFileObject workflow(String... members) {
    return source("@Workflow", members);
  }

  /** {@code test.Flow} with {@code header} (its annotations) and {@code members}. */
  private static JavaFileObject source(String header, String... members) {
    return namedSource("Flow", header, members);
  }

  /** {@code test.<name>} with {@code header} (its annotations) and {@code members}. */
  private static JavaFileObject namedSource(String name, String header, String... members) {
    List<String> lines = new ArrayList<>();
    lines.add("package test;");
    lines.add("");
    lines.add("import dev.tta.primitives.WorkflowContext;");
    lines.add("import dev.tta.primitives.annotations.*;");
    lines.add("import java.io.FileNotFoundException;");
    lines.add("import java.io.IOException;");
    lines.add("import java.util.List;");
    lines.add("import java.util.concurrent.CompletableFuture;");
    lines.add("");
    lines.addAll(List.of(header.split("\n")));
    lines.add("class " + name + " {");
    lines.addAll(List.of(members));
    lines.add("}");
    return JavaFileObjects.forSourceLines("test." + name, lines);
  }

  private static Compilation compile(JavaFileObject... sources) {
    return Compiler.javac().withProcessors(new WorkflowProcessor()).compile(sources);
  }

  // ---- durations of every policy ----

  @ParameterizedTest
  @ValueSource(
      strings = {
        "@Timeout(\"110000d\")",
        "@Retry(maxDelay = \"PT1000000000H\")",
        "@CircuitBreaker(openFor = \"106751992d\")"
      })
  void aDurationTooLongForNanosecondsIsAnErrorOnItsAttribute(String policy) {
    JavaFileObject f =
        workflow("  @Step", "  " + policy, "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:duration] "
                + policy
                + " is too long: durations are counted in nanoseconds, up to about 292 years")
        .inFile(f)
        .onLineContaining(policy);
  }

  // ---- @CircuitBreaker ----

  @Test
  void skipOnCoveringEveryFailOnTypeIsAWarningOnSkipOn() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @CircuitBreaker(",
            "      failOn = {IOException.class, IllegalStateException.class},",
            "      skipOn = {Exception.class})",
            "  String call(String in) throws IOException { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningCount(1);
    assertThat(compilation)
        .hadWarningContaining(
            "[tta:breaker-skip-covers] @CircuitBreaker(skipOn = ...) covers every failOn type, so"
                + " no failure counts and the breaker never opens")
        .inFile(f)
        .onLineContaining("skipOn = {Exception.class}");
  }

  @Test
  void skipOnCoveringSomeFailOnTypesIsNoWarning() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @CircuitBreaker(failOn = Exception.class, skipOn = FileNotFoundException.class)",
            "  String call(String in) throws IOException { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).succeededWithoutWarnings();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0", "-0.5", "1.5", "50.0"})
  void breakerFailureRateOutsideZeroToOneIsAnErrorOnFailureRate(String rate) {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @CircuitBreaker(",
            "      window = 10,",
            "      failureRate = " + rate + ")",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:breaker-failure-rate] @CircuitBreaker(failureRate = "
                + rate
                + ") must be above 0.0 and at most 1.0 (a fraction of the calls in the window);"
                + " use e.g. 0.5 to open when half the calls fail")
        .inFile(f)
        .onLineContaining("failureRate = " + rate);
  }

  @Test
  void breakerFailureRateOfOneCompiles() {
    Compilation compilation =
        compile(
            workflow("  @Step @CircuitBreaker(failureRate = 1.0) String call() { return \"\"; }"));

    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void breakerWindowBelowOneIsAnErrorOnWindowAndOnlyThat() {
    // minimumCalls cannot be checked against a window that is wrong itself: no second error.
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @CircuitBreaker(",
            "      minimumCalls = 5,",
            "      window = 0)",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:breaker-window] @CircuitBreaker(window = 0) must be >= 1: it is how many of the"
                + " latest calls are judged; use e.g. 20")
        .inFile(f)
        .onLineContaining("window = 0");
  }

  @Test
  void breakerMinimumCallsAboveWindowIsAnErrorOnMinimumCalls() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @CircuitBreaker(",
            "      window = 10,",
            "      minimumCalls = 11)",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:breaker-minimum-calls] @CircuitBreaker(minimumCalls = 11) must be between 1 and"
                + " window = 10; make minimumCalls at most the window, or the window larger")
        .inFile(f)
        .onLineContaining("minimumCalls = 11");
  }

  @Test
  void breakerMinimumCallsBelowOneIsAnErrorOnMinimumCalls() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @CircuitBreaker(",
            "      window = 10,",
            "      minimumCalls = 0)",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:breaker-minimum-calls] @CircuitBreaker(minimumCalls = 0) must be between 1 and"
                + " window = 10")
        .inFile(f)
        .onLineContaining("minimumCalls = 0");
  }

  @Test
  void windowBelowTheDefaultMinimumCallsIsAnErrorOnWindow() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @CircuitBreaker(",
            "      failureRate = 0.5,",
            "      window = 4)",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:breaker-minimum-calls] @CircuitBreaker(minimumCalls = 10) must be between 1 and"
                + " window = 4")
        .inFile(f)
        .onLineContaining("window = 4");
  }

  @Test
  void breakerHalfOpenCallsBelowOneIsAnErrorOnHalfOpenCalls() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @CircuitBreaker(",
            "      openFor = \"10s\",",
            "      halfOpenCalls = 0)",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:breaker-half-open-calls] @CircuitBreaker(halfOpenCalls = 0) must be >= 1: at"
                + " least one trial call decides whether to close; use e.g. 3")
        .inFile(f)
        .onLineContaining("halfOpenCalls = 0");
  }

  @Test
  void emptyFailOnIsAnErrorOnFailOn() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @CircuitBreaker(",
            "      skipOn = IllegalArgumentException.class,",
            "      failOn = {})",
            "  String call(String in) throws IOException { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:breaker-fail-on] @CircuitBreaker(failOn = {}) names no failure type, so the"
                + " breaker would never open; list the failures that count, or remove"
                + " @CircuitBreaker")
        .inFile(f)
        .onLineContaining("failOn = {}");
  }

  @Test
  void zeroOpenForIsAnErrorOnOpenFor() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @CircuitBreaker(",
            "      window = 10,",
            "      openFor = \"0s\")",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:duration] @CircuitBreaker(openFor = \"0s\") must be greater than zero; give a"
                + " positive duration")
        .inFile(f)
        .onLineContaining("openFor = \"0s\"");
  }

  @Test
  void malformedSlowerThanIsAnErrorOnSlowerThan() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @CircuitBreaker(",
            "      window = 10,",
            "      slowerThan = \"fast\")",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:duration] @CircuitBreaker(slowerThan = \"fast\") is not a duration")
        .inFile(f)
        .onLineContaining("slowerThan = \"fast\"");
  }

  @Test
  void zeroSlowerThanIsAnErrorOnSlowerThan() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @CircuitBreaker(",
            "      window = 10,",
            "      slowerThan = \"0ms\")",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:duration] @CircuitBreaker(slowerThan = \"0ms\") must be greater than zero")
        .inFile(f)
        .onLineContaining("slowerThan = \"0ms\"");
  }

  // ---- @Bulkhead ----

  @Test
  void bulkheadValueBelowOneIsAnErrorOnTheValue() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Bulkhead(",
            "      queue = 2,",
            "      value = 0)",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:bulkhead-value] @Bulkhead(0) must be >= 1: it is how many calls may be in flight"
                + " at once; use e.g. @Bulkhead(10)")
        .inFile(f)
        .onLineContaining("value = 0");
  }

  @Test
  void negativeBulkheadQueueIsAnErrorOnQueueAndOnlyThat() {
    // A maxWait with a negative queue is not also "maxWait without a queue".
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Bulkhead(",
            "      value = 2,",
            "      maxWait = \"1s\",",
            "      queue = -1)",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:bulkhead-queue] @Bulkhead(queue = -1) must be >= 0: it is how many calls may wait"
                + " for a slot; use queue = 0 to reject at once when every slot is taken")
        .inFile(f)
        .onLineContaining("queue = -1");
  }

  @Test
  void bulkheadMaxWaitWithoutAQueueIsAnErrorOnMaxWait() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Bulkhead(",
            "      value = 2,",
            "      maxWait = \"1s\")",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:bulkhead-max-wait] @Bulkhead(maxWait = \"1s\") needs queue > 0: without a queue"
                + " no call waits; give a queue, or remove maxWait")
        .inFile(f)
        .onLineContaining("maxWait = \"1s\"");
  }

  @Test
  void negativeBulkheadMaxWaitIsAnErrorOnMaxWait() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Bulkhead(",
            "      queue = 5,",
            "      maxWait = \"PT-1S\")",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:duration] @Bulkhead(maxWait = \"PT-1S\") must not be negative; give a duration"
                + " of zero or more")
        .inFile(f)
        .onLineContaining("maxWait = \"PT-1S\"");
  }

  @Test
  void malformedBulkheadMaxWaitWithoutAQueueIsOneErrorOnMaxWait() {
    // "-1s" is not a duration (a negative one is written "PT-1S"); no max-wait error on top.
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Bulkhead(",
            "      value = 2,",
            "      maxWait = \"-1s\")",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("[tta:duration] @Bulkhead(maxWait = \"-1s\") is not a duration")
        .inFile(f)
        .onLineContaining("maxWait = \"-1s\"");
  }

  // ---- @RateLimit ----

  @Test
  void rateLimitPermitsBelowOneIsAnErrorOnPermits() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @RateLimit(",
            "      per = \"1s\",",
            "      permits = 0)",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:rate-limit-permits] @RateLimit(permits = 0) must be >= 1: it is how many calls"
                + " may start per interval; use e.g. permits = 10")
        .inFile(f)
        .onLineContaining("permits = 0");
  }

  @Test
  void zeroPerIsAnErrorOnPer() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @RateLimit(",
            "      permits = 5,",
            "      per = \"0ms\")",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:duration] @RateLimit(per = \"0ms\") must be greater than zero; give a positive"
                + " duration")
        .inFile(f)
        .onLineContaining("per = \"0ms\"");
  }

  @Test
  void negativeRateLimitMaxWaitIsAnErrorOnMaxWait() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @RateLimit(",
            "      permits = 5,",
            "      maxWait = \"PT-0.5S\")",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("[tta:duration] @RateLimit(maxWait = \"PT-0.5S\") must not be negative")
        .inFile(f)
        .onLineContaining("maxWait = \"PT-0.5S\"");
  }

  @Test
  void zeroRateLimitMaxWaitCompiles() {
    // "0ms" means never wait: allowed, unlike a zero interval.
    Compilation compilation =
        compile(workflow("  @Step @RateLimit(maxWait = \"0ms\") String call() { return \"\"; }"));

    assertThat(compilation).succeededWithoutWarnings();
  }

  // ---- @Hedge ----

  @ParameterizedTest
  @ValueSource(ints = {1, 0, -3})
  void hedgeMaxBelowTwoIsAnErrorOnMax(int max) {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Hedge(",
            "      delay = \"50ms\",",
            "      max = " + max + ")",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:hedge-max] @Hedge(max = "
                + max
                + ") must be >= 2: it counts the calls in all, the first included; use max = 2 for"
                + " one extra call, or remove @Hedge")
        .inFile(f)
        .onLineContaining("max = " + max + ")");
  }

  @Test
  void malformedHedgeDelayIsAnErrorOnDelay() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Hedge(",
            "      max = 3,",
            "      delay = \"soon\")",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("[tta:duration] @Hedge(delay = \"soon\") is not a duration")
        .inFile(f)
        .onLineContaining("delay = \"soon\"");
  }

  @Test
  void zeroHedgeDelayCompiles() {
    // Every call at once: allowed.
    Compilation compilation =
        compile(workflow("  @Step @Hedge(delay = \"0ms\") String call() { return \"\"; }"));

    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void hedgeOnTheWorkflowClassIsRejectedByTheCompiler() {
    // @Hedge is @Target(METHOD): javac's own error, the processor adds none.
    Compilation compilation =
        compile(source("@Workflow\n@Hedge", "  @Step String call(String in) { return in; }"));

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining("not applicable");
  }

  // ---- where the new policies may stand ----

  @ParameterizedTest
  @ValueSource(strings = {"CircuitBreaker", "Bulkhead", "RateLimit", "Hedge"})
  void newPolicyOnAFallbackMethodIsAnError(String policy) {
    JavaFileObject f =
        workflow(
            "  @Step @Fallback(\"recover\") String call(String in) { return in; }",
            "  @" + policy + "()",
            "  String recover(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:policy-on-fallback] @"
                + policy
                + " on recover(), a fallback method: the generated code calls a fallback as is, so"
                + " only its own @Fallback (a chain) applies")
        .inFile(f)
        .onLineContaining("@" + policy + "()");
  }

  @ParameterizedTest
  @ValueSource(strings = {"CircuitBreaker", "Bulkhead", "RateLimit", "Hedge"})
  void newPolicyOnAMethodThatIsNeitherStepNorFallbackIsAnError(String policy) {
    JavaFileObject f =
        workflow(
            "  @Step String call(String in) { return helper(in); }",
            "  @" + policy + "()",
            "  String helper(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:policy-not-step] @"
                + policy
                + " on helper(), which is neither a step nor a fallback, so it would never apply")
        .inFile(f)
        .onLineContaining("@" + policy + "()");
  }

  @ParameterizedTest
  @ValueSource(strings = {"CircuitBreaker", "Bulkhead", "RateLimit", "Hedge"})
  void newPolicyOnAMethodOfAClassWithoutWorkflowIsAnError(String policy) {
    JavaFileObject f = source("", "  @" + policy + "()", "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:policy-outside-workflow] @"
                + policy
                + " on call(), but its class Flow is not annotated @Workflow")
        .inFile(f)
        .onLineContaining("@" + policy + "()");
  }

  // ---- shared names ----

  @ParameterizedTest
  @ValueSource(strings = {"CircuitBreaker", "Bulkhead", "RateLimit"})
  void blankNameIsAnErrorOnName(String policy) {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @" + policy + "(",
            "      name = \"  \")",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:policy-name] @"
                + policy
                + "(name = \"  \") is blank; give a name to share the policy, or leave name empty"
                + " for a policy of its own")
        .inFile(f)
        .onLineContaining("name = \"  \"");
  }

  @Test
  void oneNameWithOtherSettingsOnTwoStepsIsAnErrorOnTheSecondName() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @CircuitBreaker(",
            "      name = \"backend\",",
            "      window = 10)",
            "  String first(String in) { return in; }",
            "  @Step",
            "  @CircuitBreaker(",
            "      window = 20,",
            "      name = \"backend\")",
            "  String second(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:policy-name-conflict] @CircuitBreaker(name = \"backend\") on step second() of"
                + " Flow has other settings than the one on step first() of Flow, but one name is"
                + " one shared instance; give both the same settings, or different names")
        .inFile(f)
        .onLineContaining("name = \"backend\")");
  }

  @Test
  void oneNameWithOtherSettingsInTwoWorkflowClassesIsAnError() {
    JavaFileObject a =
        namedSource(
            "Alpha",
            "@Workflow",
            "  @Step",
            "  @Bulkhead(",
            "      value = 4,",
            "      name = \"db\")",
            "  String call(String in) { return in; }");
    JavaFileObject b =
        namedSource(
            "Beta",
            "@Workflow",
            "  @Step",
            "  @Bulkhead(",
            "      value = 8,",
            "      name = \"db\")",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(a, b);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:policy-name-conflict] @Bulkhead(name = \"db\") on step call() of Beta has other"
                + " settings than the one on step call() of Alpha")
        .inFile(b)
        .onLineContaining("name = \"db\"");
  }

  @Test
  void conflictingNameOnTheWorkflowClassIsAnErrorOnItsName() {
    // The class's policies are read after the steps', so the class's name is the second.
    JavaFileObject f =
        source(
            "@Workflow\n@RateLimit(\n    name = \"api\",\n    permits = 5)",
            "  @Step",
            "  @RateLimit(",
            "      permits = 50,",
            "      name = \"api\")",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:policy-name-conflict] @RateLimit(name = \"api\") on workflow Flow of Flow has"
                + " other settings than the one on step call() of Flow")
        .inFile(f)
        .onLineContaining("name = \"api\",");
  }

  // ---- valid uses ----

  @Test
  void allFourOnOneStepWithOtherThanTheDefaultsCompileWithoutWarnings() {
    Compilation compilation =
        compile(
            workflow(
                "  @Step",
                "  @CircuitBreaker(",
                "      failureRate = 0.25,",
                "      window = 50,",
                "      minimumCalls = 50,",
                "      openFor = \"PT1M30S\",",
                "      halfOpenCalls = 1,",
                "      slowerThan = \"2s\",",
                "      failOn = IOException.class,",
                "      skipOn = FileNotFoundException.class,",
                "      name = \"backend\")",
                "  @Bulkhead(value = 1, queue = 100, maxWait = \"0ms\", name = \"slots\")",
                "  @RateLimit(permits = 1, per = \"1h\", maxWait = \"5m\", name = \"quota\")",
                "  @Hedge(delay = \"PT0.01S\", max = 5)",
                "  @Retry(max = 3, retryOn = IOException.class)",
                "  @Timeout(\"10s\")",
                "  String call(String in) throws IOException { return in; }"));

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("test.FlowWorkflow");
  }

  @Test
  void classLevelBreakerBulkheadAndRateLimitCompileWithoutWarnings() {
    Compilation compilation =
        compile(
            source(
                "@Workflow\n"
                    + "@CircuitBreaker(window = 5, minimumCalls = 5, openFor = \"1s\")\n"
                    + "@Bulkhead(value = 2, queue = 2, maxWait = \"100ms\")\n"
                    + "@RateLimit(permits = 3, per = \"1s\", name = \"runs\")",
                "  @Step String load(String in) { return in; }",
                "  @Parallel int size(String in) { return in.length(); }",
                "  @Parallel @Hedge String echo(String in) { return in; }"));

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("test.FlowWorkflow");
  }

  @Test
  void oneNameWithEqualSettingsOnTwoStepsCompilesWithoutWarnings() {
    // Equal settings, written differently ("30s" and "PT30S", a default and the same value).
    Compilation compilation =
        compile(
            workflow(
                "  @Step",
                "  @CircuitBreaker(window = 10, minimumCalls = 5, openFor = \"30s\", name = \"b\")",
                "  @RateLimit(permits = 5, name = \"r\")",
                "  String first(String in) { return in; }",
                "  @Step",
                "  @CircuitBreaker(minimumCalls = 5, window = 10, openFor = \"PT30S\", name = \"b\")",
                "  @RateLimit(permits = 5, per = \"1s\", name = \"r\")",
                "  String second(String in) { return in; }"));

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("test.FlowWorkflow");
  }

  @Test
  void oneNameForDifferentKindsIsNoConflict() {
    // Names are per kind: a bulkhead and a rate limit may both be "backend".
    Compilation compilation =
        compile(
            workflow(
                "  @Step",
                "  @Bulkhead(value = 3, name = \"backend\")",
                "  @RateLimit(permits = 7, name = \"backend\")",
                "  @CircuitBreaker(name = \"backend\")",
                "  String call(String in) { return in; }"));

    assertThat(compilation).succeededWithoutWarnings();
  }
}

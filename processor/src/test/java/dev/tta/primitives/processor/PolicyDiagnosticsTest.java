package dev.tta.primitives.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every diagnostic of {@code @Retry}, {@code @Timeout}, {@code @Cached} and {@code @Fallback}: its
 * kind, its message (the stable id and what the user wrote) and where its caret is. Each attribute
 * sits on a line of its own, so a check on the line is a check on the attribute. The error counts
 * make sure that one mistake gives one diagnostic, not a cascade.
 */
class PolicyDiagnosticsTest {

  /** {@code test.Flow}, annotated {@code @Workflow}, with {@code members} as its body. */
  private static JavaFileObject workflow(String... members) {
    return source("@Workflow", members);
  }

  /** {@code test.Flow} with {@code header} (its annotations) and {@code members}. */
  private static JavaFileObject source(String header, String... members) {
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
    lines.add("class Flow {");
    lines.addAll(List.of(members));
    lines.add("}");
    return JavaFileObjects.forSourceLines("test.Flow", lines);
  }

  private static Compilation compile(JavaFileObject source) {
    return Compiler.javac().withProcessors(new WorkflowProcessor()).compile(source);
  }

  // ---- @Retry ----

  @Test
  void retryMaxBelowOneIsAnErrorOnMax() {
    JavaFileObject f =
        workflow(
            "  @Step", //
            "  @Retry(",
            "      max = 0,",
            "      delay = \"1ms\")",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:retry-max] @Retry(max = 0): max counts attempts including the first call and"
                + " must be >= 1")
        .inFile(f)
        .onLineContaining("max = 0,");
  }

  @Test
  void malformedDelayIsAnErrorOnDelay() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Retry(",
            "      max = 2,",
            "      delay = \"10 parsecs\")",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("[tta:duration] @Retry(delay = \"10 parsecs\") is not a duration")
        .inFile(f)
        .onLineContaining("10 parsecs");
  }

  @Test
  void negativeIsoDurationIsAnErrorOnItsAttribute() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Retry(",
            "      delay = \"PT-1S\",",
            "      max = 2)",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("[tta:duration] @Retry(delay = \"PT-1S\") must not be negative")
        .inFile(f)
        .onLineContaining("PT-1S");
  }

  @Test
  void backoffBelowOneIsAnErrorOnBackoff() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Retry(",
            "      max = 2,",
            "      backoff = 0.5)",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("[tta:retry-backoff] @Retry(backoff = 0.5) must be >= 1")
        .inFile(f)
        .onLineContaining("backoff = 0.5");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-0.1", "1.5"})
  void jitterOutsideZeroToOneIsAnErrorOnJitter(String jitter) {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Retry(",
            "      max = 2,",
            "      jitter = " + jitter + ")",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:retry-jitter] @Retry(jitter = " + jitter + ") must be between 0.0 and 1.0")
        .inFile(f)
        .onLineContaining("jitter = " + jitter);
  }

  @Test
  void jitterRemedyShowsAPlainPercentSign() {
    Compilation compilation =
        compile(workflow("  @Step @Retry(jitter = 2.0) String call(String in) { return in; }"));

    assertThat(compilation).hadErrorContaining("use e.g. 0.1 for +/-10%");
    assertThat(compilation).hadErrorCount(1);
    // Remedies are not format strings: a doubled %% used to reach the user.
    for (Diagnostic<?> error : compilation.errors()) {
      String message = error.getMessage(Locale.ROOT);
      assertFalse(message.contains("%%"), message);
    }
  }

  @Test
  void maxDelayBelowDelayIsAnErrorOnMaxDelay() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Retry(",
            "      delay = \"1s\",",
            "      maxDelay = \"500ms\")",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:retry-max-delay] @Retry(maxDelay = \"500ms\") is less than delay = \"1s\"")
        .inFile(f)
        .onLineContaining("maxDelay = \"500ms\"");
  }

  @Test
  void delayAboveTheDefaultMaxDelayIsAnErrorOnDelay() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Retry(",
            "      max = 2,",
            "      delay = \"1m\")",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:retry-max-delay] @Retry(maxDelay = \"30s\") is less than delay = \"1m\"")
        .inFile(f)
        .onLineContaining("delay = \"1m\"");
  }

  @Test
  void maxDurationNotGreaterThanDelayIsAnErrorOnMaxDuration() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Retry(",
            "      delay = \"200ms\",",
            "      maxDuration = \"200ms\")",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:retry-max-duration] @Retry(maxDuration = \"200ms\") is not greater than"
                + " delay = \"200ms\": no retry could start")
        .inFile(f)
        .onLineContaining("maxDuration = \"200ms\"");
  }

  @Test
  void zeroMaxDurationIsAnErrorOnMaxDuration() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Retry(",
            "      max = 2,",
            "      maxDuration = \"0s\")",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("[tta:duration] @Retry(maxDuration = \"0s\") must be greater than zero")
        .inFile(f)
        .onLineContaining("maxDuration = \"0s\"");
  }

  @Test
  void classInBothAbortOnAndRetryOnIsAWarningOnTheAbortOnEntry() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Retry(",
            "      retryOn = {IOException.class, IllegalStateException.class},",
            "      abortOn = {",
            "          FileNotFoundException.class,",
            "          IllegalStateException.class",
            "      })",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningCount(1);
    assertThat(compilation)
        .hadWarningContaining(
            "[tta:retry-abort-overlap] @Retry lists java.lang.IllegalStateException in both"
                + " retryOn and abortOn; abortOn wins")
        .inFile(f)
        .onLineContaining("          IllegalStateException.class");
    assertThat(compilation).generatedSourceFile("test.FlowWorkflow");
  }

  @Test
  void abortOnASubclassOfRetryOnIsNoWarning() {
    Compilation compilation =
        compile(
            workflow(
                "  @Step",
                "  @Retry(retryOn = IOException.class, abortOn = FileNotFoundException.class)",
                "  String call(String in) { return in; }"));

    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void emptyRetryOnIsAnErrorOnRetryOn() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Retry(",
            "      max = 2,",
            "      retryOn = {})",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("[tta:retry-on] @Retry(retryOn = {}) names no failure type")
        .inFile(f)
        .onLineContaining("retryOn = {}");
  }

  // ---- @Timeout ----

  @Test
  void zeroTimeoutIsAnErrorQuotingTheValueAsWritten() {
    JavaFileObject f =
        workflow(
            "  @Step", "  @Timeout(", "      \"0s\")", "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("[tta:timeout] @Timeout(\"0s\") must be greater than zero")
        .inFile(f)
        .onLineContaining("\"0s\"");
  }

  @Test
  void malformedTimeoutIsAnErrorOnTheValue() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Timeout(",
            "      value = \"-\",",
            "      interrupt = false)",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("[tta:duration] @Timeout(\"-\") is not a duration")
        .inFile(f)
        .onLineContaining("value = \"-\"");
  }

  // ---- @Cached ----

  @Test
  void cacheMaxSizeBelowOneIsAnErrorOnMaxSize() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Cached(",
            "      ttl = \"5m\",",
            "      maxSize = 0)",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("[tta:cache-max-size] @Cached(maxSize = 0) must be >= 1")
        .inFile(f)
        .onLineContaining("maxSize = 0");
  }

  @Test
  void zeroTtlIsAnErrorOnTtl() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Cached(",
            "      maxSize = 10,",
            "      ttl = \"0s\")",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("[tta:duration] @Cached(ttl = \"0s\") must be greater than zero")
        .inFile(f)
        .onLineContaining("ttl = \"0s\"");
  }

  @Test
  void missingKeyMethodIsAnErrorOnKeyThatSuggestsTheNearName() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Cached(",
            "      ttl = \"5m\",",
            "      key = \"keyof\")",
            "  String call(String in) { return in; }",
            "  String keyOf(String in) { return in.trim(); }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:cache-key] @Cached(key = \"keyof\"): no method keyof() in Flow; did you mean"
                + " \"keyOf\"?")
        .inFile(f)
        .onLineContaining("key = \"keyof\"");
  }

  @Test
  void missingKeyMethodWithNoNearNameGivesNoHint() {
    Compilation compilation =
        compile(
            workflow(
                "  @Step @Cached(key = \"fingerprint\") String call(String in) { return in; }"));

    assertThat(compilation).hadErrorContaining("no method fingerprint() in Flow; name a method");
  }

  @Test
  void keyMethodWithWrongParametersIsAnErrorOnKey() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Cached(",
            "      ttl = \"5m\",",
            "      key = \"keyOf\")",
            "  String call(String in, int page) { return in; }",
            "  String keyOf(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:cache-key] @Cached(key = \"keyOf\"): keyOf() must take the data parameters of"
                + " step call() (java.lang.String, int)")
        .inFile(f)
        .onLineContaining("key = \"keyOf\"");
  }

  @Test
  void keyMethodReturningVoidIsAnErrorOnKey() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Cached(",
            "      ttl = \"5m\",",
            "      key = \"keyOf\")",
            "  String call(String in) { return in; }",
            "  void keyOf(String in) {}");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:cache-key] @Cached(key = \"keyOf\"): keyOf() returns void, so it gives no key")
        .inFile(f)
        .onLineContaining("key = \"keyOf\"");
  }

  @Test
  void privateKeyMethodIsAnErrorOnKey() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Cached(",
            "      ttl = \"5m\",",
            "      key = \"keyOf\")",
            "  String call(String in) { return in; }",
            "  private String keyOf(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:cache-key] @Cached(key = \"keyOf\"): keyOf() is private, so the generated class"
                + " cannot call it")
        .inFile(f)
        .onLineContaining("key = \"keyOf\"");
  }

  @Test
  void overloadedKeyMethodIsAmbiguousOnKey() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Cached(",
            "      ttl = \"5m\",",
            "      key = \"keyOf\")",
            "  String call(String in) { return in; }",
            "  String keyOf(String in) { return in; }",
            "  String keyOf(Object in) { return in.toString(); }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("[tta:cache-key] @Cached(key = \"keyOf\"): Flow has 2 methods")
        .inFile(f)
        .onLineContaining("key = \"keyOf\"");
  }

  @Test
  void arrayKeyIsAWarningNamingTheParameter() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Cached(ttl = \"5m\")",
            "  String call(int[] ids) { return \"\" + ids.length; }");

    Compilation compilation = compile(f);

    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningCount(1);
    assertThat(compilation)
        .hadWarningContaining(
            "[tta:cache-key-equality] cache key type int[] (parameter ids of step call()) is an"
                + " array, which compares by identity")
        .inFile(f)
        .onLineContaining("@Cached(ttl = \"5m\")");
  }

  @Test
  void keyTypeWithoutEqualsAndHashCodeIsAWarningOnKey() {
    JavaFileObject f =
        workflow(
            "  static class Ticket { final String id; Ticket(String id) { this.id = id; } }",
            "  @Step",
            "  @Cached(",
            "      ttl = \"5m\",",
            "      key = \"ticketOf\")",
            "  String call(String in) { return in; }",
            "  Ticket ticketOf(String in) { return new Ticket(in); }");

    Compilation compilation = compile(f);

    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningCount(1);
    assertThat(compilation)
        .hadWarningContaining(
            "[tta:cache-key-equality] cache key type test.Flow.Ticket (returned by ticketOf())"
                + " does not override equals and hashCode")
        .inFile(f)
        .onLineContaining("key = \"ticketOf\"");
  }

  @Test
  void recordStringAndEnumKeysAreNoWarning() {
    Compilation compilation =
        compile(
            workflow(
                "  record Page(String url, int n) {}",
                "  enum Mode { FAST, SLOW }",
                "  @Step @Cached String call(Page page, String tag, Mode mode, int n) {",
                "    return tag;",
                "  }"));

    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void cachedOnAVoidStepIsAnErrorAndOnlyThat() {
    JavaFileObject f =
        workflow(
            "  static class Ticket {}",
            "  @Step",
            "  @Cached(ttl = \"5m\")",
            "  void call(Ticket in) {}");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    // The key of a void step does not matter: no key-equality warning on top.
    assertThat(compilation).hadWarningCount(0);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:cache-void] @Cached on step call(), which returns nothing to cache")
        .inFile(f)
        .onLineContaining("@Cached(ttl = \"5m\")");
  }

  // ---- @Fallback ----

  @Test
  void missingFallbackIsAnErrorThatSuggestsTheNearName() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Fallback(",
            "      value = \"recovr\",",
            "      skipOn = FileNotFoundException.class)",
            "  String call(String in) { return in; }",
            "  String recover(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:fallback] @Fallback(\"recovr\"): no method recovr() in Flow; did you mean"
                + " \"recover\"?")
        .inFile(f)
        .onLineContaining("\"recovr\"");
  }

  @Test
  void overloadedFallbackIsAmbiguous() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Fallback(",
            "      \"recover\")",
            "  String call(String in) { return in; }",
            "  String recover(String in) { return in; }",
            "  String recover(String in, Throwable cause) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("[tta:fallback] @Fallback(\"recover\"): Flow has 2 methods")
        .inFile(f)
        .onLineContaining("\"recover\")");
  }

  @Test
  void fallbackWithWrongParametersIsAnError() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Fallback(",
            "      \"recover\")",
            "  String call(String in) { return in; }",
            "  String recover(String in, String extra) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:fallback] @Fallback(\"recover\"): recover() must take the data parameters of"
                + " step call() (java.lang.String), optionally followed by a Throwable and a"
                + " WorkflowContext")
        .inFile(f)
        .onLineContaining("\"recover\")");
    // The error is on the annotation; a note points at the method whose signature is wrong.
    assertThat(compilation).hadNoteCount(1);
    assertThat(compilation)
        .hadNoteContaining(
            "[tta:fallback] recover(), the fallback that @Fallback(\"recover\") on step call()"
                + " names, is declared here")
        .inFile(f)
        .onLineContaining("String recover(String in, String extra)");
  }

  @Test
  void fallbackWithIncompatibleReturnTypeIsAnError() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Fallback(",
            "      \"recover\")",
            "  String call(String in) { return in; }",
            "  CompletableFuture<Integer> recover(String in) { return null; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:fallback] @Fallback(\"recover\"): recover() returns"
                + " java.util.concurrent.CompletableFuture<java.lang.Integer>, which is not"
                + " assignable to java.lang.String, the result of step call()")
        .inFile(f)
        .onLineContaining("\"recover\")");
    assertThat(compilation).hadNoteCount(1);
    assertThat(compilation)
        .hadNoteContaining("[tta:fallback] recover(), the fallback that")
        .inFile(f)
        .onLineContaining("CompletableFuture<Integer> recover(String in)");
  }

  @Test
  void fallbackNamingTheStepItselfIsAnError() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Fallback(",
            "      \"call\")",
            "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("[tta:fallback] @Fallback(\"call\") names step call() itself")
        .inFile(f)
        .onLineContaining("\"call\")");
  }

  @Test
  void privateFallbackIsAnError() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Fallback(",
            "      \"recover\")",
            "  String call(String in) { return in; }",
            "  private String recover(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:fallback] @Fallback(\"recover\"): recover() is private, so the generated class"
                + " cannot call it")
        .inFile(f)
        .onLineContaining("\"recover\")");
  }

  @Test
  void privateFallbackWithItsOwnFallbackIsOneErrorNotTwo() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Fallback(",
            "      \"recover\")",
            "  String call(String in) { return in; }",
            "  @Fallback(\"lastResort\")",
            "  private String recover(String in) { return in; }",
            "  String lastResort(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("recover() is private")
        .inFile(f)
        .onLineContaining("\"recover\")");
  }

  @Test
  void fallbackCycleThroughTheStepIsAnErrorOnTheLinkThatClosesIt() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Fallback(",
            "      \"b\")",
            "  String a(String in) { return in; }",
            "  @Fallback(",
            "      \"a\")",
            "  String b(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:fallback-cycle] @Fallback chain a() -> b() -> a() comes back to a()")
        .inFile(f)
        .onLineContaining("\"a\")");
  }

  @Test
  void fallbackCycleAmongFallbacksIsAnError() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Fallback(\"x\")",
            "  String call(String in) { return in; }",
            "  @Fallback(",
            "      \"y\")",
            "  String x(String in) { return in; }",
            "  @Fallback(",
            "      \"x\")",
            "  String y(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:fallback-cycle] @Fallback chain call() -> x() -> y() -> x() comes back to x()")
        .inFile(f)
        .onLineContaining("      \"x\")");
  }

  @Test
  void causeParameterNarrowerThanApplyOnIsAnError() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Fallback(",
            "      \"recover\")",
            "  String call(String in) { return in; }",
            "  String recover(String in, IOException cause) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:fallback] @Fallback(\"recover\"): recover() takes its cause as"
                + " java.io.IOException, but applyOn also admits java.lang.Throwable")
        .inFile(f)
        .onLineContaining("\"recover\")");
    // On the cause parameter, which is what is too narrow.
    assertThat(compilation).hadNoteCount(1);
    assertThat(compilation)
        .hadNoteContaining("[tta:fallback] recover(), the fallback that")
        .inFile(f)
        .onLineContaining("String recover(String in, IOException cause)");
  }

  @Test
  void causeParameterAsWideAsApplyOnCompiles() {
    Compilation compilation =
        compile(
            workflow(
                "  @Step",
                "  @Fallback(value = \"recover\", applyOn = FileNotFoundException.class)",
                "  String call(String in) { return in; }",
                "  String recover(String in, IOException cause, WorkflowContext c) {",
                "    return in;",
                "  }"));

    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void emptyApplyOnIsAnErrorOnApplyOn() {
    JavaFileObject f =
        workflow(
            "  @Step",
            "  @Fallback(",
            "      value = \"recover\",",
            "      applyOn = {})",
            "  String call(String in) { return in; }",
            "  String recover(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:fallback-apply-on] @Fallback(applyOn = {}) names no failure type, so recover()"
                + " would never run")
        .inFile(f)
        .onLineContaining("applyOn = {}");
  }

  @Test
  void classLevelFallbackOfAForEachRunMustReturnTheList() {
    JavaFileObject f =
        source(
            "@Workflow\n@Fallback(\n    \"whole\")",
            "  @Step List<String> split(String csv) { return List.of(csv.split(\",\")); }",
            "  @Parallel(forEach = true) int length(String s) { return s.length(); }",
            "  String whole(String csv) { return csv; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:fallback] @Fallback(\"whole\"): whole() returns java.lang.String, which is not"
                + " assignable to java.util.List<java.lang.Integer>, the result of workflow Flow")
        .inFile(f)
        .onLineContaining("\"whole\")");
  }

  @Test
  void classLevelFallbackOfAParallelRunMustReturnTheGeneratedOutput() {
    JavaFileObject f =
        source(
            "@Workflow\n@Fallback(\n    \"whole\")",
            "  @Parallel String name(String in) { return in; }",
            "  @Parallel int size(String in) { return in.length(); }",
            "  String whole(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "whole() returns java.lang.String, which is not assignable to"
                + " test.FlowWorkflow.Output, the result of workflow Flow")
        .inFile(f)
        .onLineContaining("\"whole\")");
  }

  @Test
  void classLevelFallbacksReturningTheRunOutputCompile() {
    Compilation forEach =
        compile(
            source(
                "@Workflow @Fallback(\"whole\")",
                "  @Step List<String> split(String csv) { return List.of(csv.split(\",\")); }",
                "  @Parallel(forEach = true) int length(String s) { return s.length(); }",
                "  java.util.ArrayList<Integer> whole(String csv) {",
                "    return new java.util.ArrayList<>();",
                "  }"));
    Compilation parallel =
        compile(
            source(
                "@Workflow @Fallback(\"whole\")",
                "  @Parallel String name(String in) { return in; }",
                "  @Parallel int size(String in) { return in.length(); }",
                "  FlowWorkflow.Output whole(String in) { return new FlowWorkflow.Output(in, 0); }"));

    assertThat(forEach).succeededWithoutWarnings();
    assertThat(parallel).succeededWithoutWarnings();
  }

  // ---- where a policy may stand ----

  @Test
  void policyOnAMethodThatIsNeitherStepNorFallbackIsAnError() {
    JavaFileObject f =
        workflow(
            "  @Step String call(String in) { return helper(in); }",
            "  @Timeout(\"1s\")",
            "  String helper(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:policy-not-step] @Timeout on helper(), which is neither a step nor a fallback,"
                + " so it would never apply")
        .inFile(f)
        .onLineContaining("@Timeout(\"1s\")");
  }

  @Test
  void retryOnAFallbackMethodIsAnErrorBecauseItWouldNeverApply() {
    JavaFileObject f =
        workflow(
            "  @Step @Fallback(\"recover\") String call(String in) { return in; }",
            "  @Retry(max = 2)",
            "  String recover(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:policy-on-fallback] @Retry on recover(), a fallback method: the generated code"
                + " calls a fallback as is")
        .inFile(f)
        .onLineContaining("@Retry(max = 2)");
  }

  @Test
  void policyOnAMethodOfAClassWithoutWorkflowIsAnError() {
    JavaFileObject f = source("", "  @Retry(max = 2)", "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:policy-outside-workflow] @Retry on call(), but its class Flow is not annotated"
                + " @Workflow")
        .inFile(f)
        .onLineContaining("@Retry(max = 2)");
  }

  @Test
  void policyOnAClassWithoutWorkflowIsAnError() {
    JavaFileObject f = source("@Cached(ttl = \"5m\")", "  String call(String in) { return in; }");

    Compilation compilation = compile(f);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:policy-outside-workflow] @Cached on Flow, but its class Flow is not annotated"
                + " @Workflow")
        .inFile(f)
        .onLineContaining("@Cached(ttl = \"5m\")");
  }

  // ---- a valid combination ----

  @Test
  void validPoliciesOnStepsBranchesForEachAndTheClassCompileWithoutWarnings() {
    Compilation compilation =
        compile(
            source(
                "@Workflow\n@Timeout(\"1m\")\n@Retry(max = 2, retryOn = IOException.class)",
                "  record Page(String url, int n) {}",
                "  @Step",
                "  @Fallback(value = \"offline\", applyOn = IOException.class)",
                "  @Cached(ttl = \"10m\", maxSize = 100, key = \"keyOf\")",
                "  @Retry(",
                "      max = 4,",
                "      delay = \"PT0.25S\",",
                "      backoff = 1.5,",
                "      maxDelay = \"2s\",",
                "      jitter = 0.0,",
                "      maxDuration = \"10s\",",
                "      retryOn = IOException.class,",
                "      abortOn = FileNotFoundException.class)",
                "  @Timeout(value = \"5s\", interrupt = false)",
                "  List<String> load(String url, int n, WorkflowContext context) throws IOException {",
                "    return List.of(url);",
                "  }",
                "  Page keyOf(String url, int n) { return new Page(url, n); }",
                "  @Fallback(\"empty\")",
                "  CompletableFuture<List<String>> offline(String url, int n, IOException cause) {",
                "    return CompletableFuture.completedFuture(List.of());",
                "  }",
                "  static List<String> empty(String url, int n, Throwable cause, WorkflowContext c) {",
                "    return List.of();",
                "  }",
                "  @Parallel(forEach = true, maxConcurrency = 4)",
                "  @Retry(max = 3, delay = \"10ms\")",
                "  @Timeout(\"30s\")",
                "  @Fallback(\"unknown\")",
                "  CompletableFuture<Integer> size(String item) {",
                "    return CompletableFuture.completedFuture(item.length());",
                "  }",
                "  int unknown(String item) { return -1; }",
                "  @Parallel @Cached String first(List<Integer> sizes) { return \"\" + sizes; }",
                "  @Parallel @Retry(max = 2) @Timeout(\"1s\") int total(List<Integer> sizes) {",
                "    return sizes.size();",
                "  }"));

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("test.FlowWorkflow");
  }
}

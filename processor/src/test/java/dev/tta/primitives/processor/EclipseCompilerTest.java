package dev.tta.primitives.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.processor.TwoCompilers.Message;
import dev.tta.primitives.processor.TwoCompilers.Result;
import dev.tta.primitives.processor.TwoCompilers.Tool;
import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.tools.Diagnostic;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The processor under ECJ, the Eclipse compiler (Eclipse and VS Code build with it), and under
 * javac, from the same sources: the generated workflows compile and return the right values, and
 * the processor's diagnostics have the same messages on the same lines.
 */
class EclipseCompilerTest {

  /** A sequence, a parallel stage filling the Output record, and a static step. */
  private static final String WORD_STATS =
      String.join(
          "\n",
          "package demo;",
          "",
          "import dev.tta.primitives.annotations.Parallel;",
          "import dev.tta.primitives.annotations.Step;",
          "import dev.tta.primitives.annotations.Workflow;",
          "import java.util.List;",
          "",
          "@Workflow",
          "public class WordStats {",
          "  @Step",
          "  static List<String> words(String text) {",
          "    return List.of(text.split(\" \"));",
          "  }",
          "",
          "  @Parallel",
          "  int count(List<String> words) {",
          "    return words.size();",
          "  }",
          "",
          "  @Parallel",
          "  String longest(List<String> words) {",
          "    return words.stream().reduce(\"\", (a, b) -> b.length() > a.length() ? b : a);",
          "  }",
          "",
          "  public static String demo(String text) {",
          "    WordStatsWorkflow.Output out = new WordStatsWorkflow(new WordStats()).run(text);",
          "    return out.count() + \" \" + out.longest();",
          "  }",
          "}",
          "");

  /** A retry, a cache, a for-each with a bound and a fallback, and a fan-in. */
  private static final String ORDERS =
      String.join(
          "\n",
          "package demo;",
          "",
          "import dev.tta.primitives.annotations.Cached;",
          "import dev.tta.primitives.annotations.Fallback;",
          "import dev.tta.primitives.annotations.Parallel;",
          "import dev.tta.primitives.annotations.Retry;",
          "import dev.tta.primitives.annotations.Step;",
          "import dev.tta.primitives.annotations.Workflow;",
          "import java.io.IOException;",
          "import java.util.ArrayList;",
          "import java.util.List;",
          "",
          "@Workflow",
          "public class Orders {",
          "  int attempts;",
          "  int loads;",
          "",
          "  @Step",
          "  @Retry(max = 3, delay = \"1ms\", retryOn = IOException.class)",
          "  int parse(String text) throws IOException {",
          "    if (++attempts < 3) {",
          "      throw new IOException(\"flaky \" + attempts);",
          "    }",
          "    return Integer.parseInt(text.trim());",
          "  }",
          "",
          "  @Step",
          "  @Cached",
          "  List<Integer> load(int count) {",
          "    loads++;",
          "    List<Integer> items = new ArrayList<>();",
          "    for (int i = 0; i < count; i++) {",
          "      items.add(i);",
          "    }",
          "    return items;",
          "  }",
          "",
          "  @Parallel(forEach = true, maxConcurrency = 2)",
          "  @Fallback(\"unknown\")",
          "  String price(int item) {",
          "    if (item == 1) {",
          "      throw new IllegalStateException(\"no price\");",
          "    }",
          "    return \"p\" + item;",
          "  }",
          "",
          "  String unknown(int item) {",
          "    return \"?\" + item;",
          "  }",
          "",
          "  @Step",
          "  String total(List<String> prices) {",
          "    return String.join(\",\", prices);",
          "  }",
          "",
          "  public static String demo(String text) {",
          "    Orders steps = new Orders();",
          "    OrdersWorkflow workflow = new OrdersWorkflow(steps);",
          "    String first = workflow.run(text);",
          "    String second = workflow.run(text);",
          "    return first + \" \" + second + \" attempts=\" + steps.attempts"
              + " + \" loads=\" + steps.loads;",
          "  }",
          "}",
          "");

  /**
   * A circuit breaker, a hedge, a rate limit and a bulkhead on one step (the limit and the bulkhead
   * shared by name with another step), a rate limit on the class, and the breaker's accessor.
   */
  private static final String GUARDED =
      String.join(
          "\n",
          "package demo;",
          "",
          "import dev.tta.primitives.WorkflowException;",
          "import dev.tta.primitives.WorkflowRuntime;",
          "import dev.tta.primitives.annotations.Bulkhead;",
          "import dev.tta.primitives.annotations.CircuitBreaker;",
          "import dev.tta.primitives.annotations.Hedge;",
          "import dev.tta.primitives.annotations.RateLimit;",
          "import dev.tta.primitives.annotations.Step;",
          "import dev.tta.primitives.annotations.Workflow;",
          "import java.io.IOException;",
          "",
          "@Workflow",
          "@RateLimit(permits = 100, per = \"1s\")",
          "public class Guarded {",
          "  int calls;",
          "",
          "  @Step",
          "  @CircuitBreaker(window = 2, minimumCalls = 2, failureRate = 1.0, openFor = \"1m\")",
          "  @Hedge(delay = \"10s\", max = 3)",
          "  @RateLimit(permits = 50, per = \"1s\", maxWait = \"1s\", name = \"guarded-api\")",
          "  @Bulkhead(value = 2, queue = 4, maxWait = \"1s\", name = \"guarded-slots\")",
          "  String fetch(String in) throws IOException {",
          "    calls++;",
          "    if (in.startsWith(\"fail\")) {",
          "      throw new IOException(in);",
          "    }",
          "    return in.toUpperCase();",
          "  }",
          "",
          "  @Step",
          "  @Bulkhead(value = 2, queue = 4, maxWait = \"1s\", name = \"guarded-slots\")",
          "  String shout(String in) {",
          "    return in + \"!\";",
          "  }",
          "",
          "  public static String demo(String text) {",
          "    Guarded steps = new Guarded();",
          "    GuardedWorkflow workflow = new GuardedWorkflow(steps, WorkflowRuntime.builder().build());",
          "    StringBuilder out = new StringBuilder(workflow.run(text));",
          "    for (String input : new String[] {\"fail1\", \"fail2\", \"late\"}) {",
          "      String result;",
          "      try {",
          "        result = workflow.run(input);",
          "      } catch (WorkflowException e) {",
          "        result = e.getCause().getClass().getSimpleName();",
          "      }",
          "      out.append(' ').append(result);",
          "    }",
          "    return out + \" \" + workflow.fetchCircuitBreaker().state() + \" calls=\" + steps.calls;",
          "  }",
          "}",
          "");

  /**
   * Mistakes in two classes: policy attributes (of a retry, a timeout, a circuit breaker and a
   * bulkhead), a fallback's signature, a void cache.
   */
  private static final String BAD_POLICIES =
      String.join(
          "\n",
          "package demo;",
          "",
          "import dev.tta.primitives.annotations.*;",
          "",
          "@Workflow",
          "class BadPolicies {",
          "  @Step",
          "  @Retry(",
          "      max = 0)",
          "  String call(String in) { return in; }",
          "",
          "  @Step",
          "  @Fallback(",
          "      \"recover\")",
          "  String second(String in) { return in; }",
          "",
          "  String recover(String in, String extra) { return in; }",
          "",
          "  @Step",
          "  @Cached",
          "  void third(String x) {}",
          "",
          "  @Step",
          "  @Timeout(",
          "      \"0s\")",
          "  String fourth() { return \"\"; }",
          "",
          "  @Step",
          "  @CircuitBreaker(",
          "      window = 0)",
          "  String fifth(String in) { return in; }",
          "",
          "  @Step",
          "  @Bulkhead(",
          "      value = 2,",
          "      maxWait = \"1s\")",
          "  String sixth(String in) { return in; }",
          "}",
          "");

  /** Binding mistakes: a parameter type, a for-each over a single value. */
  private static final String BAD_BINDING =
      String.join(
          "\n",
          "package demo;",
          "",
          "import dev.tta.primitives.annotations.*;",
          "",
          "@Workflow",
          "class BadBinding {",
          "  @Step",
          "  String call(String in) { return in; }",
          "",
          "  @Step",
          "  int second(",
          "      Integer count) { return 1; }",
          "",
          "  @Parallel(forEach = true)",
          "  int third(String x) { return 1; }",
          "}",
          "");

  @ParameterizedTest
  @EnumSource(Tool.class)
  void generatedWorkflowsRunAndReturnTheRightValues(Tool tool, @TempDir Path dir) throws Exception {
    Map<String, String> sources = new LinkedHashMap<>();
    sources.put("demo.WordStats", WORD_STATS);
    sources.put("demo.Orders", ORDERS);
    sources.put("demo.Guarded", GUARDED);

    Result result = TwoCompilers.compile(tool, dir, sources, true);

    assertTrue(result.success(), result.messages().toString());
    assertEquals(List.of(), result.of(Diagnostic.Kind.ERROR));
    try (URLClassLoader loader = result.loader()) {
      assertEquals("4 quick", demo(loader, "demo.WordStats", "the quick brown fox"));
      // Two retries on the first run; the second run hits the cache; element 1 falls back.
      assertEquals("p0,?1,p2 p0,?1,p2 attempts=4 loads=1", demo(loader, "demo.Orders", " 3"));
      // Two failures in a window of two open the breaker: the third run is refused uncalled.
      assertEquals(
          "ABC! IOException IOException CircuitOpenException OPEN calls=3",
          demo(loader, "demo.Guarded", "abc"));
    }
  }

  @ParameterizedTest
  @EnumSource(Tool.class)
  void diagnosticsHaveTheSameMessagesAndLines(Tool tool, @TempDir Path dir) throws IOException {
    Map<String, String> sources = new LinkedHashMap<>();
    sources.put("demo.BadPolicies", BAD_POLICIES);
    sources.put("demo.BadBinding", BAD_BINDING);

    Result result = TwoCompilers.compile(tool, dir, sources, true);

    assertFalse(result.success());
    List<String> expected =
        List.of(
            "ERROR BadBinding.java:12 [tta:step-parameter-type] parameter count of step second()"
                + " has type java.lang.Integer, which is not assignable from java.lang.String, the"
                + " output of step call",
            "ERROR BadBinding.java:14 [tta:for-each-not-iterable] @Parallel(forEach = true) step"
                + " third() needs an Iterable or array input, but step second yields int",
            "ERROR BadPolicies.java:9 [tta:retry-max] @Retry(max = 0): max counts attempts"
                + " including the first call and must be >= 1",
            "ERROR BadPolicies.java:14 [tta:fallback] @Fallback(\"recover\"): recover() must take"
                + " the data parameters of step second() (java.lang.String), optionally followed"
                + " by a Throwable and a WorkflowContext",
            "NOTE BadPolicies.java:17 [tta:fallback] recover(), the fallback that"
                + " @Fallback(\"recover\") on step second() names, is declared here",
            "ERROR BadPolicies.java:20 [tta:cache-void] @Cached on step third(), which returns"
                + " nothing to cache",
            "ERROR BadPolicies.java:25 [tta:timeout] @Timeout(\"0s\") must be greater than zero",
            "ERROR BadPolicies.java:30 [tta:breaker-window] @CircuitBreaker(window = 0) must be >= 1:"
                + " it is how many of the latest calls are judged",
            "ERROR BadPolicies.java:36 [tta:bulkhead-max-wait] @Bulkhead(maxWait = \"1s\") needs"
                + " queue > 0: without a queue no call waits");
    // In source order (the classes by name), whichever order the checks found them in, and the
    // note on the fallback right after its error.
    assertMessages(expected, result.processorMessages());
    // Nothing but the processor's: no cascade from the compiler.
    assertEquals(expected.size() - 1, result.of(Diagnostic.Kind.ERROR).size(), result.toString());
  }

  @ParameterizedTest
  @EnumSource(Tool.class)
  void errorsOfOneClassComeInSourceOrder(Tool tool, @TempDir Path dir) throws IOException {
    // The orphan @Retry is found last (after every step and its policies), but comes first.
    String source =
        String.join(
            "\n",
            "package demo;",
            "",
            "import dev.tta.primitives.annotations.*;",
            "",
            "@Workflow",
            "class Flow {",
            "  @Retry(max = 2)",
            "  String helper(String in) { return in; }",
            "",
            "  @Step",
            "  @Timeout(\"0s\")",
            "  String call(String in) { return in; }",
            "}",
            "");

    Result result = TwoCompilers.compile(tool, dir, Map.of("demo.Flow", source), true);

    assertFalse(result.success());
    assertMessages(
        List.of(
            "ERROR Flow.java:7 [tta:policy-not-step] @Retry on helper(), which is neither a step"
                + " nor a fallback",
            "ERROR Flow.java:11 [tta:timeout] @Timeout(\"0s\") must be greater than zero"),
        result.messages());
  }

  /** Runs {@code demo(text)} of {@code className} as the compiler built it. */
  private static String demo(ClassLoader loader, String className, String text)
      throws ReflectiveOperationException {
    return (String) loader.loadClass(className).getMethod("demo", String.class).invoke(null, text);
  }

  /**
   * Asserts that {@code actual} are, in order, the messages {@code expected} begin with (the
   * remedies are left out).
   */
  static void assertMessages(List<String> expected, List<Message> actual) {
    List<String> shown = new ArrayList<>();
    for (int i = 0; i < actual.size(); i++) {
      String message = actual.get(i).toString();
      shown.add(
          i < expected.size() && message.startsWith(expected.get(i)) ? expected.get(i) : message);
    }
    assertEquals(String.join("\n", expected), String.join("\n", shown));
  }
}

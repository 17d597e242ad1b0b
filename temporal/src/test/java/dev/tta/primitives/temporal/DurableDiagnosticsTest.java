package dev.tta.primitives.temporal;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import dev.tta.primitives.processor.WorkflowProcessor;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The compile-time checks of {@code @Durable}, with the Temporal module on the class path: each
 * diagnostic's kind, message and line. Each offending element sits on a line of its own.
 */
class DurableDiagnosticsTest {

  /** {@code test.Flow}, annotated {@code @Workflow @Durable} and {@code header}. */
  private static JavaFileObject durable(String header, String... members) {
    List<String> lines = new ArrayList<>();
    lines.add("package test;");
    lines.add("");
    lines.add("import dev.tta.primitives.WorkflowContext;");
    lines.add("import dev.tta.primitives.annotations.*;");
    lines.add("import java.io.File;");
    lines.add("import java.io.IOException;");
    lines.add("import java.nio.file.Path;");
    lines.add("import java.util.List;");
    lines.add("import java.util.concurrent.CompletableFuture;");
    lines.add("import java.util.function.Supplier;");
    lines.add("");
    lines.add("@Workflow");
    lines.add("@Durable");
    if (!header.isEmpty()) {
      lines.add(header);
    }
    lines.add("class Flow {");
    lines.addAll(List.of(members));
    lines.add("}");
    return JavaFileObjects.forSourceLines("test.Flow", lines);
  }

  private static Compilation compile(JavaFileObject source) {
    return Compiler.javac().withProcessors(new WorkflowProcessor()).compile(source);
  }

  @Test
  void aPathParameterIsAnErrorOnTheParameter() {
    JavaFileObject f =
        durable(
            "",
            "  @Step",
            "  String scan(",
            "      Path root) {",
            "    return root.toString();",
            "  }");

    Compilation compilation = compile(f);

    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:durable-data-type] parameter root of step scan in @Durable workflow Flow has"
                + " type java.nio.file.Path, a file system path, which Temporal's data converter"
                + " cannot carry between processes; pass plain data instead")
        .inFile(f)
        .onLineContaining("Path root");
  }

  @Test
  void anAsyncStepsValueIsCheckedInsideItsFuture() {
    JavaFileObject f =
        durable(
            "",
            "  @Step",
            "  CompletableFuture<Thread> start(String name) {",
            "    return CompletableFuture.completedFuture(new Thread(name));",
            "  }");

    Compilation compilation = compile(f);

    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:durable-data-type] the value of step start in @Durable workflow Flow has type"
                + " java.lang.Thread, a thread,")
        .inFile(f)
        .onLineContaining("CompletableFuture<Thread> start");
  }

  @Test
  void aFunctionInsideAListIsAnError() {
    JavaFileObject f =
        durable(
            "",
            "  @Step",
            "  List<Supplier<String>> tasks(String name) {",
            "    return List.of(() -> name);",
            "  }");

    Compilation compilation = compile(f);

    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "the value of step tasks in @Durable workflow Flow has type"
                + " java.util.List<java.util.function.Supplier<java.lang.String>>, holding a"
                + " function,")
        .inFile(f)
        .onLineContaining("tasks(String name)");
  }

  @Test
  void aRecordWithAFileComponentIsAnError() {
    JavaFileObject f =
        durable(
            "",
            "  record Upload(String name, File file) {}",
            "  @Step",
            "  Upload upload(String name) {",
            "    return new Upload(name, new File(name));",
            "  }");

    Compilation compilation = compile(f);

    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "the value of step upload in @Durable workflow Flow has type test.Flow.Upload, whose"
                + " component file is a file handle,")
        .inFile(f)
        .onLineContaining("Upload upload(String name)");
  }

  @Test
  void aContextAsDataIsAnErrorButAsTheContextParameterIsFine() {
    JavaFileObject f =
        durable(
            "",
            "  @Step",
            "  WorkflowContext who(String name, WorkflowContext context) {",
            "    return context;",
            "  }");

    Compilation compilation = compile(f);

    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "the value of step who in @Durable workflow Flow has type"
                + " dev.tta.primitives.WorkflowContext, a run's context,")
        .inFile(f)
        .onLineContaining("WorkflowContext who(");
  }

  @Test
  void aClassLevelRetryIsAnErrorOnIt() {
    JavaFileObject f =
        durable(
            "@Retry(max = 2)", "  @Step", "  String call(String in) {", "    return in;", "  }");

    Compilation compilation = compile(f);

    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:durable-class-policy] @Retry on @Durable workflow Flow: on Temporal only a"
                + " class-level @Timeout (the run's time limit) applies to the whole run; put the"
                + " policy on the steps that need it")
        .inFile(f)
        .onLineContaining("@Retry(max = 2)");
  }

  @Test
  void aClassLevelTimeoutIsTheRunsTimeLimit() {
    JavaFileObject f =
        durable(
            "@Timeout(\"1h\")", "  @Step", "  String call(String in) {", "    return in;", "  }");

    Compilation compilation = compile(f);

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedSourceFile("test.FlowTemporal")
        .contentsAsUtf8String()
        .contains("RUN_TIMEOUT = Duration.ofHours(1);");
  }

  @Test
  void cachedOnADurableStepIsAWarningOnTheAnnotation() {
    JavaFileObject f =
        durable("", "  @Step", "  @Cached", "  String call(String in) {", "    return in;", "  }");

    Compilation compilation = compile(f);

    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningCount(1);
    assertThat(compilation)
        .hadWarningContaining(
            "[tta:durable-cached] @Cached on step call of @Durable workflow Flow is not applied"
                + " when it runs on Temporal, which never runs a completed step again")
        .inFile(f)
        .onLineContaining("@Cached");
  }

  @Test
  void aFallbackCauseNarrowerThanApplicationFailureIsAnErrorOnTheParameter() {
    JavaFileObject f =
        durable(
            "",
            "  @Step",
            "  @Fallback(value = \"cached\", applyOn = IOException.class)",
            "  String fetch(String url) throws IOException {",
            "    throw new IOException(url);",
            "  }",
            "  String cached(String url,",
            "      IOException cause) {",
            "    return url;",
            "  }");

    Compilation compilation = compile(f);

    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:durable-fallback-cause] parameter cause of fallback cached() has type"
                + " java.io.IOException, but on Temporal a fallback receives the step's failure as"
                + " an io.temporal.failure.ApplicationFailure")
        .inFile(f)
        .onLineContaining("IOException cause");
  }

  @Test
  void aFallbackTakingExceptionCompiles() {
    JavaFileObject f =
        durable(
            "",
            "  @Step",
            "  @Fallback(value = \"cached\", applyOn = IOException.class)",
            "  String fetch(String url) throws IOException {",
            "    throw new IOException(url);",
            "  }",
            "  String cached(String url, Exception cause) {",
            "    return url;",
            "  }");

    assertThat(compile(f)).succeededWithoutWarnings();
  }

  @Test
  void aForEachOverAHashSetOfEnumsIsAnErrorOnTheForEachStep() {
    JavaFileObject f =
        durable(
            "",
            "  enum Kind { BUILD, TEST }",
            "  @Step",
            "  java.util.Set<Kind> kinds(String project) {",
            "    return java.util.Set.of(Kind.values());",
            "  }",
            "  @Parallel(forEach = true)",
            "  String run(Kind kind) {",
            "    return kind.name();",
            "  }");

    Compilation compilation = compile(f);

    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[tta:durable-for-each-order] for-each step run of @Durable workflow Flow iterates the"
                + " java.util.Set<test.Flow.Kind> that kinds yields")
        .inFile(f)
        .onLineContaining("String run(Kind kind)");
  }

  @Test
  void aForEachOverASetOfStringsOrASortedSetCompiles() {
    JavaFileObject strings =
        durable(
            "",
            "  @Step",
            "  java.util.Set<String> names(String project) {",
            "    return java.util.Set.of(project);",
            "  }",
            "  @Parallel(forEach = true)",
            "  String run(String name) {",
            "    return name;",
            "  }");
    JavaFileObject sorted =
        durable(
            "",
            "  enum Kind { BUILD, TEST }",
            "  @Step",
            "  java.util.SortedSet<Kind> kinds(String project) {",
            "    return new java.util.TreeSet<>(java.util.Set.of(Kind.values()));",
            "  }",
            "  @Parallel(forEach = true)",
            "  String run(Kind kind) {",
            "    return kind.name();",
            "  }");

    assertThat(compile(strings)).succeededWithoutWarnings();
    assertThat(compile(sorted)).succeededWithoutWarnings();
  }

  @Test
  void anInterfaceOfTheUsersAsDataIsAnError() {
    JavaFileObject f =
        durable(
            "",
            "  sealed interface Shape permits Circle {}",
            "  record Circle(double r) implements Shape {}",
            "  @Step",
            "  Shape shape(String name) {",
            "    return new Circle(1);",
            "  }");

    Compilation compilation = compile(f);

    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "the value of step shape in @Durable workflow Flow has type test.Flow.Shape, an"
                + " interface, of which JSON cannot make an instance,")
        .inFile(f)
        .onLineContaining("Shape shape(String name)");
  }

  @Test
  void aMapWithRecordKeysIsAnError() {
    JavaFileObject f =
        durable(
            "",
            "  record Point(int x, int y) {}",
            "  @Step",
            "  java.util.Map<Point, String> labels(String name) {",
            "    return java.util.Map.of(new Point(0, 0), name);",
            "  }");

    Compilation compilation = compile(f);

    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "has type java.util.Map<test.Flow.Point,java.lang.String>, a map whose keys are"
                + " test.Flow.Point, which JSON object keys cannot carry,")
        .inFile(f)
        .onLineContaining("labels(String name)");
  }

  @Test
  void listsMapsWithStringKeysAndEnumsAreData() {
    JavaFileObject f =
        durable(
            "",
            "  enum Kind { A, B }",
            "  record Item(Kind kind, java.util.Map<String, List<Integer>> counts) {}",
            "  @Step",
            "  java.util.Map<Kind, List<Item>> items(java.util.Map<String, Integer> in) {",
            "    return java.util.Map.of();",
            "  }");

    assertThat(compile(f)).succeededWithoutWarnings();
  }
}

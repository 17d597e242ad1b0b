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
}

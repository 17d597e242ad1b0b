package dev.tta.primitives.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The diagnostics of {@code @Workflow}, {@code @Step} and {@code @Parallel} in {@link Problem} (not
 * the policy annotations', and not internal-error, which no input should cause), one misuse per
 * test: the outcome, the id, the part of the message that tells the user what is wrong, and the
 * exact line javac points at. The error counts show each problem is reported once, without
 * cascades; the last tests show the processor surviving what javac itself rejects.
 *
 * <p>Each source starts with {@link #HEADER}, so line substrings below avoid the bare names of the
 * imported types ({@code "@Step"} is safe, {@code "Step"} would also match an import).
 */
class DiagnosticsTest {

  private static final List<String> HEADER =
      List.of(
          "package test;",
          "",
          "import dev.tta.primitives.WorkflowContext;",
          "import dev.tta.primitives.annotations.Parallel;",
          "import dev.tta.primitives.annotations.Retry;",
          "import dev.tta.primitives.annotations.Step;",
          "import dev.tta.primitives.annotations.Workflow;",
          "import java.util.List;",
          "");

  // ---- where the annotations may go ----

  @Test
  void stepOutsideWorkflowIsAnError() {
    JavaFileObject file =
        source(
            "Plain",
            "class Plain {",
            "  @Step",
            "  String greet(String name) {",
            "    return name;",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "@Step",
        "[tta:step-outside-workflow]",
        "@Step on greet(), but its class Plain is not annotated @Workflow");
  }

  @Test
  void parallelOutsideWorkflowIsAnError() {
    JavaFileObject file =
        source(
            "Plain",
            "class Plain {",
            "  @Parallel",
            "  String greet(String name) {",
            "    return name;",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "@Parallel",
        "[tta:step-outside-workflow]",
        "@Parallel on greet(), but its class Plain is not annotated @Workflow");
  }

  @Test
  void stepInANestedClassOfAWorkflowIsOutsideTheWorkflow() {
    JavaFileObject file =
        source(
            "Outer",
            "@Workflow",
            "class Outer {",
            "  @Step",
            "  String first(String text) {",
            "    return text;",
            "  }",
            "",
            "  static class Helper {",
            "    @Step // not a step of Outer",
            "    String greet(String name) {",
            "      return name;",
            "    }",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "@Step // not a step of Outer",
        "[tta:step-outside-workflow]",
        "its class Helper is not annotated @Workflow");
  }

  @Test
  void workflowOnAnInterfaceIsAnError() {
    JavaFileObject file =
        source(
            "Steps", //
            "@Workflow",
            "interface Steps {",
            "  @Step",
            "  String greet(String name);",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "interface Steps",
        "[tta:workflow-kind]",
        "@Workflow on interface Steps: only a class can be a workflow");
  }

  @Test
  void workflowOnAnEnumIsAnErrorAndNothingElse() {
    JavaFileObject file =
        source(
            "Mode", //
            "@Workflow",
            "enum Mode {",
            "  ON,",
            "  OFF",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    // Not also "has no @Step or @Parallel method": that follows from not being a class.
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(compilation, file, "enum Mode", "[tta:workflow-kind]", "@Workflow on enum Mode");
  }

  @Test
  void workflowOnARecordIsAnError() {
    JavaFileObject file =
        source(
            "Pair",
            "@Workflow",
            "record Pair(String left, String right) {",
            "  @Step",
            "  String join(String separator) {",
            "    return left + separator + right;",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation, file, "record Pair(", "[tta:workflow-kind]", "@Workflow on record Pair");
  }

  @Test
  void workflowOnAnAnnotationTypeIsAnErrorAndNothingElse() {
    JavaFileObject file =
        source(
            "Marker", //
            "@Workflow",
            "@interface Marker {",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "@interface Marker",
        "[tta:workflow-kind]",
        "@Workflow on annotation type Marker");
  }

  @Test
  void privateNestedWorkflowClassIsAnError() {
    JavaFileObject file =
        source(
            "Outer",
            "class Outer {",
            "  @Workflow",
            "  private static class Hidden {",
            "    @Step",
            "    String greet(String name) {",
            "      return name;",
            "    }",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "private static class Hidden",
        "[tta:workflow-private]",
        "@Workflow class Hidden is private, so the generated class cannot call it");
  }

  @Test
  void workflowClassInsideAPrivateClassIsAnErrorNamingThePrivateClass() {
    JavaFileObject file =
        source(
            "Outer",
            "class Outer {",
            "  private static class Hidden {",
            "    @Workflow",
            "    static class Visible {",
            "      @Step",
            "      String greet(String name) {",
            "        return name;",
            "      }",
            "    }",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "static class Visible",
        "[tta:workflow-private]",
        "@Workflow class Visible is nested in private class Hidden");
  }

  @Test
  void innerWorkflowClassIsAnError() {
    JavaFileObject file =
        source(
            "Outer",
            "class Outer {",
            "  @Workflow",
            "  class Inner {",
            "    @Step",
            "    String greet(String name) {",
            "      return name;",
            "    }",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "class Inner",
        "[tta:workflow-inner]",
        "@Workflow class Inner is an inner (non-static) class",
        "declare it static");
  }

  @Test
  void genericWorkflowClassIsAnError() {
    JavaFileObject file =
        source(
            "Box",
            "@Workflow",
            "class Box<T> {",
            "  @Step",
            "  String greet(String name) {",
            "    return name;",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "class Box<T>",
        "[tta:workflow-generic]",
        "@Workflow class Box has type parameters");
  }

  // ---- the steps of a workflow ----

  @Test
  void workflowWithoutStepsIsAnError() {
    JavaFileObject file =
        source(
            "Empty",
            "@Workflow",
            "class Empty {",
            "  String greet(String name) {",
            "    return name;",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "class Empty",
        "[tta:workflow-no-steps]",
        "@Workflow class Empty has no @Step or @Parallel method");
  }

  @Test
  void privateStepIsAnError() {
    JavaFileObject file =
        source(
            "Greeter",
            "@Workflow",
            "class Greeter {",
            "  @Step",
            "  private String greet(String name) {",
            "    return name;",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "private String greet(",
        "[tta:step-private]",
        "step greet() is private, so the generated class cannot call it");
  }

  @Test
  void stepWithItsOwnTypeVariablesIsAnError() {
    JavaFileObject file =
        source(
            "Echo",
            "@Workflow",
            "class Echo {",
            "  @Step",
            "  <T, N extends Number> T echo(T value) {",
            "    return value;",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "T echo(",
        "[tta:step-type-variables]",
        "step echo() declares its own type variables <T, N>");
  }

  @Test
  void duplicateStepNamesAreAnErrorOnTheSecondName() {
    JavaFileObject file =
        source(
            "Loader",
            "@Workflow",
            "class Loader {",
            "  @Step(name = \"load\")",
            "  String fromDisk(String path) {",
            "    return path;",
            "  }",
            "",
            "  @Step(name = \"load\") // the duplicate",
            "  String fromNetwork(String url) {",
            "    return url;",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "// the duplicate",
        "[tta:step-duplicate-name]",
        "step name \"load\" is used twice in workflow Loader (also by fromDisk())");
  }

  @Test
  void stepMethodsThatDifferOnlyInCaseAreAnError() {
    JavaFileObject file =
        source(
            "Casing",
            "@Workflow",
            "class Casing {",
            "  @Step",
            "  String fetch(String s) {",
            "    return s;",
            "  }",
            "",
            "  @Step",
            "  String Fetch(String s) { // the clash",
            "    return s;",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "// the clash",
        "[tta:step-method-clash]",
        "step methods fetch() and Fetch() differ only in case or underscores");
  }

  @Test
  void overloadedStepsCollideOnTheirDefaultName() {
    JavaFileObject file =
        source(
            "Loader",
            "@Workflow",
            "class Loader {",
            "  @Step",
            "  String load(String path) {",
            "    return path;",
            "  }",
            "",
            "  @Parallel // no name to point at: the annotation",
            "  String load(Integer size) {",
            "    return \"\";",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "@Parallel // no name",
        "[tta:step-duplicate-name]",
        "step name \"load\" is used twice");
  }

  @Test
  void blankStepNameIsAnError() {
    JavaFileObject file =
        source(
            "Greeter",
            "@Workflow",
            "class Greeter {",
            "  @Step(name = \" \")",
            "  String greet(String name) {",
            "    return name;",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation, file, "@Step(name = \" \")", "[tta:step-name]", "step name \" \" is blank");
  }

  @Test
  void stepAndParallelOnOneMethodIsAnError() {
    JavaFileObject file =
        source(
            "Greeter",
            "@Workflow",
            "class Greeter {",
            "  @Step",
            "  @Parallel",
            "  String greet(String name) {",
            "    return name;",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "@Parallel",
        "[tta:step-and-parallel]",
        "greet() has both @Step and @Parallel");
  }

  @Test
  void twoWorkflowContextParametersAreAnErrorOnTheSecond() {
    JavaFileObject file =
        source(
            "Greeter",
            "@Workflow",
            "class Greeter {",
            "  @Step",
            "  String greet(",
            "      String name,",
            "      WorkflowContext context,",
            "      WorkflowContext again) {",
            "    return name;",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "WorkflowContext again",
        "[tta:context-twice]",
        "step greet() takes more than one WorkflowContext parameter");
  }

  // ---- binding a step to the previous stage ----

  @Test
  void parameterNotAssignableFromThePreviousOutputIsAnError() {
    JavaFileObject file =
        source(
            "Counter",
            "@Workflow",
            "class Counter {",
            "  @Step",
            "  int count(String text) {",
            "    return text.length();",
            "  }",
            "",
            "  @Step",
            "  String report(",
            "      String total) {",
            "    return total;",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "String total)",
        "[tta:step-parameter-type]",
        "parameter total of step report() has type java.lang.String, which is not assignable"
            + " from int, the output of step count");
  }

  @Test
  void twoParametersAfterASingleStepAreAnError() {
    JavaFileObject file =
        source(
            "Greeter",
            "@Workflow",
            "class Greeter {",
            "  @Step",
            "  String name(String id) {",
            "    return id;",
            "  }",
            "",
            "  @Step",
            "  String greet(String first, String last) {",
            "    return first + last;",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "String greet(",
        "[tta:step-parameter-count]",
        "step greet() takes 2 data parameter(s), but the previous step name yields one value"
            + " (java.lang.String)");
  }

  @Test
  void parameterAfterAVoidStepIsAnError() {
    JavaFileObject file =
        source(
            "Greeter",
            "@Workflow",
            "class Greeter {",
            "  @Step",
            "  void log(String id) {}",
            "",
            "  @Step",
            "  String greet(String name) {",
            "    return name;",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "String greet(",
        "[tta:step-parameter-count]",
        "step greet() takes 1 data parameter(s), but the previous step log returns void");
  }

  @Test
  void parameterCountNotMatchingTheParallelBranchesIsAnError() {
    JavaFileObject file =
        source(
            "Meeting",
            "@Workflow",
            "class Meeting {",
            "  @Parallel",
            "  String alice(String topic) {",
            "    return topic;",
            "  }",
            "",
            "  @Parallel",
            "  String bob(String topic) {",
            "    return topic;",
            "  }",
            "",
            "  @Step",
            "  String minutes(String a, String b, String c) {",
            "    return a + b + c;",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "String minutes(",
        "[tta:step-parameter-count]",
        "step minutes() takes 3 data parameter(s), but the previous parallel stage has 2"
            + " branches");
  }

  @Test
  void fanInListThatDoesNotFitABranchIsAnError() {
    JavaFileObject file =
        source(
            "Stats",
            "@Workflow",
            "class Stats {",
            "  @Parallel",
            "  Integer words(String text) {",
            "    return 1;",
            "  }",
            "",
            "  @Parallel",
            "  String language(String text) {",
            "    return \"en\";",
            "  }",
            "",
            "  @Step",
            "  int sum(",
            "      List<Integer> counts) {",
            "    return counts.size();",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "List<Integer> counts",
        "[tta:fan-in-type]",
        "parameter counts of step sum() collects the parallel branches as"
            + " java.util.List<java.lang.Integer>, but branch language() yields java.lang.String");
  }

  @Test
  void positionalParameterNotAssignableFromItsBranchIsAnError() {
    JavaFileObject file =
        source(
            "Stats",
            "@Workflow",
            "class Stats {",
            "  @Parallel",
            "  Integer words(String text) {",
            "    return 1;",
            "  }",
            "",
            "  @Parallel",
            "  String language(String text) {",
            "    return \"en\";",
            "  }",
            "",
            "  @Step",
            "  String report(",
            "      Integer count,",
            "      Integer code) {",
            "    return count + \"/\" + code;",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "Integer code",
        "[tta:step-parameter-type]",
        "parameter code of step report() has type java.lang.Integer, which is not assignable"
            + " from java.lang.String, the output of parallel branch language()");
  }

  @Test
  void parameterNamedAfterAnotherBranchIsAWarning() {
    JavaFileObject file =
        source(
            "Names",
            "@Workflow",
            "class Names {",
            "  @Parallel",
            "  String first(String id) {",
            "    return id;",
            "  }",
            "",
            "  @Parallel",
            "  String last(String id) {",
            "    return id;",
            "  }",
            "",
            "  @Step",
            "  String join(",
            "      String last,",
            "      String first) {",
            "    return first + last;",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningCount(2);
    assertThat(compilation)
        .hadWarningContaining("[tta:parameter-swap]")
        .inFile(file)
        .onLineContaining("String last,");
    assertThat(compilation)
        .hadWarningContaining(
            "parameter last of step join() is bound to branch first() by position, but its name"
                + " matches branch last(): are they swapped?")
        .inFile(file)
        .onLineContaining("String last,");
    assertThat(compilation)
        .hadWarningContaining("parameter first of step join() is bound to branch last()")
        .inFile(file)
        .onLineContaining("String first)");
    assertThat(compilation).generatedSourceFile("test/NamesWorkflow");
  }

  @Test
  void branchesOfAParallelFirstStageMustTakeTheSameInput() {
    JavaFileObject file =
        source(
            "Meeting",
            "@Workflow",
            "class Meeting {",
            "  @Parallel",
            "  String alice(String topic) {",
            "    return topic;",
            "  }",
            "",
            "  @Parallel",
            "  String bob(",
            "      Integer topic) {",
            "    return \"\";",
            "  }",
            "",
            "  @Parallel",
            "  String carol(String topic, String room) {",
            "    return topic;",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    // One error per wrong branch; alice sets the input and is fine.
    assertThat(compilation).hadErrorCount(2);
    assertErrorOn(
        compilation,
        file,
        "Integer topic",
        "[tta:step-parameter-type]",
        "parameter topic of step bob() has type java.lang.Integer, which is not assignable from"
            + " java.lang.String, the workflow input (parameter topic of alice())");
    assertErrorOn(
        compilation,
        file,
        "String carol(",
        "[tta:step-parameter-count]",
        "step carol() takes 2 data parameter(s), but the workflow input (the parameters of"
            + " alice()) has 1");
  }

  @Test
  void stageThatFailsToBindDoesNotCascadeIntoLaterStages() {
    JavaFileObject file =
        source(
            "Chain",
            "@Workflow",
            "class Chain {",
            "  @Step",
            "  String read(String path) {",
            "    return path;",
            "  }",
            "",
            "  @Step",
            "  int count(",
            "      Integer text) {",
            "    return 1;",
            "  }",
            "",
            "  @Step",
            "  String report(int total) {",
            "    return \"\" + total;",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    // report(int) fits count's int output: checking it against read's String was the cascade.
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "Integer text",
        "[tta:step-parameter-type]",
        "not assignable from java.lang.String, the output of step read");
  }

  @Test
  void everyStageIsCheckedAgainstWhatThePreviousStageReallyYields() {
    JavaFileObject file =
        source(
            "Chain",
            "@Workflow",
            "class Chain {",
            "  @Step",
            "  String read(String path) {",
            "    return path;",
            "  }",
            "",
            "  @Step",
            "  int count(",
            "      Integer text) {",
            "    return 1;",
            "  }",
            "",
            "  @Step",
            "  String report(",
            "      String total) {",
            "    return total;",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(2);
    assertErrorOn(
        compilation, file, "Integer text", "[tta:step-parameter-type]", "the output of step read");
    assertErrorOn(
        compilation,
        file,
        "String total",
        "[tta:step-parameter-type]",
        "not assignable from int, the output of step count");
  }

  // ---- for-each ----

  @Test
  void forEachOverANonIterableIsAnError() {
    JavaFileObject file =
        source(
            "Words",
            "@Workflow",
            "class Words {",
            "  @Step",
            "  String text(String path) {",
            "    return path;",
            "  }",
            "",
            "  @Parallel(forEach = true)",
            "  int length(String word) {",
            "    return word.length();",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "forEach = true",
        "[tta:for-each-not-iterable]",
        "@Parallel(forEach = true) step length() needs an Iterable or array input, but step text"
            + " yields java.lang.String");
  }

  @Test
  void forEachAfterAParallelStageIsAnError() {
    JavaFileObject file =
        source(
            "Words",
            "@Workflow",
            "class Words {",
            "  @Parallel",
            "  String title(String path) {",
            "    return path;",
            "  }",
            "",
            "  @Parallel",
            "  String body(String path) {",
            "    return path;",
            "  }",
            "",
            "  @Parallel(forEach = true)",
            "  int length(String word) {",
            "    return word.length();",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "forEach = true",
        "[tta:for-each-not-iterable]",
        "but the previous parallel stage yields one result per branch (title(), body())");
  }

  @Test
  void forEachAsTheFirstStageIsAnError() {
    JavaFileObject file =
        source(
            "Words",
            "@Workflow",
            "class Words {",
            "  @Parallel(forEach = true)",
            "  int length(String word) {",
            "    return word.length();",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "forEach = true",
        "[tta:for-each-first]",
        "@Parallel(forEach = true) step length() is the first stage");
  }

  @Test
  void forEachStepWithTwoDataParametersIsAnError() {
    JavaFileObject file =
        source(
            "Words",
            "@Workflow",
            "class Words {",
            "  @Step",
            "  List<String> split(String text) {",
            "    return List.of(text.split(\" \"));",
            "  }",
            "",
            "  @Parallel(forEach = true)",
            "  int length(String word, String suffix) {",
            "    return word.length();",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "int length(",
        "[tta:for-each-parameters]",
        "step length() must take exactly one data parameter (the element), but takes 2");
  }

  @Test
  void forEachParameterNotAssignableFromTheElementIsAnError() {
    JavaFileObject file =
        source(
            "Words",
            "@Workflow",
            "class Words {",
            "  @Step",
            "  List<String> split(String text) {",
            "    return List.of(text.split(\" \"));",
            "  }",
            "",
            "  @Parallel(forEach = true)",
            "  int length(",
            "      Integer word) {",
            "    return word;",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "Integer word",
        "[tta:step-parameter-type]",
        "parameter word of step length() has type java.lang.Integer, which is not assignable"
            + " from java.lang.String, an element of the output of step split");
  }

  @Test
  void maxConcurrencyWithoutForEachIsAnErrorOnTheAttribute() {
    JavaFileObject file =
        source(
            "Fetcher",
            "@Workflow",
            "class Fetcher {",
            "  @Parallel(",
            "      name = \"fetch\",",
            "      maxConcurrency = 4)",
            "  String fetch(String url) {",
            "    return url;",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "maxConcurrency = 4",
        "[tta:max-concurrency]",
        "@Parallel(maxConcurrency = 4) on fetch() without forEach = true");
  }

  @Test
  void negativeMaxConcurrencyIsAnErrorOnTheAttribute() {
    JavaFileObject file =
        source(
            "Words",
            "@Workflow",
            "class Words {",
            "  @Step",
            "  List<String> split(String text) {",
            "    return List.of(text.split(\" \"));",
            "  }",
            "",
            "  @Parallel(",
            "      forEach = true,",
            "      maxConcurrency = -1)",
            "  int length(String word) {",
            "    return word.length();",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(
        compilation,
        file,
        "maxConcurrency = -1",
        "[tta:max-concurrency]",
        "@Parallel(maxConcurrency = -1) on length() must be >= 0");
  }

  // ---- what is allowed, and what the processor survives ----

  @Test
  void checkedExceptionDeclaredByAStepIsAllowed() {
    JavaFileObject file =
        source(
            "Reader",
            "@Workflow",
            "class Reader {",
            "  @Step",
            "  String read(String path) throws java.io.IOException {",
            "    throw new java.io.IOException(path);",
            "  }",
            "",
            "  @Step",
            "  int length(String text) throws Exception {",
            "    return text.length();",
            "  }",
            "}");

    // Without -Xlint javac reports almost no warnings, so "without warnings" would prove little:
    // -Xlint:all also checks the generated class that wraps the checked exceptions. The
    // "processing" lint can stay on (unlike in processor/pom.xml, where JUnit's annotations are
    // unclaimed): the processor claims its annotations and @Generated, so it must not warn.
    Compilation compilation =
        javac().withProcessors(new WorkflowProcessor()).withOptions("-Xlint:all").compile(file);

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("test/ReaderWorkflow");
  }

  @Test
  void errorsInOneWorkflowDoNotStopAnotherFromBeingGenerated(@TempDir Path output)
      throws IOException {
    JavaFileObject bad =
        source(
            "Bad",
            "@Workflow",
            "class Bad {",
            "  @Step",
            "  private String greet(String name) {",
            "    return name;",
            "  }",
            "}");
    JavaFileObject good =
        source(
            "Good",
            "@Workflow",
            "class Good {",
            "  @Step",
            "  String greet(String name) {",
            "    return name;",
            "  }",
            "}");

    Compilation compilation = compile(bad, good);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(compilation, bad, "private String greet(", "[tta:step-private]");
    // compile-testing cannot show the generated files of a failed compilation; see the helper.
    assertThat(generatedSources(output, bad, good)).containsExactly("test/GoodWorkflow.java");
  }

  @Test
  void missingTypeInAStepIsReportedOnceByJavacAndOnceWithAHint() {
    JavaFileObject file =
        source(
            "Loader",
            "@Workflow",
            "class Loader {",
            "  @Step",
            "  Missing load(String path) {",
            "    return null;",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertNoInternalError(compilation);
    // javac's own error, and ours: reported at the last round (until then another processor
    // could still generate the type), on the same step, with the hint about processors.
    assertThat(compilation).hadErrorCount(2);
    assertErrorOn(compilation, file, "Missing load(", "cannot find symbol");
    assertErrorOn(
        compilation,
        file,
        "Missing load(",
        "[tta:unresolved-type]",
        "a type used by workflow Loader could not be resolved: Missing",
        "if another annotation processor generates the type");
  }

  @Test
  void missingExceptionTypeInAStepIsReportedLikeAnyMissingType() {
    JavaFileObject file =
        source(
            "Loader",
            "@Workflow",
            "class Loader {",
            "  @Step",
            "  String load(String path) throws MissingException {",
            "    return path;",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertNoInternalError(compilation);
    assertThat(compilation).hadErrorCount(2);
    assertErrorOn(compilation, file, "String load(", "cannot find symbol");
    assertErrorOn(
        compilation,
        file,
        "String load(",
        "[tta:unresolved-type]",
        "could not be resolved: MissingException");
  }

  @Test
  void undefinedConstantInAnAttributeIsLeftToJavac() {
    JavaFileObject file =
        source(
            "Words",
            "@Workflow",
            "class Words {",
            "  @Step",
            "  List<String> split(String text) {",
            "    return List.of(text.split(\" \"));",
            "  }",
            "",
            "  @Parallel(forEach = true, maxConcurrency = LIMIT)",
            "  int length(String word) {",
            "    return word.length();",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertNoInternalError(compilation);
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(compilation, file, "maxConcurrency = LIMIT", "cannot find symbol");
  }

  @Test
  void undefinedConstantInAPolicyAttributeIsLeftToJavac() {
    JavaFileObject file =
        source(
            "Greeter",
            "@Workflow",
            "class Greeter {",
            "  @Step",
            "  @Retry(max = ATTEMPTS)",
            "  String greet(String name) {",
            "    return name;",
            "  }",
            "}");

    Compilation compilation = compile(file);

    assertThat(compilation).failed();
    assertNoInternalError(compilation);
    assertThat(compilation).hadErrorCount(1);
    assertErrorOn(compilation, file, "@Retry(max = ATTEMPTS)", "cannot find symbol");
  }

  // ---- helpers ----

  /** A source file {@code test.<simpleName>}: {@link #HEADER} followed by {@code lines}. */
  private static JavaFileObject source(String simpleName, String... lines) {
    List<String> all = new ArrayList<>(HEADER);
    all.addAll(List.of(lines));
    return JavaFileObjects.forSourceLines("test." + simpleName, all);
  }

  private static Compilation compile(JavaFileObject... files) {
    return javac().withProcessors(new WorkflowProcessor()).compile(files);
  }

  /**
   * Asserts an error on the one line of {@code file} containing {@code line} whose message contains
   * each of {@code fragments}. Each fragment is checked on its own; the tests' error counts make
   * sure they all belong to one diagnostic.
   */
  private static void assertErrorOn(
      Compilation compilation, JavaFileObject file, String line, String... fragments) {
    for (String fragment : fragments) {
      assertThat(compilation).hadErrorContaining(fragment).inFile(file).onLineContaining(line);
    }
  }

  /** The processor must never crash, whatever javac could not make sense of. */
  private static void assertNoInternalError(Compilation compilation) {
    for (Diagnostic<? extends JavaFileObject> diagnostic : compilation.diagnostics()) {
      assertThat(diagnostic.getMessage(Locale.ROOT)).doesNotContain("[tta:internal-error]");
    }
  }

  /**
   * The source files the processor writes for {@code files}, as paths under the source output
   * directory. compile-testing keeps the generated files of a failed compilation to itself ({@code
   * generatedSourceFile} throws {@code IllegalStateException}), and after an error javac does not
   * enter generated types, so no processor could see them either: this runs javac with the output
   * in {@code dir} and lists it. The diagnostics are checked by the caller's compile-testing run of
   * the same files.
   */
  private static List<String> generatedSources(Path dir, JavaFileObject... files)
      throws IOException {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    Path sources = Files.createDirectories(dir.resolve("sources"));
    Path classes = Files.createDirectories(dir.resolve("classes"));
    try (StandardJavaFileManager fileManager =
        compiler.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8)) {
      fileManager.setLocationFromPaths(StandardLocation.SOURCE_OUTPUT, List.of(sources));
      fileManager.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(classes));
      JavaCompiler.CompilationTask task =
          compiler.getTask(
              null, fileManager, new DiagnosticCollector<>(), null, null, List.of(files));
      task.setProcessors(List.of(new WorkflowProcessor()));
      task.call();
    }
    try (Stream<Path> paths = Files.walk(sources)) {
      return paths
          .filter(Files::isRegularFile)
          .map(path -> sources.relativize(path).toString().replace(File.separatorChar, '/'))
          .sorted()
          .toList();
    }
  }
}

package dev.tta.primitives.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.processor.TwoCompilers.Message;
import dev.tta.primitives.processor.TwoCompilers.Result;
import dev.tta.primitives.processor.TwoCompilers.Tool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated code compiles without warnings under javac {@code -Xlint:all -Werror} and under
 * ECJ's default warnings (those of Eclipse and VS Code), and under ECJ's {@code -warn:+all} gives
 * only the few kinds of warning listed in {@link #INHERENT}. The samples are the golden files'
 * inputs, plus one naming deprecated and raw types (which need {@code @SuppressWarnings}) and one
 * whose parallel branch yields a parameterized type (an unchecked cast in {@code compose()}).
 */
class GeneratedCodeLintTest {

  private static final String LEGACY =
      String.join(
          "\n",
          "package legacy;",
          "",
          "import dev.tta.primitives.annotations.Fallback;",
          "import dev.tta.primitives.annotations.Step;",
          "import dev.tta.primitives.annotations.Workflow;",
          "import java.util.List;",
          "",
          "@Workflow",
          "public class Legacy {",
          "  @Step",
          "  @Deprecated",
          "  @SuppressWarnings(\"rawtypes\")",
          "  List load(String name) {",
          "    return List.of(name, name);",
          "  }",
          "",
          "  @Step",
          "  @SuppressWarnings({\"rawtypes\", \"deprecation\"})",
          "  @Fallback(\"none\")",
          "  OldCount count(List names) {",
          "    return new OldCount(names.size());",
          "  }",
          "",
          "  @Deprecated(forRemoval = true)",
          "  @SuppressWarnings({\"rawtypes\", \"deprecation\"})",
          "  OldCount none(List names) {",
          "    return new OldCount(0);",
          "  }",
          "",
          "  @Step",
          "  @SuppressWarnings(\"deprecation\")",
          "  int value(OldCount count) {",
          "    return count.value;",
          "  }",
          "}",
          "");

  private static final String OLD_COUNT =
      String.join(
          "\n",
          "package legacy;",
          "",
          "/** A deprecated type flowing between steps. */",
          "@Deprecated",
          "public final class OldCount {",
          "  final int value;",
          "",
          "  OldCount(int value) {",
          "    this.value = value;",
          "  }",
          "}",
          "");

  private static final String GENERIC_BRANCHES =
      String.join(
          "\n",
          "package legacy;",
          "",
          "import dev.tta.primitives.annotations.Parallel;",
          "import dev.tta.primitives.annotations.Step;",
          "import dev.tta.primitives.annotations.Workflow;",
          "import java.util.List;",
          "import java.util.Map;",
          "",
          "@Workflow",
          "public class GenericBranches {",
          "  @Parallel",
          "  List<String> words(String text) {",
          "    return List.of(text.split(\" \"));",
          "  }",
          "",
          "  @Parallel",
          "  Map<String, Integer> sizes(String text) {",
          "    return Map.of(text, text.length());",
          "  }",
          "",
          "  @Step",
          "  String report(List<String> words, Map<String, Integer> sizes) {",
          "    return words + \" \" + sizes;",
          "  }",
          "}",
          "");

  /** A workflow in a package whose own classes Exception, Override and String hide java.lang's. */
  private static final String RISKY =
      String.join(
          "\n",
          "package clash;",
          "",
          "import dev.tta.primitives.annotations.Step;",
          "import dev.tta.primitives.annotations.Workflow;",
          "",
          "@Workflow",
          "public class Risky {",
          "  @Step",
          "  java.lang.String call(java.lang.String in) throws Throwable {",
          "    return in;",
          "  }",
          "}",
          "");

  /**
   * The warnings ECJ's {@code -warn:+all} still gives on generated code, each a style or analysis
   * check that the code cannot meet without getting worse for everyone else:
   *
   * <ul>
   *   <li>Non-externalized string literal ({@code nls}): the literals are step and workflow names,
   *       not text to translate; a {@code //$NON-NLS-n$} comment on every line would be noise.
   *   <li>Boxing and unboxing ({@code boxing}): values cross the primitives' type parameters, which
   *       are reference types; a step returning {@code int} is boxed by design.
   *   <li>Potential resource leak ({@code resource}): {@code WorkflowRuntime} is {@code
   *       AutoCloseable}, but a workflow uses the runtime it is given (or the shared default) and
   *       must not close it.
   *   <li>Unnecessary cast ({@code cast}): an argument is cast to the step parameter's declared
   *       type so that the step method itself is called, not an overload that fits the value better
   *       (see {@code WorkflowWriter.passedAs}); ECJ finds no overload here, but there may be one.
   * </ul>
   *
   * A suppression of these in the generated class would be worse: under ECJ's defaults, which leave
   * them off, it would not be flagged, but it would hide real problems of the same kind.
   */
  private static final List<String> INHERENT =
      List.of(
          "Non-externalized string literal",
          "is boxed into",
          "is unboxed into",
          "Potential resource leak",
          "Unnecessary cast from");

  private static Map<String, String> sources;
  private static Path generated;

  @BeforeAll
  static void generate(@TempDir Path dir) throws IOException {
    sources = new LinkedHashMap<>();
    for (String name : List.of("PackageValidation", "Crawler", "Scores", "Release")) {
      sources.put("test." + name, GoldenFilesTest.resource(name + ".java.txt"));
    }
    sources.put("legacy.Legacy", LEGACY);
    sources.put("legacy.OldCount", OLD_COUNT);
    sources.put("legacy.GenericBranches", GENERIC_BRANCHES);
    sources.put("clash.Risky", RISKY);
    for (String name : List.of("Exception", "Override", "String")) {
      sources.put("clash." + name, "package clash;\n\nclass " + name + " {}\n");
    }
    Result result = TwoCompilers.compile(Tool.JAVAC, dir, sources, true);
    assertTrue(result.success(), result.messages().toString());
    generated = result.generated();
    // java.lang is not imported, and the package's own classes do not capture its names.
    String risky = result.generatedSource("clash.RiskyWorkflow");
    assertFalse(risky.contains("import java.lang."), risky);
    assertTrue(risky.contains("catch (java.lang.Exception | Error e)"), risky);
    assertTrue(risky.contains("@java.lang.Override"), risky);
    assertTrue(risky.contains("public java.lang.String run(java.lang.String in)"), risky);
  }

  /** The user's sources and the generated ones, to compile without the processor. */
  private static Map<String, String> withGenerated() throws IOException {
    Map<String, String> all = new LinkedHashMap<>(sources);
    try (Stream<Path> files = Files.walk(generated)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        String name = generated.relativize(file).toString().replace('/', '.');
        all.put(name.substring(0, name.length() - ".java".length()), Files.readString(file));
      }
    }
    assertEquals(sources.size() + 7, all.size(), "one workflow per @Workflow class");
    return all;
  }

  private static List<Message> inGeneratedFiles(Result result) {
    return result.messages().stream()
        .filter(m -> m.file() != null && m.file().endsWith("Workflow.java"))
        .toList();
  }

  @Test
  void noGeneratedLineIsLongerThan100Columns() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> these = Files.walk(generated);
        // The workflows of the functional tests' samples, generated by this module's build.
        Stream<Path> functional = Files.walk(Path.of("target/generated-test-sources"))) {
      Stream.concat(these, functional).filter(Files::isRegularFile).forEach(files::add);
    }
    List<String> tooLong = new ArrayList<>();
    for (Path file : files) {
      List<String> lines = Files.readAllLines(file);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).length() > 100) {
          tooLong.add(file.getFileName() + ":" + (i + 1) + ": " + lines.get(i));
        }
      }
    }
    assertTrue(files.size() > 30, files.toString());
    assertEquals(List.of(), tooLong);
  }

  @Test
  void javacWithXlintAllAndWerrorGivesNoWarning(@TempDir Path dir) throws IOException {
    Result result =
        TwoCompilers.compile(Tool.JAVAC, dir, withGenerated(), false, "-Xlint:all", "-Werror");

    assertTrue(result.success(), result.messages().toString());
    assertEquals(List.of(), result.messages());
  }

  @Test
  void ecjWithItsDefaultWarningsGivesNoWarningOnGeneratedCode(@TempDir Path dir)
      throws IOException {
    Result result = TwoCompilers.compile(Tool.ECJ, dir, withGenerated(), false);

    assertTrue(result.success(), result.messages().toString());
    // Before, each class had four: an unnecessary @SuppressWarnings for each token it carried.
    assertEquals(List.of(), inGeneratedFiles(result));
  }

  @Test
  void ecjWithAllWarningsGivesOnlyTheInherentOnes(@TempDir Path dir) throws IOException {
    Result result = TwoCompilers.compile(Tool.ECJ, dir, withGenerated(), false, "-warn:+all");

    assertTrue(result.success(), result.messages().toString());
    List<Message> others = new ArrayList<>();
    for (Message message : inGeneratedFiles(result)) {
      assertEquals(Diagnostic.Kind.WARNING, message.kind(), message.toString());
      if (INHERENT.stream().noneMatch(message.message()::contains)) {
        others.add(message);
      }
    }
    assertEquals(List.of(), others);
    // The run did check the generated code: the string literals are always there.
    assertTrue(
        inGeneratedFiles(result).stream()
            .anyMatch(m -> m.message().startsWith("Non-externalized string literal")));
  }
}

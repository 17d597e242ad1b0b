package dev.tta.primitives.examples.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.WorkflowException;
import dev.tta.primitives.WorkflowRuntime;
import dev.tta.primitives.examples.Main;
import dev.tta.primitives.testing.MockPrimitive;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageValidationTest {

  /** A tree with one problem of each kind, each on a known line of demo/Broken.java. */
  static Path seededTree(Path root) throws Exception {
    Path demo = Files.createDirectories(root.resolve("src/demo"));
    Files.writeString(
        demo.resolve("Clean.java"),
        String.join(
            "\n",
            "package demo;",
            "",
            "/** A class without problems. */",
            "public final class Clean {",
            "  private Clean() {}",
            "",
            "  /** Documented, so not reported. */",
            "  public static final class Inner {}",
            "}",
            "",
            "class PackagePrivateNeedsNoJavadoc {}",
            ""));
    Files.writeString(
        demo.resolve("Broken.java"),
        String.join(
            "\n",
            "package demo;",
            "",
            "public class Broken {",
            "  int size() {",
            "    return undefinedName;",
            "  }",
            "",
            "\tint tabbed;",
            "  int trailing;  ",
            "  String longLine = \"" + "x".repeat(90) + "\";",
            "}",
            ""));
    // Ignored: build output and hidden directories.
    Files.createDirectories(root.resolve("target/gen"));
    Files.writeString(root.resolve("target/gen/Ignored.java"), "class Ignored { syntax error");
    Files.createDirectories(root.resolve(".git"));
    Files.writeString(root.resolve(".git/Ignored.java"), "class Ignored { syntax error");
    return root;
  }

  private static List<String> summary(Report report) {
    return report.findings().stream()
        .map(f -> f.file() + ":" + f.line() + " " + f.severity() + " " + f.rule())
        .collect(Collectors.toList());
  }

  @Test
  void seededTree_everyProblemIsFoundOnItsLine(@TempDir Path dir) throws Exception {
    Path root = seededTree(dir);

    Report report = new PackageValidationWorkflow(new PackageValidation()).run(root);

    assertEquals(
        List.of(
            "src/demo/Broken.java:3 WARNING javadoc:missing",
            "src/demo/Broken.java:5 ERROR compile:error",
            "src/demo/Broken.java:8 WARNING lint:tab",
            "src/demo/Broken.java:9 WARNING lint:trailing-space",
            "src/demo/Broken.java:10 WARNING lint:long-line"),
        summary(report));
    assertFalse(report.passed());
    assertEquals(2, report.files());
    assertEquals(
        List.of("compile", "lint", "javadoc"),
        report.checks().stream().map(CheckResult::check).collect(Collectors.toList()));
    Finding compileError = report.findings().get(1);
    assertTrue(compileError.message().contains("undefinedName"), compileError.message());
    Finding longLine = report.findings().get(4);
    assertEquals("113 characters, more than 100 allowed", longLine.message());
  }

  @Test
  void shippedSampleTree_compilesWithTheSeededWarnings() {
    Report report =
        new PackageValidationWorkflow(new PackageValidation()).run(Path.of("sample-tree"));

    assertEquals(
        List.of(
            "com/example/inventory/Stock.java:20 WARNING lint:long-line",
            "com/example/inventory/StockReport.java:7 WARNING javadoc:missing",
            "com/example/inventory/StockReport.java:19 WARNING compile:warning",
            "com/example/inventory/StockReport.java:22 WARNING compile:warning",
            "com/example/inventory/StockReport.java:22 WARNING lint:tab",
            "com/example/inventory/StockReport.java:25 WARNING lint:trailing-space"),
        summary(report));
    assertTrue(report.passed());
    assertEquals(4, report.files());
  }

  @Test
  void aCompileThatCannotFinish_fallsBackToAnError(@TempDir Path dir) throws Exception {
    Path root = seededTree(dir);
    MockPrimitive<Sources, CheckResult> hung =
        MockPrimitive.failing(new TimeoutException("compile took too long"));

    Report report =
        new PackageValidationWorkflow(new PackageValidation()).withCompile(hung).run(root);

    assertEquals(1, hung.calls());
    CheckResult compile = report.checks().get(0);
    assertEquals(1, compile.findings().size());
    assertEquals("compile:not-run", compile.findings().get(0).rule());
    assertEquals("not compiled: compile took too long", compile.findings().get(0).message());
    assertFalse(report.passed());
  }

  @Test
  void aMissingDirectory_failsInLoadWithoutRetrying(@TempDir Path dir) {
    WorkflowException e =
        assertThrows(
            WorkflowException.class,
            () ->
                new PackageValidationWorkflow(new PackageValidation(), WorkflowRuntime.defaults())
                    .run(dir.resolve("nope")));

    assertEquals("load", e.step());
    assertEquals(1, e.attempts());
    assertInstanceOf(NotDirectoryException.class, e.getCause());
  }

  @Test
  void mainValidate_printsProgressReportAndTimeline_andFailsOnErrors(@TempDir Path dir)
      throws Exception {
    Path root = seededTree(dir);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int status =
        Main.run(
            List.of("validate", root.toString()),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    String output = out.toString(StandardCharsets.UTF_8);
    assertEquals(1, status, output + err);
    assertTrue(output.contains("PackageValidation started"), output);
    assertTrue(output.contains("PackageValidation finished in "), output);
    assertTrue(output.contains(": 5/5 steps, retries 0"), output);
    assertTrue(output.contains("src/demo/Broken.java:5: error [compile:error]"), output);
    assertTrue(output.contains("FAILED: 1 error, 4 warnings"), output);
    assertTrue(output.contains("(times in ms from the run's start)"), output);
    assertTrue(output.contains("  compile |"), output);
    assertTrue(output.contains("  javadoc |"), output);
  }
}

package dev.tta.primitives.examples.validation;

import dev.tta.primitives.WorkflowRuntime;
import dev.tta.primitives.examples.validation.Finding.Severity;
import dev.tta.primitives.listeners.ProgressListener;
import dev.tta.primitives.listeners.Timeline;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code validate [DIR]}: validates a source tree and prints the report and a timeline. */
public final class ValidateCommand {

  /** The system property naming the sample tree, set by the build's {@code demo} profile. */
  public static final String SAMPLE_TREE_PROPERTY = "tta.examples.sampleTree";

  private ValidateCommand() {}

  /**
   * Runs the validation.
   *
   * @param args {@code [DIR]}; without it, the sample tree shipped in {@code examples/sample-tree}
   * @param out where the progress and the report go
   * @return 0 when the tree passed (warnings allowed), 1 when a check found errors
   */
  public static int run(List<String> args, PrintStream out) {
    Path root = args.isEmpty() ? sampleTree() : Path.of(args.get(0));
    out.println("Validating " + display(root));
    Timeline timeline = new Timeline();
    WorkflowRuntime runtime =
        WorkflowRuntime.builder().listener(ProgressListener.to(out)).listener(timeline).build();
    Report report = new PackageValidationWorkflow(new PackageValidation(), runtime).run(root);
    print(report, out);
    out.printf("%n%s", timeline.text());
    return report.passed() ? 0 : 1;
  }

  /**
   * Prints a report: one line per check, then every finding.
   *
   * @param report the report
   * @param out where it goes
   */
  public static void print(Report report, PrintStream out) {
    out.printf("%nChecked %d files, %d lines%n", report.files(), report.lines());
    for (CheckResult check : report.checks()) {
      long errors = check.count(Severity.ERROR);
      long warnings = check.count(Severity.WARNING);
      out.printf(
          "  %-8s %-6s %d %s, %d %s%n",
          check.check(),
          errors > 0 ? "FAILED" : "ok",
          errors,
          errors == 1 ? "error" : "errors",
          warnings,
          warnings == 1 ? "warning" : "warnings");
    }
    if (!report.findings().isEmpty()) {
      out.println();
      report.findings().forEach(f -> out.println("  " + f.format()));
    }
    long errors = report.count(Severity.ERROR);
    long warnings = report.count(Severity.WARNING);
    out.printf(
        "%n%s: %d %s, %d %s%n",
        report.passed() ? "PASSED" : "FAILED",
        errors,
        errors == 1 ? "error" : "errors",
        warnings,
        warnings == 1 ? "warning" : "warnings");
  }

  /**
   * The sample tree: the directory named by {@value #SAMPLE_TREE_PROPERTY}, else {@code
   * examples/sample-tree} or {@code sample-tree} under the working directory.
   *
   * @return the directory
   * @throws IllegalArgumentException if there is none
   */
  public static Path sampleTree() {
    String property = System.getProperty(SAMPLE_TREE_PROPERTY);
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    for (String candidate : List.of("examples/sample-tree", "sample-tree")) {
      if (Files.isDirectory(Path.of(candidate))) {
        return Path.of(candidate);
      }
    }
    throw new IllegalArgumentException(
        "no DIR given and no sample tree under the working directory; run from the repository");
  }

  /**
   * A path for messages: relative to the working directory when it is under it, else absolute.
   *
   * @param path the path
   * @return how to show it
   */
  public static String display(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    Path here = Path.of("").toAbsolutePath();
    return absolute.startsWith(here) && !absolute.equals(here)
        ? here.relativize(absolute).toString()
        : absolute.toString();
  }
}

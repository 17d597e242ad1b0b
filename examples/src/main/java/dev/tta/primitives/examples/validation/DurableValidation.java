package dev.tta.primitives.examples.validation;

import dev.tta.primitives.annotations.Durable;
import dev.tta.primitives.annotations.Fallback;
import dev.tta.primitives.annotations.Parallel;
import dev.tta.primitives.annotations.Retry;
import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Timeout;
import dev.tta.primitives.annotations.Workflow;
import java.io.IOException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The validation of {@link PackageValidation}, durable: on Temporal, each step is an activity that
 * may run in another worker process, and a run survives the crash of any of them. The steps carry
 * plain data (the tree's root and file names as strings, the checks' results as records) and each
 * check reads the files again from the file system the workers share, since a {@code Path} or the
 * files' contents in memory would not cross between processes.
 *
 * <p>The processor writes both {@code DurableValidationWorkflow} (in process) and {@code
 * DurableValidationTemporal}: see {@link DurableCommand}.
 */
@Workflow(name = "DurableValidation")
@Durable(taskQueue = "tta-validation")
public class DurableValidation {

  /**
   * A source tree as data.
   *
   * @param root the tree's absolute root
   * @param files the {@code .java} files' names relative to it, in path order
   * @param lines the lines of all of them
   */
  public record Tree(String root, List<String> files, int lines) {}

  private final PackageValidation checks = new PackageValidation();

  /** Creates the steps. */
  public DurableValidation() {}

  /**
   * Finds the tree's {@code .java} files, as {@link PackageValidation} loads them.
   *
   * @param root the directory to validate
   * @return the tree
   * @throws IOException if it cannot be read
   */
  @Step
  @Retry(
      max = 3,
      delay = "50ms",
      retryOn = IOException.class,
      abortOn = NotDirectoryException.class)
  Tree scan(String root) throws IOException {
    Sources sources = checks.load(Path.of(root));
    return new Tree(sources.root().toString(), names(sources), sources.lines());
  }

  /**
   * Compiles the tree (see {@link PackageValidation#compile}).
   *
   * @param tree the tree
   * @return what the compiler found
   * @throws IOException if the tree or the temporary directory cannot be used
   */
  @Parallel
  @Timeout("60s")
  @Fallback(value = "compileNotRun", applyOn = Exception.class)
  CheckResult compile(Tree tree) throws IOException {
    return checks.compile(read(tree));
  }

  /**
   * What {@code compile} reports when it could not finish.
   *
   * @param tree the tree
   * @param cause why {@code compile} failed: on Temporal, a failure carrying the original type
   * @return one error saying why
   */
  CheckResult compileNotRun(Tree tree, Exception cause) {
    return checks.compileNotRun(null, cause);
  }

  /**
   * Checks the layout of every line (see {@link PackageValidation#lint}).
   *
   * @param tree the tree
   * @return one warning per offending line and rule
   * @throws IOException if the tree cannot be read
   */
  @Parallel
  @Timeout("30s")
  CheckResult lint(Tree tree) throws IOException {
    return checks.lint(read(tree));
  }

  /**
   * Flags public types without Javadoc (see {@link PackageValidation#javadoc}).
   *
   * @param tree the tree
   * @return one warning per undocumented public type
   * @throws IOException if the tree cannot be read
   */
  @Parallel
  @Timeout("30s")
  CheckResult javadoc(Tree tree) throws IOException {
    return checks.javadoc(read(tree));
  }

  /**
   * Aggregates the three checks (see {@link PackageValidation#report}).
   *
   * @param compile what {@code compile} found
   * @param lint what {@code lint} found
   * @param javadoc what {@code javadoc} found
   * @return the report
   */
  @Step
  Report report(CheckResult compile, CheckResult lint, CheckResult javadoc) {
    return checks.report(compile, lint, javadoc);
  }

  /** The tree's files, read again where this step runs; a tree that changed meanwhile fails. */
  private Sources read(Tree tree) throws IOException {
    Sources sources = checks.load(Path.of(tree.root()));
    List<String> names = names(sources);
    if (!names.equals(tree.files())) {
      throw new IOException(
          "the tree under "
              + tree.root()
              + " changed since it was scanned: "
              + names.size()
              + " files now, "
              + tree.files().size()
              + " then");
    }
    return sources;
  }

  private static List<String> names(Sources sources) {
    List<String> names = new ArrayList<>();
    for (SourceFile file : sources.files()) {
      names.add(file.name());
    }
    return names;
  }
}

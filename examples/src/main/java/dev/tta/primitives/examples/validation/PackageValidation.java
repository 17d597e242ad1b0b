package dev.tta.primitives.examples.validation;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.util.DocTrees;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePathScanner;
import dev.tta.primitives.annotations.Fallback;
import dev.tta.primitives.annotations.Parallel;
import dev.tta.primitives.annotations.Retry;
import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Timeout;
import dev.tta.primitives.annotations.Workflow;
import dev.tta.primitives.examples.validation.Finding.Severity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.lang.model.element.Modifier;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Validates a Java source tree: {@code load} reads every {@code .java} file, then three checks run
 * at the same time, each under a deadline, and {@code report} aggregates what they found.
 *
 * <ul>
 *   <li>{@code compile} compiles the tree with the JDK's compiler ({@code javax.tools}) into a
 *       temporary directory, with {@code -Xlint:all}: errors fail the validation, lint warnings are
 *       reported;
 *   <li>{@code lint} flags lines longer than {@value #MAX_LINE_LENGTH} characters, tabs and
 *       trailing whitespace;
 *   <li>{@code javadoc} parses the files and flags public types without a Javadoc comment.
 * </ul>
 *
 * <p>The processor turns this class into {@code PackageValidationWorkflow}: {@code run(Path)}
 * returns the {@link Report}.
 */
@Workflow
public class PackageValidation {

  /** The longest line {@code lint} accepts, in characters (Google Java style). */
  public static final int MAX_LINE_LENGTH = 100;

  /** Creates the steps. */
  public PackageValidation() {}

  /**
   * Reads every {@code .java} file under {@code root}, skipping hidden directories and {@code
   * target}. Retried when a file changes under the walk (an editor's temporary file, say); a root
   * that is not a directory fails at once.
   *
   * @param root the directory to validate
   * @return the files in path order
   * @throws IOException if the tree cannot be read
   */
  @Step
  @Retry(
      max = 3,
      delay = "50ms",
      retryOn = IOException.class,
      abortOn = NotDirectoryException.class)
  Sources load(Path root) throws IOException {
    Path dir = root.toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new NotDirectoryException(dir + " (not a directory)");
    }
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(dir)) {
      paths =
          walk.filter(p -> p.getFileName().toString().endsWith(".java"))
              .filter(Files::isRegularFile)
              .filter(p -> !skipped(dir.relativize(p)))
              .sorted()
              .collect(Collectors.toList());
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    List<SourceFile> files = new ArrayList<>();
    for (Path path : paths) {
      String name = dir.relativize(path).toString().replace('\\', '/');
      files.add(new SourceFile(path, name, Files.readAllLines(path, StandardCharsets.UTF_8)));
    }
    return new Sources(dir, files);
  }

  private static boolean skipped(Path relative) {
    for (Path part : relative.getParent() == null ? List.<Path>of() : relative.getParent()) {
      String name = part.toString();
      if (name.startsWith(".") || name.equals("target")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Compiles the tree for Java 17 with every lint warning on, into a temporary directory that is
   * deleted afterwards. Annotation processing is off: the tree is compiled as plain source.
   *
   * @param sources the tree
   * @return compile errors (errors) and lint warnings (warnings)
   * @throws IOException if the temporary directory cannot be made
   */
  @Parallel
  @Timeout("60s")
  @Fallback("compileNotRun")
  CheckResult compile(Sources sources) throws IOException {
    JavaCompiler javac = systemCompiler();
    Path classes = Files.createTempDirectory("tta-validate-");
    try {
      DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
      try (StandardJavaFileManager fileManager =
          javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
        List<String> options =
            List.of(
                "--release",
                "17",
                "-proc:none",
                "-Xlint:all",
                "-encoding",
                "UTF-8",
                "-d",
                classes.toString(),
                "--class-path",
                classes.toString());
        javac
            .getTask(null, fileManager, diagnostics, options, null, javaFiles(fileManager, sources))
            .call();
      }
      List<Finding> findings = new ArrayList<>();
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        if (d.getKind() == Diagnostic.Kind.NOTE || d.getKind() == Diagnostic.Kind.OTHER) {
          continue;
        }
        Severity severity =
            d.getKind() == Diagnostic.Kind.ERROR ? Severity.ERROR : Severity.WARNING;
        String file = d.getSource() == null ? "" : nameOf(sources, Path.of(d.getSource().toUri()));
        int line = d.getLineNumber() == Diagnostic.NOPOS ? 0 : (int) d.getLineNumber();
        String message =
            d.getMessage(Locale.ROOT)
                .lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .collect(Collectors.joining("; "));
        String rule = severity == Severity.ERROR ? "compile:error" : "compile:warning";
        findings.add(new Finding(file, line, severity, rule, message));
      }
      return new CheckResult("compile", sources.files().size(), sources.lines(), findings);
    } finally {
      deleteTree(classes);
    }
  }

  /**
   * What {@code compile} reports when it could not finish: its deadline passed, or the runtime has
   * no compiler. Not compiling is an error, so the validation does not pass by default.
   *
   * @param sources the tree
   * @param cause why {@code compile} failed
   * @return one error saying why
   */
  CheckResult compileNotRun(Sources sources, Throwable cause) {
    String why = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    return new CheckResult(
        "compile",
        0,
        0,
        List.of(new Finding("", 0, Severity.ERROR, "compile:not-run", "not compiled: " + why)));
  }

  /**
   * Checks the layout of every line: at most {@value #MAX_LINE_LENGTH} characters, no tab, no
   * trailing whitespace.
   *
   * @param sources the tree
   * @return one warning per offending line and rule
   */
  @Parallel
  @Timeout("30s")
  CheckResult lint(Sources sources) {
    List<Finding> findings = new ArrayList<>();
    for (SourceFile file : sources.files()) {
      List<String> lines = file.lines();
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        int length = line.codePointCount(0, line.length());
        if (length > MAX_LINE_LENGTH) {
          findings.add(
              lintWarning(
                  file,
                  i,
                  "long-line",
                  length + " characters, more than " + MAX_LINE_LENGTH + " allowed"));
        }
        int tab = line.indexOf('\t');
        if (tab >= 0) {
          findings.add(lintWarning(file, i, "tab", "tab character at column " + (tab + 1)));
        }
        if (!line.isEmpty() && Character.isWhitespace(line.charAt(line.length() - 1))) {
          findings.add(lintWarning(file, i, "trailing-space", "whitespace at the end of the line"));
        }
      }
    }
    return new CheckResult("lint", sources.files().size(), sources.lines(), findings);
  }

  private static Finding lintWarning(SourceFile file, int index, String rule, String message) {
    return new Finding(file.name(), index + 1, Severity.WARNING, "lint:" + rule, message);
  }

  /**
   * Parses the tree with the JDK's compiler and flags every public type, nested ones included, that
   * has no Javadoc comment.
   *
   * @param sources the tree
   * @return one warning per undocumented public type
   * @throws IOException if the parser cannot read a file
   */
  @Parallel
  @Timeout("30s")
  CheckResult javadoc(Sources sources) throws IOException {
    JavaCompiler javac = systemCompiler();
    List<Finding> findings = new ArrayList<>();
    DiagnosticCollector<JavaFileObject> ignored = new DiagnosticCollector<>();
    try (StandardJavaFileManager fileManager =
        javac.getStandardFileManager(ignored, Locale.ROOT, StandardCharsets.UTF_8)) {
      JavacTask task =
          (JavacTask)
              javac.getTask(
                  null,
                  fileManager,
                  ignored, // syntax errors are the compile check's to report
                  List.of("-proc:none", "-encoding", "UTF-8"),
                  null,
                  javaFiles(fileManager, sources));
      DocTrees docTrees = DocTrees.instance(task);
      for (CompilationUnitTree unit : task.parse()) {
        String file = nameOf(sources, Path.of(unit.getSourceFile().toUri()));
        new TreePathScanner<Void, Void>() {
          @Override
          public Void visitClass(ClassTree type, Void unused) {
            if (!type.getModifiers().getFlags().contains(Modifier.PUBLIC)) {
              return null; // members of a non-public type are not public API either
            }
            if (docTrees.getDocCommentTree(getCurrentPath()) == null) {
              long position = docTrees.getSourcePositions().getStartPosition(unit, type);
              findings.add(
                  new Finding(
                      file,
                      (int) unit.getLineMap().getLineNumber(position),
                      Severity.WARNING,
                      "javadoc:missing",
                      "public " + kindOf(type) + " " + type.getSimpleName() + " has no Javadoc"));
            }
            return super.visitClass(type, unused);
          }
        }.scan(unit, null);
      }
    }
    return new CheckResult("javadoc", sources.files().size(), sources.lines(), findings);
  }

  private static String kindOf(ClassTree type) {
    return switch (type.getKind()) {
      case INTERFACE -> "interface";
      case ENUM -> "enum";
      case ANNOTATION_TYPE -> "annotation";
      case RECORD -> "record";
      default -> "class";
    };
  }

  /**
   * Aggregates the checks' findings into one report, in file and line order.
   *
   * @param compile what {@code compile} found
   * @param lint what {@code lint} found
   * @param javadoc what {@code javadoc} found
   * @return the report
   */
  @Step
  Report report(CheckResult compile, CheckResult lint, CheckResult javadoc) {
    List<CheckResult> checks = List.of(compile, lint, javadoc);
    List<Finding> all =
        checks.stream()
            .flatMap(c -> c.findings().stream())
            .sorted(Finding.ORDER)
            .collect(Collectors.toList());
    int files = checks.stream().mapToInt(CheckResult::files).max().orElse(0);
    int lines = checks.stream().mapToInt(CheckResult::lines).max().orElse(0);
    return new Report(files, lines, checks, all);
  }

  private static JavaCompiler systemCompiler() {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IllegalStateException("this Java runtime has no compiler; run on a JDK");
    }
    return javac;
  }

  private static Iterable<? extends JavaFileObject> javaFiles(
      StandardJavaFileManager fileManager, Sources sources) {
    return fileManager.getJavaFileObjectsFromPaths(
        sources.files().stream().map(SourceFile::path).collect(Collectors.toList()));
  }

  private static String nameOf(Sources sources, Path file) {
    Path absolute = file.toAbsolutePath().normalize();
    return absolute.startsWith(sources.root())
        ? sources.root().relativize(absolute).toString().replace('\\', '/')
        : absolute.toString();
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.deleteIfExists(p);
      }
    }
  }
}

package dev.tta.primitives.processor;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import org.eclipse.jdt.internal.compiler.tool.EclipseCompiler;

/**
 * Runs the processor under javac or ECJ (the Eclipse compiler of Eclipse and VS Code), both through
 * their JSR-199 {@link JavaCompiler}, on sources written to a directory. compile-testing cannot
 * drive ECJ: its in-memory files have {@code mem:} URIs, which ECJ opens as files.
 */
final class TwoCompilers {

  private TwoCompilers() {}

  /** The two compilers. */
  enum Tool {
    JAVAC(ToolProvider::getSystemJavaCompiler),
    ECJ(EclipseCompiler::new);

    private final Supplier<JavaCompiler> compiler;

    Tool(Supplier<JavaCompiler> compiler) {
      this.compiler = compiler;
    }
  }

  /**
   * One diagnostic, as a test states it.
   *
   * @param kind error, warning, note...
   * @param file the source file's name ({@code Flow.java}), or {@code null}
   * @param line its line, 1-based, or -1 without a position
   * @param message the message
   */
  record Message(Diagnostic.Kind kind, String file, long line, String message) {
    @Override
    public String toString() {
      return kind + " " + file + ":" + line + " " + message;
    }
  }

  /**
   * What a compilation left.
   *
   * @param success whether it succeeded
   * @param messages the diagnostics in the order the compiler reported them
   * @param generated the directory of the generated sources
   * @param classes the directory of the class files
   */
  record Result(boolean success, List<Message> messages, Path generated, Path classes) {

    /** The messages of kind {@code kind}. */
    List<Message> of(Diagnostic.Kind kind) {
      return messages.stream().filter(m -> m.kind() == kind).toList();
    }

    /** The messages about the file named {@code file} ({@code FooWorkflow.java}). */
    List<Message> in(String file) {
      return messages.stream().filter(m -> file.equals(m.file())).toList();
    }

    /** The processor's own messages, those with a {@code [tta:...]} id. */
    List<Message> processorMessages() {
      return messages.stream().filter(m -> m.message().startsWith("[tta:")).toList();
    }

    /** The text of the generated source of {@code qualifiedName}. */
    String generatedSource(String qualifiedName) {
      try {
        return Files.readString(
            generated.resolve(qualifiedName.replace('.', '/') + ".java"), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** A loader of the compiled classes, over this test's class path (the runtime). */
    URLClassLoader loader() {
      try {
        return new URLClassLoader(
            new URL[] {classes.toUri().toURL()}, TwoCompilers.class.getClassLoader());
      } catch (MalformedURLException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * Compiles {@code sources} (qualified class name to text) in {@code dir} with {@code tool}, at
   * {@code --release 17}, with the processor and the test's class path (the annotations and the
   * runtime), adding {@code options}. With {@code processor} false the processor does not run.
   */
  static Result compile(
      Tool tool, Path dir, Map<String, String> sources, boolean processor, String... options)
      throws IOException {
    Path src = Files.createDirectories(dir.resolve("src"));
    Path generated = Files.createDirectories(dir.resolve("generated"));
    Path classes = Files.createDirectories(dir.resolve("classes"));
    List<Path> files = new ArrayList<>();
    for (Map.Entry<String, String> source : sources.entrySet()) {
      Path file = src.resolve(source.getKey().replace('.', '/') + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, source.getValue(), StandardCharsets.UTF_8);
      files.add(file);
    }
    JavaCompiler compiler = tool.compiler.get();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    List<String> all = new ArrayList<>(List.of("--release", "17", "-encoding", "UTF-8"));
    all.addAll(List.of("-classpath", System.getProperty("java.class.path")));
    if (!processor) {
      all.add("-proc:none");
    }
    all.addAll(List.of(options));
    boolean success;
    try (StandardJavaFileManager fileManager =
        compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      fileManager.setLocationFromPaths(StandardLocation.SOURCE_OUTPUT, List.of(generated));
      fileManager.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(classes));
      JavaCompiler.CompilationTask task =
          compiler.getTask(
              // ECJ also prints its diagnostics; they are in the collector anyway.
              new PrintWriter(Writer.nullWriter()),
              fileManager,
              diagnostics,
              all,
              null,
              fileManager.getJavaFileObjectsFromPaths(files));
      if (processor) {
        task.setProcessors(List.of(new WorkflowProcessor()));
      }
      success = task.call();
    }
    List<Message> messages = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      String file = null;
      if (d.getSource() != null) {
        String name = d.getSource().toUri().getPath();
        file = name.substring(name.lastIndexOf('/') + 1);
      }
      messages.add(
          new Message(
              d.getKind(),
              file,
              d.getLineNumber() == Diagnostic.NOPOS ? -1 : d.getLineNumber(),
              d.getMessage(Locale.ROOT)));
    }
    return new Result(success, List.copyOf(messages), generated, classes);
  }
}

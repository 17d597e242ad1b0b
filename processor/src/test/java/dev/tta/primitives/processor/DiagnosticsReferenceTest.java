package dev.tta.primitives.processor;

import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Keeps the diagnostics reference, {@code docs/diagnostics.md}, in step with {@link Problem}: every
 * id has a section, every section's examples compile to what the page says they print, and every
 * {@link Problem} constant (with an id) is shown by a failing example in its id's section.
 *
 * <p>Conventions of the page, which this test relies on:
 *
 * <ul>
 *   <li>Each id has one section, headed {@code ## tta:<id>}. A section ends at the next {@code ## }
 *       heading. Its first paragraph starts with {@code **Error.**} or {@code **Warning.**}, as
 *       {@link Problem#kind()} says (a note that accompanies an error does not change it).
 *   <li>A fenced block opened with {@code ```java fails} is a failing example: a whole source file
 *       without package or imports (the test puts {@link #IMPORTS} in front of its first line, so
 *       line numbers stay as shown). Its file name comes from the first type declared at the start
 *       of a line. It must report the section's id, and the {@code ```text} block right after it
 *       must be exactly what it prints: for each error, warning and note of the processor, sorted
 *       by position, {@code File.java:<line>: error|warning|Note: <message>}, then the source line
 *       and a caret under the column javac points at, then any further lines of the message.
 *   <li>A block opened with {@code ```java fixed} is a corrected example: it must compile, with the
 *       workflow class generated and compiled too, and without any error, warning or note of the
 *       processor.
 *   <li>Other blocks are not compiled. A {@code ```text} block elsewhere that shows a {@code
 *       [tta:...]} diagnostic (as in "how to read a diagnostic") must be the output of one of the
 *       failing examples.
 *   <li>Sections for ids that no input can cause ({@link #NO_EXAMPLE}) have no examples.
 * </ul>
 *
 * <p>After a change of wording in {@link Problem}, rewrite the output blocks with {@code mvn -pl
 * processor test -Dtest=DiagnosticsReferenceTest -Ddiagnostics.update=true} and read the diff.
 */
class DiagnosticsReferenceTest {

  /** What every example may use without importing it; kept on one line, in front of line 1. */
  private static final String IMPORTS =
      "import dev.tta.primitives.WorkflowContext; import dev.tta.primitives.annotations.*;"
          + " import java.io.*; import java.util.*; import java.util.concurrent.*; ";

  /**
   * Ids that no source should cause, so their sections show no compiled example: processor-path is
   * about the compiler's set-up (JavaPoet missing from the processor path), which this test's
   * compiler always has. Even internal-error has one (a class that already has the generated
   * class's name).
   */
  private static final Set<String> NO_EXAMPLE = Set.of("processor-path");

  /**
   * Ids whose examples need {@code tta-primitives-temporal} on the class path. This module's tests
   * do not have it (they show {@code durable-module-missing}); the temporal module runs this test
   * again ({@code DurableDiagnosticsReferenceTest}) and compiles these.
   */
  private static final Set<String> ON_TEMPORAL =
      Set.of(
          "durable-data-type",
          "durable-for-each-order",
          "durable-class-policy",
          "durable-cached",
          "durable-fallback-cause");

  private static final boolean WITH_TEMPORAL =
      DiagnosticsReferenceTest.class
              .getClassLoader()
              .getResource("dev/tta/primitives/temporal/DurableWorkflow.class")
          != null;

  /** Whether this run compiles the examples of the section of {@code id}. */
  private static boolean compiledHere(String id) {
    return ON_TEMPORAL.contains(id) == WITH_TEMPORAL;
  }

  private static final Pattern HEADING = Pattern.compile("^## tta:(\\S*)\\s*$");
  private static final Pattern TYPE =
      Pattern.compile(
          "^(?:(?:public|final|abstract|sealed|non-sealed|static|strictfp)\\s+)*"
              + "(?:class|interface|enum|record|@interface)\\s+(\\w+)");

  /** Compilations by source, so the tests below share them. */
  private static final Map<String, Compiled> COMPILED = new ConcurrentHashMap<>();

  /** The one compilation of all corrected examples, by their sources. */
  private static final Map<String, Compilation> FIXED = new ConcurrentHashMap<>();

  /** A failing example's file and its compilation. */
  private record Compiled(JavaFileObject file, Compilation compilation) {}

  // ---- the page has a section for each id, and no other ----

  @Test
  void everyIdHasOneSectionAndEverySectionAnId() throws IOException {
    Page page = Page.read();
    Set<String> ids = ids();
    List<String> headings = page.sections().stream().map(Section::id).toList();
    Set<String> missing = new TreeSet<>(ids);
    missing.removeAll(headings);
    Set<String> stale = new TreeSet<>(headings);
    stale.removeAll(ids);
    Set<String> twice = new TreeSet<>();
    Set<String> seen = new LinkedHashSet<>();
    for (String id : headings) {
      if (!seen.add(id)) {
        twice.add(id);
      }
    }
    assertTrue(
        missing.isEmpty() && stale.isEmpty() && twice.isEmpty(),
        () ->
            page.path()
                + ": ids without a '## tta:<id>' section: "
                + missing
                + "; sections for ids no Problem has: "
                + stale
                + "; ids with more than one section: "
                + twice);
  }

  @Test
  void everySectionStatesTheKind() throws IOException {
    List<String> wrong = new ArrayList<>();
    for (Section section : Page.read().sections()) {
      String expected = kindLabel(section.id());
      if (expected != null && !section.firstParagraph().startsWith("**" + expected + ".**")) {
        wrong.add("tta:" + section.id() + " should start with **" + expected + ".**");
      }
    }
    assertTrue(wrong.isEmpty(), () -> String.join("\n", wrong));
  }

  @Test
  void everySectionHasExamplesUnlessNoSourceCausesIt() throws IOException {
    List<String> wrong = new ArrayList<>();
    for (Section section : Page.read().sections()) {
      long fails = section.blocks().stream().filter(b -> b.role().equals("fails")).count();
      long fixed = section.blocks().stream().filter(b -> b.role().equals("fixed")).count();
      if (NO_EXAMPLE.contains(section.id())) {
        if (fails + fixed > 0) {
          wrong.add(
              "tta:" + section.id() + " has compiled examples, but no source should cause it");
        }
      } else if (fails == 0 || fixed == 0) {
        wrong.add("tta:" + section.id() + " needs a ```java fails and a ```java fixed block");
      }
    }
    assertTrue(wrong.isEmpty(), () -> String.join("\n", wrong));
  }

  // ---- the examples print what the page says ----

  @TestFactory
  Stream<DynamicTest> examplesPrintWhatThePageShows() throws IOException {
    Page page = Page.read();
    if (Boolean.getBoolean("diagnostics.update")) {
      page = page.updated();
    }
    List<DynamicTest> tests = new ArrayList<>();
    List<Block> fixed = new ArrayList<>();
    for (Section section : page.sections()) {
      if (!compiledHere(section.id())) {
        continue;
      }
      for (Block block : section.blocks()) {
        String where = page.path().getFileName() + ":" + block.line();
        if (block.role().equals("fails")) {
          tests.add(
              DynamicTest.dynamicTest(
                  "tta:" + section.id() + " fails (" + where + ")",
                  () -> checkFailing(section, block, where)));
        } else if (block.role().equals("fixed")) {
          int index = fixed.size();
          fixed.add(block);
          tests.add(
              DynamicTest.dynamicTest(
                  "tta:" + section.id() + " fixed (" + where + ")",
                  () -> checkFixed(fixed, index, where)));
        }
      }
    }
    return tests.stream();
  }

  private static void checkFailing(Section section, Block block, String where) {
    Compiled compiled = compile(block.text());
    List<Diagnostic<? extends JavaFileObject>> diagnostics = reported(compiled.compilation());
    String printed = render(block.text(), compiled.file(), IMPORTS.length(), diagnostics);
    assertTrue(
        diagnostics.stream().anyMatch(d -> message(d).startsWith("[tta:" + section.id() + "]")),
        () ->
            where
                + ": the example does not report tta:"
                + section.id()
                + "; it prints:\n"
                + printed);
    String expected = block.output() == null ? null : block.output().text();
    assertEquals(
        expected,
        printed,
        () -> where + ": the ```text block after the example is not what it prints");
  }

  /**
   * Checks corrected example {@code index}. All of them are compiled together, each in a package of
   * its own ({@code fixed<index>}), which takes little longer than compiling one of them; each
   * example's diagnostics are those of its package, its generated workflow class included. (While
   * one of them reports an error, javac compiles no generated class, so the others' generated
   * classes are checked again once it is fixed.)
   */
  private static void checkFixed(List<Block> fixed, int index, String where) {
    Map<Integer, JavaFileObject> files = new LinkedHashMap<>();
    Compilation compilation = compileFixed(fixed, files);
    Block block = fixed.get(index);
    String folder = "/fixed" + index + "/";
    List<Diagnostic<? extends JavaFileObject>> diagnostics =
        reported(compilation).stream()
            .filter(d -> d.getSource() == null || ("/" + d.getSource().toUri()).contains(folder))
            .toList();
    String prefix = "package fixed" + index + "; " + IMPORTS;
    assertTrue(
        diagnostics.isEmpty(),
        () ->
            where
                + ": the corrected example should compile cleanly, but prints:\n"
                + render(block.text(), files.get(index), prefix.length(), diagnostics));
    if (compilation.status() == Compilation.Status.SUCCESS) {
      assertTrue(
          compilation.generatedSourceFiles().stream()
              .anyMatch(f -> ("/" + f.toUri()).contains(folder)),
          () -> where + ": no workflow class was generated for the corrected example");
    }
  }

  private static synchronized Compilation compileFixed(
      List<Block> fixed, Map<Integer, JavaFileObject> files) {
    List<JavaFileObject> sources = new ArrayList<>();
    for (int i = 0; i < fixed.size(); i++) {
      String text = fixed.get(i).text();
      JavaFileObject file =
          JavaFileObjects.forSourceString(
              "fixed" + i + "." + typeName(text), "package fixed" + i + "; " + IMPORTS + text);
      sources.add(file);
      files.put(i, file);
    }
    String key = String.join("\u0000", fixed.stream().map(Block::text).toList());
    return FIXED.computeIfAbsent(
        key, k -> javac().withProcessors(new WorkflowProcessor()).compile(sources));
  }

  /**
   * Output shown outside the examples (how to read a diagnostic) must be the output of one of them,
   * except in the sections of ids that no source causes.
   */
  @Test
  void outputShownElsewhereIsThatOfAnExample() throws IOException {
    Page page = Page.read();
    Set<String> printed = new LinkedHashSet<>();
    for (Section section : page.sections()) {
      for (Block block : section.blocks()) {
        if (block.output() != null) {
          printed.add(block.output().text());
        }
      }
    }
    List<String> wrong = new ArrayList<>();
    for (Block block : page.looseOutputs()) {
      if (!printed.contains(block.text())) {
        wrong.add(page.path().getFileName() + ":" + block.line());
      }
    }
    assertTrue(
        wrong.isEmpty(),
        () -> "```text blocks with a [tta:...] diagnostic that no example prints: " + wrong);
  }

  // ---- every constant is shown ----

  @Test
  void everyProblemIsShownByAFailingExampleOfItsSection() throws IOException {
    Page page = Page.read();
    List<String> unshown = new ArrayList<>();
    for (Problem problem : Problem.values()) {
      if (problem.id().isEmpty()
          || NO_EXAMPLE.contains(problem.id())
          || !compiledHere(problem.id())) {
        continue;
      }
      Pattern pattern = pattern(problem);
      boolean shown =
          page.sections().stream()
              .filter(s -> s.id().equals(problem.id()))
              .flatMap(s -> s.blocks().stream())
              .filter(b -> b.role().equals("fails"))
              .flatMap(b -> reported(compile(b.text()).compilation()).stream())
              .anyMatch(d -> pattern.matcher(message(d)).matches());
      if (!shown) {
        unshown.add(problem.name() + " (tta:" + problem.id() + ")");
      }
    }
    assertTrue(
        unshown.isEmpty(),
        () -> "no failing example in their section reports " + String.join(", ", unshown));
  }

  // ---- helpers ----

  /** The ids of the catalogue; a constant without an id has no section. */
  private static Set<String> ids() {
    Set<String> ids = new TreeSet<>();
    for (Problem problem : Problem.values()) {
      if (!problem.id().isEmpty()) {
        ids.add(problem.id());
      }
    }
    return ids;
  }

  /**
   * {@code Error}, {@code Warning} or {@code Error or warning}, for the constants of {@code id}. A
   * note only accompanies an error or warning (a second place it is about), so it does not count
   * unless the id has nothing else.
   */
  private static String kindLabel(String id) {
    Set<Diagnostic.Kind> kinds = EnumSet.noneOf(Diagnostic.Kind.class);
    for (Problem problem : Problem.values()) {
      if (problem.id().equals(id)) {
        kinds.add(
            problem.kind() == Diagnostic.Kind.MANDATORY_WARNING
                ? Diagnostic.Kind.WARNING
                : problem.kind());
      }
    }
    if (kinds.isEmpty()) {
      return null; // a stale section, reported by the first test
    }
    if (kinds.size() > 1) {
      kinds.remove(Diagnostic.Kind.NOTE);
    }
    if (kinds.size() > 1) {
      return "Error or warning";
    }
    return switch (kinds.iterator().next()) {
      case ERROR -> "Error";
      case NOTE -> "Note";
      default -> "Warning";
    };
  }

  /**
   * What {@link Problem#format} makes of {@code problem}, as a pattern: the template with each
   * argument matching anything.
   */
  private static Pattern pattern(Problem problem) {
    String template = problem.template();
    String remedy = problem.remedy();
    StringBuilder regex = new StringBuilder(Pattern.quote("[tta:" + problem.id() + "] "));
    Matcher m = Pattern.compile("%[sd]").matcher(template);
    int last = 0;
    while (m.find()) {
      regex.append(Pattern.quote(template.substring(last, m.start()))).append(".*?");
      last = m.end();
    }
    regex.append(Pattern.quote(template.substring(last))).append(Pattern.quote("; " + remedy));
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }

  private static Compiled compile(String source) {
    return COMPILED.computeIfAbsent(
        source,
        text -> {
          JavaFileObject file = JavaFileObjects.forSourceString(typeName(text), IMPORTS + text);
          return new Compiled(file, javac().withProcessors(new WorkflowProcessor()).compile(file));
        });
  }

  /** The first type declared at the start of a line: it names the file. */
  private static String typeName(String source) {
    for (String line : source.split("\n", -1)) {
      Matcher m = TYPE.matcher(line);
      if (m.find()) {
        return m.group(1);
      }
    }
    throw new AssertionError("no type declared at the start of a line in:\n" + source);
  }

  /**
   * Errors, warnings and the processor's notes (not javac's own, such as the one about unchecked
   * operations), sorted by position then text, as the page lists them.
   */
  private static List<Diagnostic<? extends JavaFileObject>> reported(Compilation compilation) {
    return compilation.diagnostics().stream()
        .filter(
            d ->
                d.getKind() == Diagnostic.Kind.ERROR
                    || d.getKind() == Diagnostic.Kind.WARNING
                    || d.getKind() == Diagnostic.Kind.MANDATORY_WARNING
                    || (d.getKind() == Diagnostic.Kind.NOTE && message(d).startsWith("[tta:")))
        .sorted(
            Comparator.<Diagnostic<? extends JavaFileObject>>comparingLong(
                    Diagnostic::getLineNumber)
                .thenComparingLong(Diagnostic::getColumnNumber)
                .thenComparing(DiagnosticsReferenceTest::message))
        .collect(Collectors.toList());
  }

  private static String message(Diagnostic<? extends JavaFileObject> diagnostic) {
    return diagnostic.getMessage(Locale.ROOT);
  }

  /**
   * The diagnostics as javac prints them, without the closing count; the source line and caret only
   * for those in {@code file}, whose first {@code prefix} characters the page does not show.
   */
  private static String render(
      String source,
      JavaFileObject file,
      int prefix,
      List<Diagnostic<? extends JavaFileObject>> diagnostics) {
    String[] lines = source.split("\n", -1);
    StringBuilder out = new StringBuilder();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics) {
      String kind =
          switch (d.getKind()) {
            case ERROR -> "error";
            case NOTE -> "Note"; // as javac prints it
            default -> "warning";
          };
      String[] message = message(d).split("\n", -1);
      if (d.getSource() != null && d.getLineNumber() != Diagnostic.NOPOS) {
        String name = d.getSource().getName();
        out.append(name.substring(name.lastIndexOf('/') + 1))
            .append(':')
            .append(d.getLineNumber())
            .append(": ");
      }
      out.append(kind).append(": ").append(message[0]).append('\n');
      boolean inFile = d.getSource() != null && d.getSource().toUri().equals(file.toUri());
      if (inFile && d.getLineNumber() != Diagnostic.NOPOS && d.getLineNumber() <= lines.length) {
        long column = d.getColumnNumber() - (d.getLineNumber() == 1 ? prefix : 0);
        out.append(lines[(int) d.getLineNumber() - 1]).append('\n');
        out.append(" ".repeat((int) Math.max(0, column - 1))).append("^\n");
      }
      for (int i = 1; i < message.length; i++) {
        out.append(message[i]).append('\n');
      }
    }
    return out.toString();
  }

  // ---- the page ----

  /** A fenced block: its role (the word after {@code java}), text, line and following output. */
  private record Block(String info, String role, String text, int line, int end, Block output) {}

  private record Section(String id, String firstParagraph, List<Block> blocks) {}

  private record Page(
      Path path, List<String> lines, List<Section> sections, List<Block> looseOutputs) {

    /** Finds {@code docs/diagnostics.md} under the working directory or a directory above it. */
    static Page read() throws IOException {
      Path dir = Path.of("").toAbsolutePath();
      for (Path d = dir; d != null; d = d.getParent()) {
        Path candidate = d.resolve("docs").resolve("diagnostics.md");
        if (Files.isRegularFile(candidate)) {
          return parse(candidate, Files.readAllLines(candidate, StandardCharsets.UTF_8));
        }
      }
      throw new AssertionError("docs/diagnostics.md not found in " + dir + " or any parent");
    }

    static Page parse(Path path, List<String> lines) {
      List<Section> sections = new ArrayList<>();
      List<Block> loose = new ArrayList<>();
      String id = null;
      String first = null;
      List<Block> blocks = new ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        if (line.startsWith("```")) {
          String info = line.substring(3).trim();
          int start = i;
          StringBuilder text = new StringBuilder();
          for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
            text.append(lines.get(i)).append('\n');
          }
          if (i == lines.size()) {
            fail(path + ":" + (start + 1) + ": the block is not closed");
          }
          String[] words = info.split("\\s+");
          String role = words.length > 1 && words[0].equals("java") ? words[1] : "";
          Block block = new Block(info, role, text.toString(), start + 1, i + 1, null);
          // A text block right after a failing example is its output.
          if (info.equals("text") && !blocks.isEmpty()) {
            Block previous = blocks.get(blocks.size() - 1);
            if (previous.role().equals("fails")
                && previous.output() == null
                && onlyBlank(lines, previous.end(), start)) {
              blocks.set(
                  blocks.size() - 1,
                  new Block(
                      previous.info(),
                      previous.role(),
                      previous.text(),
                      previous.line(),
                      previous.end(),
                      block));
              continue;
            }
          }
          if (info.equals("text")
              && block.text().contains("[tta:")
              && (id == null || !NO_EXAMPLE.contains(id))) {
            loose.add(block);
          }
          blocks.add(block);
          continue;
        }
        if (line.startsWith("## ")) {
          if (id != null) {
            sections.add(new Section(id, first == null ? "" : first, List.copyOf(blocks)));
          }
          Matcher m = HEADING.matcher(line);
          id = m.matches() ? m.group(1) : null;
          first = null;
          blocks = new ArrayList<>();
        } else if (id != null && first == null && !line.isBlank()) {
          first = line;
        }
      }
      if (id != null) {
        sections.add(new Section(id, first == null ? "" : first, List.copyOf(blocks)));
      }
      return new Page(path, List.copyOf(lines), List.copyOf(sections), List.copyOf(loose));
    }

    private static boolean onlyBlank(List<String> lines, int from, int to) {
      for (int i = from; i < to; i++) {
        if (!lines.get(i).isBlank()) {
          return false;
        }
      }
      return true;
    }

    /**
     * The page with each failing example's output block set to what it prints (one added where it
     * is missing), written back to its file.
     */
    Page updated() throws IOException {
      Map<Integer, Block> byEnd = new LinkedHashMap<>();
      for (Section section : sections) {
        for (Block block : section.blocks()) {
          if (block.role().equals("fails") && compiledHere(section.id())) {
            byEnd.put(block.end(), block);
          }
        }
      }
      List<String> out = new ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        out.add(lines.get(i));
        Block block = byEnd.get(i + 1);
        if (block == null) {
          continue;
        }
        Compiled compiled = compile(block.text());
        String printed =
            render(
                block.text(), compiled.file(), IMPORTS.length(), reported(compiled.compilation()));
        out.add("");
        out.add("```text");
        out.addAll(List.of(printed.split("\n")));
        out.add("```");
        if (block.output() != null) {
          i = block.output().end() - 1; // skip the old output and the blank lines before it
        }
      }
      Files.write(path, out, StandardCharsets.UTF_8);
      return parse(path, out);
    }
  }
}

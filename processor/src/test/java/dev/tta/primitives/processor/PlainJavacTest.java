package dev.tta.primitives.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds and runs a workflow with the JDK's own {@code javac} and {@code java} commands, no Maven:
 * the processor on {@code -processorpath}, the annotations and runtime on the class path.
 */
class PlainJavacTest {

  private static final String SOURCE =
      String.join(
          "\n",
          "package demo;",
          "import dev.tta.primitives.annotations.Parallel;",
          "import dev.tta.primitives.annotations.Step;",
          "import dev.tta.primitives.annotations.Workflow;",
          "import java.util.List;",
          "@Workflow",
          "public class WordStats {",
          "  @Step List<String> words(String text) { return List.of(text.split(\" \")); }",
          "  @Parallel int count(List<String> words) { return words.size(); }",
          "  @Parallel String longest(List<String> words) {",
          "    return words.stream().reduce(\"\", (a, b) -> b.length() > a.length() ? b : a);",
          "  }",
          "  public static void main(String[] args) {",
          "    WordStatsWorkflow.Output out = new WordStatsWorkflow(new WordStats()).run(args[0]);",
          "    System.out.println(out.count() + \" \" + out.longest());",
          "  }",
          "}");

  /** Class path entries of this test run whose path contains one of {@code markers}. */
  private static String pathOf(String... markers) {
    List<String> entries = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      for (String marker : markers) {
        if (entry.contains(marker)) {
          entries.add(entry);
          break;
        }
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  private static String run(Path dir, String... command) throws Exception {
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "timed out: " + String.join(" ", command));
    assertEquals(0, process.exitValue(), String.join(" ", command) + "\n" + output);
    return output;
  }

  @Test
  void javacWithProcessorPathBuildsARunnableWorkflow(@TempDir Path dir) throws Exception {
    Path source = dir.resolve("src/demo/WordStats.java");
    Files.createDirectories(source.getParent());
    Files.writeString(source, SOURCE);
    Path javaHome = Path.of(System.getProperty("java.home"));
    String processorPath = pathOf("processor/target/classes", "javapoet");
    String classPath = pathOf("annotations", "runtime", "failsafe", "caffeine");

    run(
        dir,
        javaHome.resolve("bin/javac").toString(),
        "--release",
        "17",
        "-Xlint:all,-processing",
        "-Werror",
        "-processorpath",
        processorPath,
        "-cp",
        classPath,
        "-d",
        "classes",
        source.toString());

    try (Stream<Path> files = Files.walk(dir.resolve("classes"))) {
      List<String> names = files.map(p -> p.getFileName().toString()).collect(Collectors.toList());
      assertTrue(names.contains("WordStatsWorkflow.class"), names.toString());
    }
    String output =
        run(
            dir,
            javaHome.resolve("bin/java").toString(),
            "-cp",
            "classes" + File.pathSeparator + classPath,
            "demo.WordStats",
            "the quick brown fox");
    assertEquals("4 quick", output.strip());
  }

  @Test
  void processorIsRegisteredForDiscovery() throws IOException {
    Path services =
        Path.of("target/classes/META-INF/services/javax.annotation.processing.Processor");
    Path gradle = Path.of("target/classes/META-INF/gradle/incremental.annotation.processors");

    assertEquals(
        "dev.tta.primitives.processor.WorkflowProcessor", Files.readString(services).strip());
    assertEquals(
        "dev.tta.primitives.processor.WorkflowProcessor,isolating",
        Files.readString(gradle).strip());
  }
}

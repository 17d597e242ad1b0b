package dev.tta.primitives.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Pins the shape of three representative generated classes. After an intended change to the writer,
 * regenerate them with {@code mvn -pl processor test -Dtest=GoldenFilesTest -Dgolden.update=true}
 * and review the diff.
 */
class GoldenFilesTest {

  private static final Path GOLDEN = Path.of("src/test/resources/golden");

  static String resource(String name) throws IOException {
    try (InputStream in = GoldenFilesTest.class.getResourceAsStream("/golden/" + name)) {
      if (in == null) {
        return null;
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static Compilation generate(String input, String className) throws IOException {
    JavaFileObject source =
        JavaFileObjects.forSourceString("test." + className, resource(input + ".java.txt"));
    return Compiler.javac().withProcessors(new WorkflowProcessor()).compile(source);
  }

  static String generatedSource(Compilation compilation, String generated) throws IOException {
    JavaFileObject file =
        compilation.generatedSourceFile("test." + generated).orElseThrow(AssertionError::new);
    return file.getCharContent(true).toString();
  }

  @ParameterizedTest
  @CsvSource({
    "PackageValidation, PackageValidation, PackageValidationWorkflow",
    "Crawler, Crawler, Crawler_PagesWorkflow",
    "Scores, Scores, ScoresWorkflow",
    "Release, Release, ReleaseWorkflow"
  })
  void generatedSourceMatchesGoldenFile(String input, String className, String generated)
      throws IOException {
    Compilation compilation = generate(input, className);
    assertThat(compilation).succeededWithoutWarnings();
    String actual = generatedSource(compilation, generated);
    String expectedName = generated + ".java.txt";
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(GOLDEN.resolve(expectedName), actual, StandardCharsets.UTF_8);
    }
    Path goldenFile = GOLDEN.resolve(expectedName);
    String expected =
        Files.exists(goldenFile) ? Files.readString(goldenFile, StandardCharsets.UTF_8) : null;
    assertEquals(expected, actual, "generated " + generated + " differs from " + expectedName);
  }

  @ParameterizedTest
  @CsvSource({
    "PackageValidation, PackageValidation, PackageValidationWorkflow",
    "Crawler, Crawler, Crawler_PagesWorkflow",
    "Scores, Scores, ScoresWorkflow",
    "Release, Release, ReleaseWorkflow"
  })
  void generatedSourceIsWarningFreeUnderXlintAllWerror(
      String input, String className, String generated) throws IOException {
    String generatedText = generatedSource(generate(input, className), generated);
    List<JavaFileObject> sources = new ArrayList<>();
    sources.add(
        JavaFileObjects.forSourceString("test." + className, resource(input + ".java.txt")));
    sources.add(JavaFileObjects.forSourceString("test." + generated, generatedText));

    Compilation strict =
        Compiler.javac().withOptions("-Xlint:all", "-Werror", "-proc:none").compile(sources);

    assertThat(strict).succeededWithoutWarnings();
  }

  @ParameterizedTest
  @CsvSource({
    "PackageValidation, PackageValidation, PackageValidationWorkflow",
    "Scores, Scores, ScoresWorkflow",
    "Release, Release, ReleaseWorkflow"
  })
  void outputIsDeterministic(String input, String className, String generated) throws IOException {
    assertEquals(
        generatedSource(generate(input, className), generated),
        generatedSource(generate(input, className), generated));
  }
}

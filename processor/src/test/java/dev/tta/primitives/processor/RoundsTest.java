package dev.tta.primitives.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** The processor waits for types other processors generate, and never generates twice. */
class RoundsTest {

  /** Generates {@code test.Ticket} in the first round, as another processor would. */
  static final class TicketProcessor extends AbstractProcessor {
    private boolean done;

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      if (!done) {
        done = true;
        try (Writer writer =
            processingEnv.getFiler().createSourceFile("test.Ticket").openWriter()) {
          writer.write("package test; public record Ticket(String id) {}");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return false;
    }
  }

  private static final JavaFileObject DESK =
      JavaFileObjects.forSourceLines(
          "test.Desk",
          "package test;",
          "import dev.tta.primitives.annotations.Step;",
          "import dev.tta.primitives.annotations.Workflow;",
          "@Workflow",
          "class Desk {",
          "  @Step Ticket open(String id) { return new Ticket(id); }",
          "  @Step String close(Ticket t) { return t.id(); }",
          "}");

  @Test
  void waitsForATypeAnotherProcessorGenerates() {
    Compilation compilation =
        Compiler.javac()
            .withProcessors(new TicketProcessor(), new WorkflowProcessor())
            .compile(DESK);

    assertThat(compilation).succeeded();
    assertThat(compilation).generatedSourceFile("test.DeskWorkflow");
  }

  @Test
  void aTypeNobodyGeneratesIsReportedOnce() {
    Compilation compilation =
        Compiler.javac().withProcessors(new WorkflowProcessor()).compile(DESK);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorContaining("Ticket");
  }
}

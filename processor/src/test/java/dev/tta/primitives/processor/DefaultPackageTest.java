package dev.tta.primitives.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import org.junit.jupiter.api.Test;

/**
 * A workflow in the unnamed package gets its generated class there too (a name with a leading dot
 * made the filer refuse it, reported as an internal error).
 */
class DefaultPackageTest {

  @Test
  void aWorkflowInTheUnnamedPackageIsGenerated() {
    Compilation compilation =
        javac()
            .withProcessors(new WorkflowProcessor())
            .compile(
                JavaFileObjects.forSourceLines(
                    "Greeter",
                    "import dev.tta.primitives.annotations.Step;",
                    "import dev.tta.primitives.annotations.Workflow;",
                    "@Workflow",
                    "class Greeter {",
                    "  @Step String greet(String name) { return \"Hello, \" + name; }",
                    "}"),
                JavaFileObjects.forSourceLines(
                    "Uses",
                    "class Uses {",
                    "  String hello() { return new GreeterWorkflow(new Greeter()).run(\"you\"); }",
                    "}"));

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("GreeterWorkflow");
  }
}

package dev.tta.primitives.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The generated {@code runDirectly} (a plain sequence of synchronous steps called in place) must
 * compile without warnings under {@code -Xlint:all} whatever the user named things: its body uses
 * the user class and {@code WorkflowContext} as qualifiers, which a parameter of the same name
 * would obscure, and its calls (like the primitives' lambdas) pass an array into varargs.
 */
class DirectRunSourcesTest {

  private static final List<String> HEADER =
      List.of(
          "package test;",
          "",
          "import dev.tta.primitives.WorkflowContext;",
          "import dev.tta.primitives.annotations.Step;",
          "import dev.tta.primitives.annotations.Workflow;",
          "");

  private static JavaFileObject source(String simpleName, String... lines) {
    List<String> all = new ArrayList<>(HEADER);
    all.addAll(List.of(lines));
    return JavaFileObjects.forSourceLines("test." + simpleName, all);
  }

  private static Compilation compile(JavaFileObject file) {
    return javac().withProcessors(new WorkflowProcessor()).withOptions("-Xlint:all").compile(file);
  }

  @Test
  void aRunParameterNamedLikeTheClassDoesNotHideItFromAStaticStep() {
    Compilation compilation =
        compile(
            source(
                "Named",
                "@Workflow",
                "class Named {",
                "  @Step",
                "  String first(String Named) {",
                "    return Named;",
                "  }",
                "",
                "  @Step",
                "  static String second(String text) {",
                "    return text + '!';",
                "  }",
                "}"));

    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void aRunParameterNamedLikeTheOutermostClassDoesNotHideANestedWorkflow() {
    Compilation compilation =
        compile(
            source(
                "Outer",
                "class Outer {",
                "  @Workflow",
                "  static class Inner {",
                "    @Step",
                "    static String first(String Outer, String Inner) {",
                "      return Outer + Inner;",
                "    }",
                "  }",
                "}"));

    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void aRunParameterNamedLikeThePackageDoesNotHideAQualifiedClass() {
    // The generated class declares a record Input, so it must name this class test.Input.
    Compilation compilation =
        compile(
            source(
                "Input",
                "@Workflow",
                "class Input {",
                "  @Step",
                "  static String first(String test, int count) {",
                "    return test + count;",
                "  }",
                "}"));

    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void aRunParameterNamedWorkflowContextDoesNotHideTheType() {
    Compilation compilation =
        compile(
            source(
                "Contextual",
                "@Workflow",
                "class Contextual {",
                "  @Step",
                "  String first(String WorkflowContext, WorkflowContext context) {",
                "    return WorkflowContext + context.workflowName();",
                "  }",
                "}"));

    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void anArrayIntoAVarargsStepIsPassedAsTheArray() {
    // Without a cast javac warns: "non-varargs call of varargs method with inexact argument type".
    Compilation compilation =
        compile(
            source(
                "Spread",
                "@Workflow",
                "class Spread {",
                "  @Step",
                "  String[] split(String text) {",
                "    return text.split(\",\");",
                "  }",
                "",
                "  @Step",
                "  int count(Object... parts) {",
                "    return parts.length;",
                "  }",
                "}"));

    assertThat(compilation).succeededWithoutWarnings();
  }
}

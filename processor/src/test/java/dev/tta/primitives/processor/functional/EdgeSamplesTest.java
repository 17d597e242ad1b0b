package dev.tta.primitives.processor.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tta.primitives.WorkflowException;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class EdgeSamplesTest {

  @Test
  void voidBranchesAndVoidStagesBindNothing() {
    EdgeSamples.VoidBranches steps = new EdgeSamples.VoidBranches();

    assertEquals("done", new EdgeSamples_VoidBranchesWorkflow(steps).run("ab", 2));
    assertEquals(List.of("audit abab", "length 4"), steps.log.stream().sorted().toList());
  }

  @Test
  void wildcardFuturesAndThrowingKeyMethodsWork() {
    EdgeSamples_WildcardsWorkflow workflow =
        new EdgeSamples_WildcardsWorkflow(new EdgeSamples.Wildcards());

    assertEquals("n=42", workflow.run(" 42"));
    assertEquals("n=42", workflow.run("42 "));
    assertEquals(1, workflow.parseCacheStats().hits());
    WorkflowException e = assertThrows(WorkflowException.class, () -> workflow.run(""));
    assertInstanceOf(IOException.class, e.getCause());
  }

  @Test
  void deprecatedStepsAndTypesAndRawTypesCompileWithoutWarnings() {
    // Compiled with -Xlint:all -Werror: any warning in the generated class fails the build.
    assertEquals(2, new EdgeSamples_LegacyWorkflow(new EdgeSamples.Legacy()).run("a"));
  }
}

package dev.tta.primitives.processor.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The Mermaid flowchart that every generated workflow draws of itself. */
class GraphTest {

  @Test
  void aSequenceWithAForEachShowsEachStageAndItsPolicies() {
    String graph = MorePolicies_GuardedElementsWorkflow.graph();

    assertEquals(
        String.join(
            "\n",
            "flowchart LR",
            "  input([\"GuardedElements\"])",
            "  s1[\"items\"]",
            "  input --> s1",
            "  s2[[\"fetch<br/>for each, at most 1<br/>@CircuitBreaker @Hedge\"]]",
            "  s1 --> s2",
            "  output([\"output\"])",
            "  s2 --> output",
            ""),
        graph);
  }

  @Test
  void parallelBranchesStandSideBySide() {
    String graph = MorePolicies_GuardedBranchesWorkflow.graph();

    assertEquals(
        String.join(
            "\n",
            "flowchart LR",
            "  input([\"GuardedBranches\"])",
            "  s1_0[\"flaky<br/>@CircuitBreaker\"]",
            "  input --> s1_0",
            "  s1_1[\"steady<br/>@Hedge @Bulkhead\"]",
            "  input --> s1_1",
            "  output([\"output\"])",
            "  s1_0 --> output",
            "  s1_1 --> output",
            ""),
        graph);
  }

  @Test
  void classPoliciesLabelTheBoxAroundTheRun() {
    String graph = MorePolicies_LimitedRunsWorkflow.graph();

    assertEquals(
        String.join(
            "\n",
            "flowchart LR",
            "  subgraph run [\"LimitedRuns: @RateLimit @Bulkhead\"]",
            "    input([\"LimitedRuns\"])",
            "    s1[\"call\"]",
            "    input --> s1",
            "    output([\"output\"])",
            "    s1 --> output",
            "  end",
            ""),
        graph);
  }
}

package dev.tta.primitives.processor.writing;

import dev.tta.primitives.processor.model.PolicyModel;
import dev.tta.primitives.processor.model.StageModel;
import dev.tta.primitives.processor.model.StepModel;
import dev.tta.primitives.processor.model.WorkflowModel;
import dev.tta.primitives.processor.policy.PolicyKind;
import dev.tta.primitives.processor.policy.PolicyKinds;
import java.util.ArrayList;
import java.util.List;

/**
 * The Mermaid flowchart of a workflow that its generated {@code graph()} returns: the run's input,
 * each stage's steps (a parallel stage's branches side by side, a for-each step as a subroutine
 * node), their policies in nesting order, and the output; policies on the class label the box
 * around them all.
 */
final class GraphWriter {

  private GraphWriter() {}

  /** The chart's text, one statement a line. */
  static String graph(WorkflowModel model) {
    List<String> lines = new ArrayList<>();
    lines.add("flowchart LR");
    String indent = "  ";
    String classPolicies = policies(model.policies());
    if (!classPolicies.isEmpty()) {
      lines.add("  subgraph run [\"" + model.workflowName() + ": " + classPolicies + "\"]");
      indent = "    ";
    }
    lines.add(indent + "input([\"" + model.workflowName() + "\"])");
    List<String> previous = List.of("input");
    int stageIndex = 0;
    for (StageModel stage : model.stages()) {
      stageIndex++;
      List<String> current = new ArrayList<>();
      for (int b = 0; b < stage.steps().size(); b++) {
        StepModel step = stage.steps().get(b);
        String id = stage.steps().size() == 1 ? "s" + stageIndex : "s" + stageIndex + "_" + b;
        String label = step.stepName();
        String open = "[\"";
        String close = "\"]";
        if (stage instanceof StageModel.ForEach each) {
          label +=
              "<br/>for each"
                  + (each.maxConcurrency() > 0 ? ", at most " + each.maxConcurrency() : "");
          open = "[[\"";
          close = "\"]]";
        }
        String stepPolicies = policies(step.policies());
        if (!stepPolicies.isEmpty()) {
          label += "<br/>" + stepPolicies;
        }
        lines.add(indent + id + open + label + close);
        for (String from : previous) {
          lines.add(indent + from + " --> " + id);
        }
        current.add(id);
      }
      previous = current;
    }
    lines.add(indent + "output([\"output\"])");
    for (String from : previous) {
      lines.add(indent + from + " --> output");
    }
    if (!classPolicies.isEmpty()) {
      lines.add("  end");
    }
    return String.join("\n", lines) + "\n";
  }

  /** {@code @Retry @Timeout}: the present policies, outermost first. */
  private static String policies(PolicyModel policies) {
    List<String> names = new ArrayList<>();
    for (PolicyKind<?> kind : PolicyKinds.ORDER) {
      if (policies.has(kind)) {
        names.add(kind.toString());
      }
    }
    return String.join(" ", names);
  }
}

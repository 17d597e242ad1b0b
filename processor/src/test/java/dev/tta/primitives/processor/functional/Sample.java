package dev.tta.primitives.processor.functional;

import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.annotations.Parallel;
import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Workflow;
import java.util.List;
import java.util.concurrent.CompletableFuture;

@Workflow
public class Sample {
  @Step
  List<String> split(String text) {
    return List.of(text.split(" "));
  }

  @Parallel(forEach = true, maxConcurrency = 2)
  int length(String word) {
    return word.length();
  }

  @Parallel
  int total(List<Integer> lengths) {
    return lengths.stream().mapToInt(Integer::intValue).sum();
  }

  @Parallel
  CompletableFuture<Integer> longest(List<Integer> lengths, WorkflowContext context) {
    return CompletableFuture.completedFuture(
        lengths.stream().mapToInt(Integer::intValue).max().orElse(0));
  }

  @Step
  String report(int total, Integer longest) {
    return total + "/" + longest;
  }
}

package dev.tta.primitives.micrometer;

import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Timeout;
import dev.tta.primitives.annotations.Workflow;
import java.util.concurrent.CompletableFuture;

/** A step that never answers and times out after 2 s. */
@Workflow
class Slow {
  @Step
  @Timeout("2s")
  CompletableFuture<String> answer(String question) {
    return new CompletableFuture<>();
  }
}

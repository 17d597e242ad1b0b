package dev.tta.primitives.opentelemetry;

import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Timeout;
import dev.tta.primitives.annotations.Workflow;
import java.util.concurrent.CompletableFuture;

/** A call that never answers, under a deadline. */
@Workflow
public class Slow {

  @Step
  @Timeout("1s")
  CompletableFuture<String> await(String request) {
    return new CompletableFuture<>();
  }
}

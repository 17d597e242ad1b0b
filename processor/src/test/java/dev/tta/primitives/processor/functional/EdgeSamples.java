package dev.tta.primitives.processor.functional;

import dev.tta.primitives.annotations.Cached;
import dev.tta.primitives.annotations.Parallel;
import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Workflow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Shapes a review found the writer got wrong; each must compile and run. */
final class EdgeSamples {
  private EdgeSamples() {}

  /** A void branch binds nothing; a stage of Void counts as void; run parameter named runner. */
  @Workflow
  static class VoidBranches {
    final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @Step
    String start(String runner, int times) {
      return runner.repeat(times);
    }

    @Parallel
    void audit(String text) {
      log.add("audit " + text);
    }

    @Parallel
    int length(String text) {
      return text.length();
    }

    @Step
    CompletableFuture<Void> announce(int length) {
      log.add("length " + length);
      return CompletableFuture.completedFuture(null);
    }

    @Step
    String done() {
      return "done";
    }
  }

  /** A future with a wildcard type, and a key method declaring a checked exception. */
  @Workflow
  static class Wildcards {
    @Step
    @Cached(key = "keyOf")
    CompletableFuture<? extends Number> parse(String text) {
      return CompletableFuture.completedFuture(Integer.parseInt(text.trim()));
    }

    String keyOf(String text) throws IOException {
      if (text.isEmpty()) {
        throw new IOException("no key for an empty text");
      }
      return text.trim();
    }

    @Step(name = "describe */ it")
    String describe(Number n) {
      return "n=" + n;
    }
  }

  /** Deprecated steps and types, and a raw type: the generated code must not warn about them. */
  @Workflow
  static class Legacy {
    @Step
    @Deprecated
    @SuppressWarnings("rawtypes")
    List load(String name) {
      return List.of(name, name);
    }

    @Step
    @SuppressWarnings("rawtypes")
    OldCount count(List names) {
      return new OldCount(names.size());
    }

    @Step
    @Deprecated(forRemoval = true)
    int value(OldCount count) {
      return count.value;
    }
  }

  /** A deprecated type flowing between steps. */
  @Deprecated
  static final class OldCount {
    final int value;

    OldCount(int value) {
      this.value = value;
    }
  }
}

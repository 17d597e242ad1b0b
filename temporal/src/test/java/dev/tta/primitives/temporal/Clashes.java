package dev.tta.primitives.temporal;

import dev.tta.primitives.annotations.Durable;
import dev.tta.primitives.annotations.Fallback;
import dev.tta.primitives.annotations.Hedge;
import dev.tta.primitives.annotations.Parallel;
import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Workflow;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Names that could clash in the generated class: a run parameter named like its constant, a step
 * named like another step's fallback activity, a step named like another step's policy constant,
 * and a helper overloading a step with a type that is not data (not a step, so not checked).
 */
@Workflow(name = "Clashes")
@Durable
public class Clashes {

  @Step
  public List<String> items(String TASK_QUEUE) {
    return TASK_QUEUE.equals("none") ? null : Arrays.asList(TASK_QUEUE, "x1");
  }

  @Parallel(forEach = true)
  @Fallback(value = "stockBackup", applyOn = Exception.class)
  public String stock(String item) {
    if (item.startsWith("x")) {
      throw new IllegalStateException("no stock of " + item);
    }
    return "in stock " + item;
  }

  public String stockBackup(String item, Exception cause) {
    return "backup " + item;
  }

  @Step
  public String stockFallback(List<String> stocks) {
    return String.join(", ", stocks);
  }

  /** A helper of the same name as a step, taking what a step could not. */
  String record(Path file) {
    return file.toString();
  }

  @Step
  @Hedge(delay = "10s")
  public String record(String line) {
    return "[" + line + "]";
  }

  @Step
  public String recordHedgeDelay(String recorded) {
    return recorded + "!";
  }
}

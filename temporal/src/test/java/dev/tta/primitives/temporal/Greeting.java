package dev.tta.primitives.temporal;

import dev.tta.primitives.annotations.Durable;
import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Timeout;
import dev.tta.primitives.annotations.Workflow;

/** A run without input under a class-level {@code @Timeout}: the run's time limit. */
@Workflow(name = "Greeting")
@Durable(taskQueue = "greetings")
@Timeout("1m")
public class Greeting {

  @Step
  public String hello() {
    return "hello";
  }

  @Step
  public String shout(String greeting) {
    return greeting.toUpperCase(java.util.Locale.ROOT) + "!";
  }
}

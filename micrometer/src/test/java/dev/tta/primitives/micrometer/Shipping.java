package dev.tta.primitives.micrometer;

import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Workflow;

/** The workflow {@link Orders} runs from its step {@code ship}. */
@Workflow
class Shipping {
  private final Orders.Probe probe;

  Shipping(Orders.Probe probe) {
    this.probe = probe;
  }

  @Step
  String book(String rate) {
    probe.at("book", rate);
    return "booked " + rate;
  }
}

package dev.tta.primitives.micrometer;

import dev.tta.primitives.annotations.CircuitBreaker;
import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Workflow;

/** A step behind a breaker that opens after two failures and closes after one good trial. */
@Workflow
class Quotes {
  private final Orders.Probe probe;

  Quotes(Orders.Probe probe) {
    this.probe = probe;
  }

  @Step
  @CircuitBreaker(
      failureRate = 1.0,
      window = 2,
      minimumCalls = 2,
      openFor = "10s",
      halfOpenCalls = 1)
  String quote(boolean fail) {
    probe.at("quote", fail);
    if (fail) {
      throw new IllegalStateException("the quote service is down");
    }
    return "42";
  }
}

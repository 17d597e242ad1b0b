package dev.tta.primitives.opentelemetry;

import dev.tta.primitives.annotations.CircuitBreaker;
import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Workflow;

/** A call to a backend that is down until told otherwise, behind a small breaker. */
@Workflow
public class Gate {

  volatile boolean down = true;

  @Step
  @CircuitBreaker(window = 2, minimumCalls = 2, openFor = "1s", halfOpenCalls = 1, name = "backend")
  String call(String request) {
    if (down) {
      throw new IllegalStateException("backend down");
    }
    return "ok " + request;
  }
}

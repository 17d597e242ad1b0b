package dev.tta.primitives.micrometer;

import dev.tta.primitives.annotations.Retry;
import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Workflow;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/** A workflow whose class-level retry gets it through two failures, after 1 s and 2 s. */
@Workflow
@Retry(max = 3, delay = "1s", backoff = 2.0, jitter = 0)
class Flaky {
  private final AtomicInteger calls = new AtomicInteger();

  @Step
  String call(String s) throws IOException {
    if (calls.incrementAndGet() < 3) {
      throw new IOException("not yet");
    }
    return s;
  }
}

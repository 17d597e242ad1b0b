package dev.tta.primitives.temporal;

import dev.tta.primitives.annotations.Durable;
import dev.tta.primitives.annotations.Retry;
import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Workflow;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/** One retried step that fails a given number of times, recording each attempt. */
@Workflow(name = "Flaky")
@Durable(taskQueue = "flaky-queue")
public class Flaky {

  final List<Long> scheduled = new CopyOnWriteArrayList<>();
  volatile int failures;

  /** The clock attempts are timed on: the test server's, which skips the waits. */
  volatile LongSupplier clock = System::currentTimeMillis;

  @Step
  @Retry(max = 4, delay = "2s", backoff = 3.0, maxDelay = "10s")
  public String call(String what) {
    scheduled.add(clock.getAsLong());
    if (scheduled.size() <= failures) {
      throw new IllegalStateException("attempt " + scheduled.size() + " failed");
    }
    return what + " after " + scheduled.size();
  }
}

package dev.tta.primitives.temporal;

import dev.tta.primitives.annotations.Durable;
import dev.tta.primitives.annotations.Fallback;
import dev.tta.primitives.annotations.Retry;
import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Workflow;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A retried step with a fallback: the fallback runs once the retries are spent, and never for a
 * failure in its {@code skipOn}.
 */
@Workflow(name = "Backup")
@Durable
public class Backup {

  final AtomicInteger attempts = new AtomicInteger();
  final List<String> causes = new CopyOnWriteArrayList<>();

  @Step
  @Retry(max = 3, delay = "1s")
  @Fallback(value = "fromBackup", applyOn = IOException.class, skipOn = UncheckedIOException.class)
  public String fetch(String key) throws IOException {
    int attempt = attempts.incrementAndGet();
    if (key.startsWith("unchecked")) {
      throw new UncheckedIOException(new IOException("disk gone"));
    }
    throw new IOException("primary store down at attempt " + attempt);
  }

  public String fromBackup(String key, Exception cause) {
    ApplicationFailure failure = (ApplicationFailure) cause;
    causes.add(failure.getType() + ": " + failure.getOriginalMessage());
    return key + " from backup";
  }
}

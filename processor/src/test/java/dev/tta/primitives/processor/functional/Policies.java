package dev.tta.primitives.processor.functional;

import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.annotations.Cached;
import dev.tta.primitives.annotations.Fallback;
import dev.tta.primitives.annotations.Retry;
import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Timeout;
import dev.tta.primitives.annotations.Workflow;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Workflows with policies, for {@link GeneratedPoliciesTest}. */
final class Policies {
  private Policies() {}

  /** Always fails; counts calls. */
  @Workflow
  static class AlwaysFails {
    final AtomicInteger calls = new AtomicInteger();

    @Step
    @Retry(max = 5, delay = "1ms", jitter = 0.0)
    String call(String in) throws IOException {
      throw new IOException("attempt " + calls.incrementAndGet());
    }
  }

  /** abortOn names a subclass of a retryOn type. */
  @Workflow
  static class Aborts {
    final AtomicInteger calls = new AtomicInteger();

    @Step
    @Retry(
        max = 5,
        delay = "1ms",
        retryOn = IOException.class,
        abortOn = FileNotFoundException.class)
    String open(String path) throws IOException {
      calls.incrementAndGet();
      throw new FileNotFoundException(path);
    }
  }

  /** A time budget on the runtime's clock: waits of 100ms, budget 350ms. */
  @Workflow
  static class Budget {
    final AtomicInteger calls = new AtomicInteger();

    @Step
    @Retry(max = 100, delay = "100ms", backoff = 1.0, jitter = 0.0, maxDuration = "350ms")
    String poll(String in) throws IOException {
      calls.incrementAndGet();
      throw new IOException("not yet");
    }
  }

  /** A 200ms deadline on a step that sleeps 2s (or ignores interrupts). */
  @Workflow
  static class Slow {
    final CountDownLatch release = new CountDownLatch(1);

    @Step
    @Timeout("200ms")
    String sleep(boolean ignoreInterrupts) throws InterruptedException {
      if (!ignoreInterrupts) {
        Thread.sleep(2_000);
        return "woke";
      }
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (System.nanoTime() < end) {
        try {
          if (release.await(10, TimeUnit.MILLISECONDS)) {
            break;
          }
        } catch (InterruptedException ignored) {
          // deliberately deaf to interruption
        }
      }
      return "finished";
    }
  }

  /** Each attempt has its own deadline: two slow attempts time out, the third is fast. */
  @Workflow
  static class PerAttempt {
    final AtomicInteger calls = new AtomicInteger();

    @Step
    @Retry(max = 3, delay = "1ms", jitter = 0.0)
    @Timeout("150ms")
    String fetch(String in) throws InterruptedException {
      if (calls.incrementAndGet() < 3) {
        Thread.sleep(5_000);
      }
      return in + " on attempt " + calls.get();
    }
  }

  /** timeout, then retry, then fallback: the fallback's value comes back. */
  @Workflow
  static class Degrades {
    final List<Object> fallbackSaw = Collections.synchronizedList(new ArrayList<>());

    @Step
    @Fallback("cached")
    @Retry(max = 2, delay = "1ms", jitter = 0.0)
    @Timeout("100ms")
    String fetch(String url, int page) throws InterruptedException {
      Thread.sleep(5_000);
      return "live";
    }

    String cached(String url, int page, Throwable cause, WorkflowContext context) {
      fallbackSaw.add(url);
      fallbackSaw.add(page);
      fallbackSaw.add(cause);
      return "cached " + url + "#" + page;
    }
  }

  /** skipOn wins over applyOn; the fallback takes a narrowed cause. */
  @Workflow
  static class Skips {
    @Step
    @Fallback(value = "recover", applyOn = IOException.class, skipOn = FileNotFoundException.class)
    String read(String path) throws IOException {
      if (path.startsWith("missing")) {
        throw new FileNotFoundException(path);
      }
      throw new IOException("broken " + path);
    }

    String recover(String path, IOException cause) {
      return "recovered " + cause.getMessage();
    }
  }

  /** A fallback chain: primary → secondary → last resort. */
  @Workflow
  static class Chain {
    @Step
    @Fallback("secondary")
    String primary(String in) throws IOException {
      throw new IOException("primary down");
    }

    @Fallback("lastResort")
    CompletableFuture<String> secondary(String in, Throwable cause) {
      return CompletableFuture.failedFuture(
          new IOException("secondary down after " + cause.getMessage()));
    }

    String lastResort(String in, Throwable cause) {
      return "last resort for " + in + " after " + cause.getMessage();
    }
  }

  /** A cached step in front of a flaky call, with a fallback that must never be cached. */
  @Workflow
  static class CachedLookup {
    final AtomicInteger calls = new AtomicInteger();
    volatile boolean broken;
    volatile CountDownLatch gate = new CountDownLatch(0);

    @Step
    @Fallback("unknown")
    @Cached(ttl = "1m", maxSize = 10, key = "keyOf")
    String lookup(String name, WorkflowContext context) throws Exception {
      calls.incrementAndGet();
      if (!gate.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("gate never opened");
      }
      if (broken) {
        throw new IOException("backend down");
      }
      return name.toUpperCase(java.util.Locale.ROOT);
    }

    String keyOf(String name) {
      return name.trim().toLowerCase(java.util.Locale.ROOT);
    }

    String unknown(String name) {
      return "unknown";
    }
  }

  /** The whole run is cached. */
  @Workflow
  @Cached(ttl = "5m")
  static class WholeRun {
    final AtomicInteger runs = new AtomicInteger();

    @Step
    int parse(String text) {
      runs.incrementAndGet();
      return Integer.parseInt(text.trim());
    }

    @Step
    int twice(int n) {
      return 2 * n;
    }
  }

  /** A retried step that keeps failing, for cancellation. */
  @Workflow
  static class Endless {
    final AtomicInteger calls = new AtomicInteger();
    volatile java.util.function.IntConsumer onCall = n -> {};

    @Step
    @Retry(max = 1000, delay = "20ms", backoff = 1.0, jitter = 0.0)
    String call(String in) throws IOException {
      onCall.accept(calls.incrementAndGet());
      throw new IOException("down");
    }
  }
}

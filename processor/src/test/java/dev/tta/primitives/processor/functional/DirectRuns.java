package dev.tta.primitives.processor.functional;

import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.annotations.Retry;
import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Timeout;
import dev.tta.primitives.annotations.Workflow;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Workflows whose {@code run} calls the steps in place (plain sequences of synchronous steps, at
 * most a retry on each), for {@link DirectRunTest}.
 */
final class DirectRuns {
  private DirectRuns() {}

  /** Who called a step, and on which thread: the frame right above the step method. */
  record Call(String step, String caller, Thread thread) {
    static Call of(String step) {
      StackTraceElement caller = new Throwable().getStackTrace()[2];
      return new Call(step, caller.getMethodName(), Thread.currentThread());
    }
  }

  /** parse → twice (retried, fails on demand) → format. */
  @Workflow
  static class Pipeline {
    final List<Call> calls = new CopyOnWriteArrayList<>();
    final AtomicInteger twiceFailuresLeft = new AtomicInteger();
    volatile RuntimeException parseFailure;
    volatile Error formatFailure;

    @Step
    long parse(String text) throws IOException {
      calls.add(Call.of("parse"));
      if (parseFailure != null) {
        throw parseFailure;
      }
      if (text.isEmpty()) {
        throw new IOException("nothing to parse");
      }
      return Long.parseLong(text);
    }

    @Step
    @Retry(max = 3, delay = "1ms", jitter = 0.0)
    long twice(long value) throws IOException {
      calls.add(Call.of("twice"));
      if (twiceFailuresLeft.getAndDecrement() > 0) {
        throw new IOException("flaky " + twiceFailuresLeft.get());
      }
      return value * 2;
    }

    @Step
    String format(long value) {
      calls.add(Call.of("format"));
      if (formatFailure != null) {
        throw formatFailure;
      }
      return "=" + value;
    }
  }

  /** Two run parameters, the context, and a void step in the middle. */
  @Workflow
  static class WithContext {
    final List<WorkflowContext> contexts = new CopyOnWriteArrayList<>();
    final AtomicInteger joinFailuresLeft = new AtomicInteger();
    final List<String> joined = new CopyOnWriteArrayList<>();

    @Step
    @Retry(max = 2, delay = "1ms", jitter = 0.0)
    String join(String left, int right, WorkflowContext context) {
      contexts.add(context);
      joined.add(left + right);
      if (joinFailuresLeft.getAndDecrement() > 0) {
        throw new IllegalStateException("not yet");
      }
      return left + right;
    }

    @Step
    void record(String joined, WorkflowContext context) {
      contexts.add(context);
    }

    @Step
    int length(WorkflowContext context) {
      contexts.add(context);
      return context.workflowName().length();
    }
  }

  /** Parameters and steps named like the generated method's own names. */
  @Workflow
  static class Clashes {
    @Step
    static long failure(long context, long runContext, long steps) {
      return context + runContext + steps;
    }

    @Step
    long runner(long failure) {
      return failure + 1;
    }

    @Step
    static long Clashes(long runner) { // named like the class: a local must not hide it
      return runner * 10;
    }
  }

  /**
   * Steps with overloads that are not steps. The value flowing in is an {@code int} (or its box),
   * the steps take {@code int}, {@code long} and {@code Object}: either path must call the
   * annotated methods, not the overload javac would pick for the flowing value's own type.
   */
  @Workflow
  static class Overloads {
    @Step
    int count(int n) {
      return n + 1;
    }

    int count(Object n) {
      throw new AssertionError("count(Object) is not the step");
    }

    @Step
    long widen(long value) {
      return value * 10;
    }

    long widen(int value) {
      throw new AssertionError("widen(int) is not the step");
    }

    long widen(Object value) {
      throw new AssertionError("widen(Object) is not the step");
    }

    @Step
    String describe(Object value) {
      return "object " + value;
    }

    String describe(Long value) {
      throw new AssertionError("describe(Long) is not the step");
    }
  }

  /**
   * A step that ignores interrupts, run as a nested workflow inside another's timed-out step: its
   * run must stop before the next step once the outer call is cancelled.
   */
  @Workflow
  static class Stubborn {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger afterCalls = new AtomicInteger();

    @Step
    String hold(String in) {
      entered.countDown();
      boolean interrupted = false;
      while (true) {
        try {
          release.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // ignored on purpose, like much real code
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      return in;
    }

    @Step
    String after(String in) {
      afterCalls.incrementAndGet();
      return in + "!";
    }
  }

  /** Runs {@link Stubborn} inside a step under a short timeout. */
  @Workflow
  static class Outer {
    final DirectRuns_StubbornWorkflow inner;
    final CompletableFuture<String> innerOutcome = new CompletableFuture<>();

    Outer(DirectRuns_StubbornWorkflow inner) {
      this.inner = inner;
    }

    @Step
    @Timeout("100ms")
    String call(String in) {
      try {
        String out = inner.run(in);
        innerOutcome.complete(out);
        return out;
      } catch (RuntimeException e) {
        innerOutcome.completeExceptionally(e);
        throw e;
      }
    }
  }
}

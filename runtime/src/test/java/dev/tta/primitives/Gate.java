package dev.tta.primitives;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Test helper: a non-blocking step whose calls stay pending until the test completes them; records
 * each call's input and the runtime clock's time when it started.
 */
final class Gate implements WorkflowPrimitive<String, String> {
  private final String name;
  private final List<String> inputs = new ArrayList<>();
  private final List<Long> startedAt = new ArrayList<>();
  private final List<CompletableFuture<String>> calls = new ArrayList<>();

  Gate(String name) {
    this.name = name;
  }

  @Override
  public synchronized CompletableFuture<String> execute(String input, WorkflowContext context) {
    inputs.add(input);
    startedAt.add(context.runtime().clock().nanoTime());
    CompletableFuture<String> call = new CompletableFuture<>();
    calls.add(call);
    return call;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean isBlocking() {
    return false;
  }

  synchronized List<String> inputs() {
    return List.copyOf(inputs);
  }

  /** Start times in milliseconds of the runtime's clock. */
  synchronized List<Long> startedAtMillis() {
    List<Long> millis = new ArrayList<>();
    for (long nanos : startedAt) {
      millis.add(nanos / 1_000_000);
    }
    return millis;
  }

  /** Completes call {@code index} (in start order) with its input upper-cased. */
  void finish(int index) {
    CompletableFuture<String> call;
    String input;
    synchronized (this) {
      call = calls.get(index);
      input = inputs.get(index);
    }
    call.complete(input.toUpperCase(java.util.Locale.ROOT));
  }

  synchronized CompletableFuture<String> call(int index) {
    return calls.get(index);
  }
}

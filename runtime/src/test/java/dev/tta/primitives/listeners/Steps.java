package dev.tta.primitives.listeners;

import dev.tta.primitives.LambdaPrimitive;
import dev.tta.primitives.StepPrimitive;
import dev.tta.primitives.WorkflowListener;
import dev.tta.primitives.WorkflowPrimitive;
import dev.tta.primitives.WorkflowRuntime;
import dev.tta.primitives.testing.VirtualTime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Steps that take virtual time, and the runtime and output the listener tests share. */
final class Steps {

  static final String NL = System.lineSeparator();

  final VirtualTime time = new VirtualTime();
  final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  final PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);

  /** A runtime on the virtual time with {@code listener}. */
  WorkflowRuntime runtime(WorkflowListener listener) {
    return WorkflowRuntime.builder()
        .clock(time)
        .scheduler(time)
        .random(new Random(VirtualTime.SEED))
        .listener(listener)
        .build();
  }

  String output() {
    return buffer.toString(StandardCharsets.UTF_8);
  }

  /** A non-blocking body that answers {@code answer(input)} {@code millis} after its call. */
  <I, O> WorkflowPrimitive<I, O> body(String name, long millis, Function<I, O> answer) {
    return LambdaPrimitive.ofAsync(
        name,
        (I input, dev.tta.primitives.WorkflowContext context) -> {
          CompletableFuture<O> result = new CompletableFuture<>();
          time.schedule(() -> result.complete(answer.apply(input)), millis, TimeUnit.MILLISECONDS);
          return result;
        });
  }

  /** A named step that answers {@code answer(input)} after {@code millis}. */
  <I, O> WorkflowPrimitive<I, O> step(String name, long millis, Function<I, O> answer) {
    return StepPrimitive.of(name, body(name, millis, answer));
  }

  /** A named step that passes its input on after {@code millis}. */
  <T> WorkflowPrimitive<T, T> step(String name, long millis) {
    return step(name, millis, Function.identity());
  }

  /** A named step that fails with {@code failure} after {@code millis}. */
  <I, O> WorkflowPrimitive<I, O> failing(String name, long millis, Exception failure) {
    return StepPrimitive.of(
        name,
        LambdaPrimitive.ofAsync(
            name,
            (I input, dev.tta.primitives.WorkflowContext context) -> {
              CompletableFuture<O> result = new CompletableFuture<>();
              time.schedule(
                  () -> result.completeExceptionally(failure), millis, TimeUnit.MILLISECONDS);
              return result;
            }));
  }
}

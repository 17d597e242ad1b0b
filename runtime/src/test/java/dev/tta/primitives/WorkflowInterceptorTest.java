package dev.tta.primitives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.WorkflowInterceptor.Observation;
import dev.tta.primitives.WorkflowInterceptor.Outcome;
import dev.tta.primitives.WorkflowInterceptor.Scope;
import dev.tta.primitives.testing.VirtualTime;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkflowInterceptorTest {

  /** What a tracer would make current: the observation of the step call whose method runs. */
  private static final ThreadLocal<Recorded> CURRENT = new ThreadLocal<>();

  /** One observation: its name, parent, events and end, as the interceptor saw them. */
  static final class Recorded implements Observation {
    final String name;
    final Recorded parent;
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    volatile String end;
    volatile Throwable failure;
    final AtomicInteger ends = new AtomicInteger();

    Recorded(String name, Recorded parent) {
      this.name = name;
      this.parent = parent;
    }

    @Override
    public Scope makeCurrent() {
      Recorded before = CURRENT.get();
      CURRENT.set(this);
      Thread thread = Thread.currentThread();
      return () -> {
        assertSame(thread, Thread.currentThread(), "closed on the thread that made it current");
        CURRENT.set(before);
      };
    }

    @Override
    public void onRetry(int nextAttempt, Throwable failure, Duration delay) {
      events.add("retry " + nextAttempt + " after " + failure.getClass().getSimpleName());
    }

    @Override
    public void onTimeout(Duration timeout) {
      events.add("timeout " + timeout.toMillis() + " ms");
    }

    @Override
    public void onFallback(Throwable cause) {
      events.add("fallback " + cause.getClass().getSimpleName());
    }

    @Override
    public void onCacheHit() {
      events.add("cache hit");
    }

    @Override
    public void onRejected(Throwable rejection) {
      events.add("rejected " + rejection.getClass().getSimpleName());
    }

    @Override
    public void onCircuitStateChange(String breaker, CircuitState from, CircuitState to) {
      events.add(breaker + " " + from + "->" + to);
    }

    @Override
    public void end(Outcome outcome, Throwable failure, int attempts, Duration elapsed) {
      ends.incrementAndGet();
      this.failure = failure;
      this.end = outcome + " after " + attempts + (elapsed.isNegative() ? " (negative!)" : "");
    }

    String path() {
      return parent == null ? name : parent.path() + " > " + name;
    }

    @Override
    public String toString() {
      return path();
    }
  }

  /** Records every observation; a step's is named {@code step} or {@code step[index]}. */
  static final class Recorder implements WorkflowInterceptor {
    final List<Recorded> all = Collections.synchronizedList(new ArrayList<>());

    @Override
    public Observation startRun(WorkflowContext context, Observation parent) {
      Recorded up = parent != null ? (Recorded) parent : CURRENT.get();
      Recorded run = new Recorded("run " + context.workflowName(), up);
      all.add(run);
      return run;
    }

    @Override
    public Observation startStep(
        Observation run, WorkflowContext context, String step, long index) {
      Recorded call = new Recorded(index < 0 ? step : step + "[" + index + "]", (Recorded) run);
      all.add(call);
      return call;
    }

    Recorded named(String path) {
      synchronized (all) {
        for (Recorded r : all) {
          if (r.path().equals(path)) {
            return r;
          }
        }
      }
      throw new AssertionError("no observation " + path + " in " + all);
    }

    List<String> paths() {
      List<String> paths = new ArrayList<>();
      synchronized (all) {
        for (Recorded r : all) {
          paths.add(r.path());
        }
      }
      Collections.sort(paths);
      return paths;
    }
  }

  private final Recorder recorder = new Recorder();
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final Map<String, String> seenIn = new ConcurrentHashMap<>(); // step -> current, thread

  @AfterEach
  void stopPool() throws InterruptedException {
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
  }

  private WorkflowRuntime runtime() {
    return WorkflowRuntime.builder().executor(pool).interceptor(recorder).build();
  }

  /** A synchronous step that notes which observation is current where it runs. */
  private <I, O> LambdaPrimitive<I, O> noting(String label, ThrowingFunction<I, O> body) {
    return LambdaPrimitive.of(
        label,
        (I in) -> {
          Recorded current = CURRENT.get();
          seenIn.merge(label, (current == null ? "none" : current.path()), (a, b) -> a + " | " + b);
          return body.apply(in);
        });
  }

  @Test
  void everyStepMethodRunsWithItsOwnStepCallCurrentOnWhateverThreadRunsIt() {
    AtomicInteger flaky = new AtomicInteger();
    CountDownLatch bothBranches = new CountDownLatch(2);
    WorkflowPrimitive<String, Object> branchA =
        StepPrimitive.of(
            "a",
            noting(
                "a",
                (String s) -> {
                  bothBranches.countDown();
                  assertTrue(bothBranches.await(10, TimeUnit.SECONDS), "branches run at once");
                  return s + "a";
                }));
    WorkflowPrimitive<String, Object> branchB =
        StepPrimitive.of(
            "b",
            noting(
                "b",
                (String s) -> {
                  bothBranches.countDown();
                  assertTrue(bothBranches.await(10, TimeUnit.SECONDS), "branches run at once");
                  return s + "b";
                }));
    RetryPolicy twice = RetryPolicy.builder().maxAttempts(2).delay(Duration.ofMillis(1)).build();
    List<WorkflowPrimitive<?, ?>> stages =
        List.of(
            StepPrimitive.of(
                "load",
                RetryPrimitive.of(
                    noting(
                        "load",
                        (String s) -> {
                          if (flaky.getAndIncrement() == 0) {
                            throw new IOException("first attempt fails");
                          }
                          return s;
                        }),
                    twice)),
            ParallelPrimitive.<String, Object>of(branchA, branchB),
            LambdaPrimitive.of("split", (List<Object> r) -> List.of("x", "y", "z")),
            ParallelPrimitive.forEach(
                StepPrimitive.of(
                    "each",
                    TimeoutPrimitive.of(
                        noting("each", (String s) -> s.toUpperCase()), Duration.ofSeconds(30))),
                2));
    WorkflowRunner<String, List<String>> runner =
        WorkflowRunner.of("W", SequentialPrimitive.ofUnchecked(stages), runtime());

    assertEquals(List.of("X", "Y", "Z"), runner.run("in"));

    assertEquals("run W > load | run W > load", seenIn.get("load"), "both attempts");
    assertEquals("run W > a", seenIn.get("a"));
    assertEquals("run W > b", seenIn.get("b"));
    List<String> each = List.of(seenIn.get("each").split(" \\| "));
    assertEquals(
        List.of("run W > each[0]", "run W > each[1]", "run W > each[2]"),
        each.stream().sorted().toList());
    assertEquals(
        List.of(
            "run W",
            "run W > a",
            "run W > b",
            "run W > each[0]",
            "run W > each[1]",
            "run W > each[2]",
            "run W > load"),
        recorder.paths());
    assertEquals(List.of("retry 2 after IOException"), recorder.named("run W > load").events);
    assertEquals("SUCCESS after 2", recorder.named("run W > load").end);
    assertEquals("SUCCESS after 1", recorder.named("run W > each[1]").end);
    assertEquals("SUCCESS after 1", recorder.named("run W").end);
    synchronized (recorder.all) {
      for (Recorded r : recorder.all) {
        assertEquals(1, r.ends.get(), r + " ended once");
      }
    }
    assertNull(CURRENT.get(), "nothing is left current on the caller's thread");
  }

  @Test
  void aFallbackMethodRunsInItsStepCallAndTheOutcomeSaysFallback() {
    WorkflowPrimitive<String, String> report =
        StepPrimitive.of(
            "report",
            FallbackPrimitive.<String, String>builder(
                    noting(
                        "report",
                        (String s) -> {
                          throw new IllegalStateException("no report");
                        }))
                .recover(
                    (String in, Throwable cause, WorkflowContext c) -> {
                      seenIn.put("fallback", CURRENT.get().path());
                      return "partial";
                    }));
    WorkflowRunner<String, String> runner = WorkflowRunner.of("W", report, runtime());

    assertEquals("partial", runner.run("x"));

    assertEquals("run W > report", seenIn.get("fallback"));
    Recorded step = recorder.named("run W > report");
    assertEquals(List.of("fallback IllegalStateException"), step.events);
    assertEquals("FALLBACK after 1", step.end);
    assertNull(step.failure);
  }

  @Test
  void aCacheHitIsAnOutcomeWithNoAttempts() {
    WorkflowRuntime runtime = runtime();
    CachePrimitive<String, String> cache =
        CachePrimitive.<String, String>builder(noting("lookup", (String s) -> s + "!"))
            .build(runtime);
    WorkflowRunner<String, String> runner =
        WorkflowRunner.of("W", StepPrimitive.of("lookup", cache), runtime);

    assertEquals("k!", runner.run("k"));
    assertEquals("k!", runner.run("k"));

    List<String> ends = new ArrayList<>();
    synchronized (recorder.all) {
      for (Recorded r : recorder.all) {
        if (r.name.equals("lookup")) {
          ends.add(r.end + " " + r.events);
        }
      }
    }
    assertEquals(List.of("SUCCESS after 1 []", "CACHE_HIT after 0 [cache hit]"), ends);
  }

  @Test
  void aFailedStepEndsWithItsNamedFailureAndTheRunWithItsOwn() {
    WorkflowRunner<String, String> runner =
        WorkflowRunner.of(
            "W",
            StepPrimitive.of(
                "parse",
                LambdaPrimitive.of(
                    "parse",
                    (String s) -> {
                      throw new NumberFormatException(s);
                    })),
            runtime());

    WorkflowException thrown = assertThrows(WorkflowException.class, () -> runner.run("x"));

    Recorded step = recorder.named("run W > parse");
    assertEquals("FAILURE after 1", step.end);
    WorkflowException named = assertInstanceOf(WorkflowException.class, step.failure);
    assertEquals("parse", named.step());
    assertInstanceOf(NumberFormatException.class, named.getCause());
    assertSame(thrown, recorder.named("run W").failure);
  }

  @Test
  void aNestedRunIsAChildOfTheStepThatRunsIt() {
    WorkflowRuntime runtime = runtime();
    WorkflowRunner<String, String> inner =
        WorkflowRunner.of(
            "Inner", StepPrimitive.of("leaf", noting("leaf", (String s) -> s + "!")), runtime);
    WorkflowRunner<String, String> outer =
        WorkflowRunner.of(
            "Outer",
            SequentialPrimitive.of(
                StepPrimitive.of(
                    "byThread", LambdaPrimitive.of("byThread", (String s) -> inner.run(s))),
                StepPrimitive.of(
                    "byContext",
                    LambdaPrimitive.of(
                        "byContext",
                        (String s, WorkflowContext c) ->
                            CURRENT.get() == null ? "none" : inner.run(s, c)))),
            runtime);

    assertEquals("x!!", outer.run("x"));

    assertEquals(
        List.of(
            "run Outer",
            "run Outer > byContext",
            "run Outer > byContext > run Inner",
            "run Outer > byContext > run Inner > leaf",
            "run Outer > byThread",
            "run Outer > byThread > run Inner",
            "run Outer > byThread > run Inner > leaf"),
        recorder.paths());
  }

  @Test
  void aRunStartedAsynchronouslyIsObservedFromTheCallersThread() throws Exception {
    WorkflowRuntime runtime = runtime();
    WorkflowRunner<String, String> runner =
        WorkflowRunner.of("W", StepPrimitive.of("s", noting("s", (String s) -> s)), runtime);
    Recorded request = new Recorded("request", null);

    Scope scope = request.makeCurrent();
    CompletableFuture<String> run;
    try {
      run = runner.runAsync("x");
    } finally {
      scope.close();
    }

    assertEquals("x", run.get(10, TimeUnit.SECONDS));
    assertEquals("request > run W > s", seenIn.get("s"));
  }

  @Test
  void aClassLevelRetrysEventsReachTheRun() {
    AtomicInteger calls = new AtomicInteger();
    RetryPolicy thrice = RetryPolicy.builder().maxAttempts(3).delay(Duration.ofMillis(1)).build();
    WorkflowRunner<String, String> runner =
        WorkflowRunner.of(
            "W",
            RetryPrimitive.of(
                StepPrimitive.of(
                    "s",
                    LambdaPrimitive.of(
                        "s",
                        (String s) -> {
                          if (calls.incrementAndGet() < 3) {
                            throw new IOException("not yet");
                          }
                          return s;
                        })),
                thrice),
            runtime());

    assertEquals("x", runner.run("x"));

    Recorded run = recorder.named("run W");
    assertEquals(
        List.of("retry 2 after WorkflowException", "retry 3 after WorkflowException"), run.events);
    assertEquals("SUCCESS after 3", run.end);
    assertEquals(List.of("run W", "run W > s", "run W > s", "run W > s"), recorder.paths());
  }

  @Test
  void aTimeoutAndARejectionAreEventsOfTheStepCall() {
    VirtualTime time = new VirtualTime();
    WorkflowRuntime runtime =
        time.runtime().toBuilder().executor(Runnable::run).interceptor(recorder).build();
    CompletableFuture<String> never = new CompletableFuture<>();
    WorkflowRunner<String, String> runner =
        WorkflowRunner.of(
            "W",
            StepPrimitive.of(
                "slow",
                TimeoutPrimitive.of(
                    LambdaPrimitive.ofAsync("slow", (String s, WorkflowContext c) -> never),
                    Duration.ofSeconds(2))),
            runtime);
    CompletableFuture<String> run = runner.runAsync("x");

    time.advance(Duration.ofSeconds(2));

    assertTrue(run.isCompletedExceptionally());
    Recorded step = recorder.named("run W > slow");
    assertEquals(List.of("timeout 2000 ms"), step.events);
    assertEquals("FAILURE after 1", step.end);

    BulkheadPrimitive<String, String> full =
        BulkheadPrimitive.of(
            LambdaPrimitive.ofAsync(
                "busy", (String s, WorkflowContext c) -> new CompletableFuture<String>()),
            BulkheadPolicy.builder().value(1).build());
    WorkflowRunner<String, String> limited =
        WorkflowRunner.of("L", StepPrimitive.of("busy", full), runtime);
    assertFalse(limited.runAsync("first").isDone());
    CompletableFuture<String> second = limited.runAsync("second");
    assertTrue(second.isCompletedExceptionally());
    List<String> rejected = new ArrayList<>();
    synchronized (recorder.all) {
      for (Recorded r : recorder.all) {
        if (r.name.equals("busy")) {
          rejected.addAll(r.events);
        }
      }
    }
    assertEquals(List.of("rejected BulkheadFullException"), rejected);
  }

  @Test
  void anInterceptorThatThrowsNeverChangesTheRun() {
    WorkflowInterceptor broken =
        new WorkflowInterceptor() {
          @Override
          public Observation startRun(WorkflowContext context, Observation parent) {
            throw new IllegalStateException("broken startRun");
          }

          @Override
          public Observation startStep(
              Observation run, WorkflowContext context, String step, long index) {
            return new Observation() {
              @Override
              public Scope makeCurrent() {
                throw new IllegalStateException("broken makeCurrent");
              }

              @Override
              public void end(Outcome outcome, Throwable failure, int attempts, Duration elapsed) {
                throw new IllegalStateException("broken end");
              }
            };
          }
        };
    WorkflowRuntime runtime =
        WorkflowRuntime.builder().executor(pool).interceptor(broken).interceptor(recorder).build();
    WorkflowRunner<String, String> runner =
        WorkflowRunner.of("W", StepPrimitive.of("s", noting("s", (String s) -> s + "!")), runtime);

    assertEquals("x!", runner.run("x"));
    assertEquals("run W > s", seenIn.get("s"), "the second interceptor still sees everything");
    assertEquals("SUCCESS after 1", recorder.named("run W > s").end);
  }

  @Test
  void aRuntimeWithAnInterceptorMakesNoDirectRuns() {
    assertFalse(runtime().allowsDirectRuns());
    assertTrue(WorkflowRuntime.builder().build().allowsDirectRuns());
    assertEquals(List.of(recorder), runtime().interceptors());
    assertEquals(List.of(recorder), runtime().toBuilder().build().interceptors());
  }
}

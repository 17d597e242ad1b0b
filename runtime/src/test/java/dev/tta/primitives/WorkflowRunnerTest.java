package dev.tta.primitives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WorkflowRunnerTest {

  private static final long WAIT_SECONDS = 10;

  private static WorkflowRunner<String, Integer> lengthTwice(WorkflowRuntime runtime) {
    WorkflowPrimitive<String, Integer> steps =
        StepPrimitive.of("length", LambdaPrimitive.of("length", String::length))
            .then(StepPrimitive.of("twice", LambdaPrimitive.of("twice", (Integer n) -> n * 2)));
    return WorkflowRunner.of("Demo", steps, runtime);
  }

  @Test
  void runReturnsTheLastStepsOutput() {
    assertEquals(8, lengthTwice(WorkflowRuntime.defaults()).run("abcd"));
  }

  @Test
  void runStartsOnTheCallersThread() {
    AtomicReference<Thread> ran = new AtomicReference<>();
    WorkflowRunner<String, String> runner =
        WorkflowRunner.of(
            "Here",
            LambdaPrimitive.of(
                "where",
                (String s) -> {
                  ran.set(Thread.currentThread());
                  return s;
                }),
            WorkflowRuntime.defaults());

    runner.run("x");

    assertSame(Thread.currentThread(), ran.get());
  }

  @Test
  void runAsyncNeverBlocksItsCaller() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Thread> ran = new AtomicReference<>();
    WorkflowRunner<String, String> runner =
        WorkflowRunner.of(
            "Async",
            LambdaPrimitive.of(
                "wait",
                (String s) -> {
                  ran.set(Thread.currentThread());
                  release.await(WAIT_SECONDS, TimeUnit.SECONDS);
                  return s;
                }),
            WorkflowRuntime.defaults());

    CompletableFuture<String> result = runner.runAsync("x");
    assertFalse(result.isDone(), "runAsync returned while the step still waits");
    release.countDown();

    assertEquals("x", result.get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertNotSame(Thread.currentThread(), ran.get());
    assertTrue(ran.get().isDaemon(), "default worker threads are daemons");
  }

  @Test
  void failureNamesTheWorkflowAndTheStep() {
    IOException disk = new IOException("disk full");
    WorkflowPrimitive<String, String> steps =
        StepPrimitive.of("load", LambdaPrimitive.of("load", (String s) -> s))
            .then(
                StepPrimitive.of(
                    "save",
                    LambdaPrimitive.of(
                        "save",
                        (String s) -> {
                          throw disk;
                        })));

    WorkflowException e =
        assertThrows(
            WorkflowException.class,
            () -> WorkflowRunner.of("Backup", steps, WorkflowRuntime.defaults()).run("x"));

    assertEquals("Backup", e.workflow());
    assertEquals("save", e.step());
    assertEquals(1, e.attempts());
    assertSame(disk, e.getCause());
    assertTrue(e.getMessage().contains("Backup") && e.getMessage().contains("save"));
  }

  @Test
  void unnamedFailuresAreStillWorkflowExceptions() {
    IllegalStateException bug = new IllegalStateException("bug");
    WorkflowRunner<String, String> runner =
        WorkflowRunner.of(
            "Raw",
            LambdaPrimitive.of(
                "raw",
                (String s) -> {
                  throw bug;
                }),
            WorkflowRuntime.defaults());

    WorkflowException e = assertThrows(WorkflowException.class, () -> runner.run("x"));

    assertEquals("Raw", e.workflow());
    assertSame(bug, e.getCause());
  }

  @Test
  void nestedWorkflowRunsAsAStepAndKeepsTheRunId() {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    WorkflowRunner<String, String> inner =
        WorkflowRunner.of(
            "Inner",
            LambdaPrimitive.of(
                "tag",
                (String s, WorkflowContext c) -> {
                  seen.add(c.workflowName() + "/" + c.workflowId());
                  return s + "!";
                }),
            WorkflowRuntime.defaults());
    WorkflowRunner<String, String> outer =
        WorkflowRunner.of("Outer", StepPrimitive.of("inner", inner), WorkflowRuntime.defaults());
    WorkflowContext context = WorkflowContext.create("Outer").withMetadata("request", "42");

    assertEquals("hi!", outer.run("hi", context));
    assertEquals(List.of("Inner/" + context.workflowId()), seen);
  }

  @Test
  void nestedFailureKeepsTheInnerStepAsCause() {
    WorkflowRunner<String, String> inner =
        WorkflowRunner.of(
            "Inner",
            StepPrimitive.of(
                "explode",
                LambdaPrimitive.of(
                    "explode",
                    (String s) -> {
                      throw new IOException("inner");
                    })),
            WorkflowRuntime.defaults());
    WorkflowRunner<String, String> outer =
        WorkflowRunner.of("Outer", StepPrimitive.of("sub", inner), WorkflowRuntime.defaults());

    WorkflowException e = assertThrows(WorkflowException.class, () -> outer.run("x"));

    assertEquals("Outer", e.workflow());
    assertEquals("sub", e.step());
    WorkflowException cause = (WorkflowException) e.getCause();
    assertEquals("Inner", cause.workflow());
    assertEquals("explode", cause.step());
  }

  @Test
  void cancellingRunAsyncInterruptsTheRunningStep() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    WorkflowRunner<String, String> runner =
        WorkflowRunner.of(
            "Long",
            StepPrimitive.of(
                "sleep",
                LambdaPrimitive.of(
                    "sleep",
                    (String s) -> {
                      started.countDown();
                      try {
                        Thread.sleep(TimeUnit.SECONDS.toMillis(60));
                      } catch (InterruptedException e) {
                        interrupted.countDown();
                        throw e;
                      }
                      return s;
                    })),
            WorkflowRuntime.defaults());

    CompletableFuture<String> result = runner.runAsync("x");
    assertTrue(started.await(WAIT_SECONDS, TimeUnit.SECONDS));
    result.cancel(true);

    assertTrue(interrupted.await(WAIT_SECONDS, TimeUnit.SECONDS));
    assertThrows(CancellationException.class, result::join);
  }

  @Test
  void listenersSeeWorkflowAndStepEventsInOrder() {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    WorkflowListener listener =
        new WorkflowListener() {
          @Override
          public void onWorkflowStart(WorkflowContext context) {
            events.add("start " + context.workflowName());
          }

          @Override
          public void onStepStart(WorkflowContext context, String step) {
            events.add("step " + step);
          }

          @Override
          public void onStepSuccess(WorkflowContext context, String step, Duration elapsed) {
            events.add("done " + step);
          }

          @Override
          public void onWorkflowSuccess(WorkflowContext context, Duration elapsed) {
            events.add("end " + context.workflowName());
          }
        };
    WorkflowRuntime runtime = WorkflowRuntime.builder().listener(listener).build();

    assertEquals(6, lengthTwice(runtime).run("abc"));
    assertEquals(
        List.of("start Demo", "step length", "done length", "step twice", "done twice", "end Demo"),
        events);
  }

  @Test
  void aFailingListenerDoesNotBreakTheRun() {
    WorkflowListener broken =
        new WorkflowListener() {
          @Override
          public void onStepStart(WorkflowContext context, String step) {
            throw new IllegalStateException("listener bug");
          }
        };
    WorkflowRuntime runtime = WorkflowRuntime.builder().listener(broken).build();

    assertEquals(4, lengthTwice(runtime).run("ab"));
  }

  @Test
  void stepFailureEventCarriesTheWorkflowException() {
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    WorkflowRuntime runtime =
        WorkflowRuntime.builder()
            .listener(
                new WorkflowListener() {
                  @Override
                  public void onStepFailure(
                      WorkflowContext context, String step, Throwable failure, Duration elapsed) {
                    failures.add(failure);
                  }
                })
            .build();
    WorkflowRunner<String, String> runner =
        WorkflowRunner.of(
            "F",
            StepPrimitive.of(
                "boom",
                LambdaPrimitive.of(
                    "boom",
                    (String s) -> {
                      throw new IOException("x");
                    })),
            runtime);

    assertThrows(WorkflowException.class, () -> runner.run("x"));
    assertEquals(1, failures.size());
    assertEquals("boom", ((WorkflowException) failures.get(0)).step());
  }

  @Test
  void contextsAreImmutableAndIdsUnique() {
    WorkflowContext a = WorkflowContext.create("W");
    WorkflowContext b = a.withMetadata("k", "v");

    assertTrue(a.metadata().isEmpty());
    assertEquals("v", b.metadata().get("k"));
    assertEquals(a.workflowId(), b.workflowId());
    assertNotEquals(a.workflowId(), WorkflowContext.create("W").workflowId());
    assertThrows(UnsupportedOperationException.class, () -> b.metadata().put("x", "y"));
    assertSame(a, a.withWorkflowName("W"));
  }
}

package dev.tta.primitives.processor.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowException;
import dev.tta.primitives.WorkflowInterceptor;
import dev.tta.primitives.WorkflowListener;
import dev.tta.primitives.WorkflowRuntime;
import dev.tta.primitives.processor.functional.DirectRuns.Call;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A run that may call its steps in place still does when interceptors observe the runtime, and they
 * see it as they would a run through the primitives: the run, each step call current around its
 * method, its retries, its end; a failure goes on through the primitives under the same
 * observations.
 */
class ObservedDirectRunTest {

  /** What the interceptor saw, in order, with the thread each thing happened on. */
  private final List<String> seen = new CopyOnWriteArrayList<>();

  private final List<Thread> currentOn = new CopyOnWriteArrayList<>();

  private final WorkflowInterceptor recorder =
      new WorkflowInterceptor() {
        @Override
        public Observation startRun(WorkflowContext context, Observation parent) {
          seen.add("start " + context.workflowName());
          return observation(context.workflowName());
        }

        @Override
        public Observation startStep(
            Observation run, WorkflowContext context, String step, long index) {
          seen.add("start " + step);
          return observation(step);
        }

        private Observation observation(String name) {
          return new Observation() {
            @Override
            public Scope makeCurrent() {
              seen.add("current " + name);
              currentOn.add(Thread.currentThread());
              return () -> seen.add("left " + name);
            }

            @Override
            public void onRetry(int nextAttempt, Throwable failure, Duration delay) {
              seen.add("retry " + name + " " + nextAttempt);
            }

            @Override
            public void end(Outcome outcome, Throwable failure, int attempts, Duration elapsed) {
              seen.add(
                  "end "
                      + name
                      + " "
                      + outcome
                      + " "
                      + attempts
                      + (failure == null ? "" : " " + failure.getClass().getSimpleName()));
            }
          };
        }
      };

  private final WorkflowRuntime observed = WorkflowRuntime.builder().interceptor(recorder).build();

  private static List<String> callers(List<Call> calls) {
    return calls.stream().map(Call::caller).toList();
  }

  @Test
  void theStepsAreCalledInPlaceEachCurrentAroundItsMethod() {
    DirectRuns.Pipeline steps = new DirectRuns.Pipeline();

    assertEquals("=42", new DirectRuns_PipelineWorkflow(steps, observed).run("21"));

    assertEquals(List.of("runObserved", "runObserved", "runObserved"), callers(steps.calls));
    assertEquals(
        List.of(
            "start Pipeline",
            "start parse",
            "current parse",
            "left parse",
            "end parse SUCCESS 1",
            "start twice",
            "current twice",
            "left twice",
            "end twice SUCCESS 1",
            "start format",
            "current format",
            "left format",
            "end format SUCCESS 1",
            "end Pipeline SUCCESS 1"),
        seen);
    for (Thread thread : currentOn) {
      assertSame(Thread.currentThread(), thread);
    }
  }

  @Test
  void aRetriedStepGoesOnThroughThePrimitivesInTheSameStepCall() {
    DirectRuns.Pipeline steps = new DirectRuns.Pipeline();
    steps.twiceFailuresLeft.set(1);

    assertEquals("=10", new DirectRuns_PipelineWorkflow(steps, observed).run("5"));

    assertEquals("runObserved", callers(steps.calls).get(1), "the first attempt, in place");
    assertTrue(!callers(steps.calls).get(2).equals("runObserved"), "the retry, by the primitives");
    assertEquals(
        List.of(
            "start Pipeline",
            "start parse",
            "current parse",
            "left parse",
            "end parse SUCCESS 1",
            "start twice",
            "current twice",
            "left twice",
            "retry twice 2",
            "current twice",
            "left twice",
            "end twice SUCCESS 2",
            "start format",
            "current format",
            "left format",
            "end format SUCCESS 1",
            "end Pipeline SUCCESS 1"),
        seen);
  }

  @Test
  void aFailedStepEndsItsCallAndTheRunWithTheFailureTheCallerGets() {
    DirectRuns.Pipeline steps = new DirectRuns.Pipeline();

    WorkflowException thrown =
        assertThrows(
            WorkflowException.class,
            () -> new DirectRuns_PipelineWorkflow(steps, observed).run(""));

    assertEquals("parse", thrown.step());
    assertInstanceOf(IOException.class, thrown.getCause());
    assertEquals(
        List.of(
            "start Pipeline",
            "start parse",
            "current parse",
            "left parse",
            "end parse FAILURE 1 WorkflowException",
            "end Pipeline FAILURE 1 WorkflowException"),
        seen);
  }

  @Test
  void aStepsContextIsTheRunsWithItsIdAcrossTheSteps() {
    DirectRuns.WithContext steps = new DirectRuns.WithContext();
    WorkflowContext given = WorkflowContext.create("caller", observed);

    assertEquals(11, new DirectRuns_WithContextWorkflow(steps, observed).run("a", 1, given));

    assertEquals(3, steps.contexts.size());
    for (WorkflowContext context : steps.contexts) {
      assertEquals("WithContext", context.workflowName());
      assertEquals(given.workflowId(), context.workflowId());
    }
    assertEquals("end WithContext SUCCESS 1", seen.get(seen.size() - 1));
  }

  @Test
  void aListenerBesideTheInterceptorTakesTheRunThroughThePrimitives() {
    DirectRuns.Pipeline steps = new DirectRuns.Pipeline();
    WorkflowRuntime both =
        WorkflowRuntime.builder().interceptor(recorder).listener(new WorkflowListener() {}).build();

    assertEquals("=6", new DirectRuns_PipelineWorkflow(steps, both).run("3"));

    assertTrue(callers(steps.calls).stream().noneMatch("runObserved"::equals));
    assertTrue(callers(steps.calls).stream().noneMatch("runDirectly"::equals));
    assertEquals("end Pipeline SUCCESS 1", seen.get(seen.size() - 1));
  }
}

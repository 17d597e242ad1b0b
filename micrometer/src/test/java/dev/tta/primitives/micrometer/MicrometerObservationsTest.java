package dev.tta.primitives.micrometer;

import static io.micrometer.observation.tck.ObservationContextAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.CircuitOpenException;
import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowException;
import dev.tta.primitives.WorkflowInterceptor;
import dev.tta.primitives.WorkflowRuntime;
import dev.tta.primitives.testing.VirtualTime;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MicrometerObservationsTest {

  /** Every observation started, the events each heard and how often each stopped. */
  static final class Recorder implements ObservationHandler<Observation.Context> {
    final List<Observation.Context> started = Collections.synchronizedList(new ArrayList<>());
    final Map<Observation.Context, List<String>> events =
        Collections.synchronizedMap(new IdentityHashMap<>());
    final Map<Observation.Context, Integer> stops =
        Collections.synchronizedMap(new IdentityHashMap<>());

    @Override
    public void onStart(Observation.Context context) {
      started.add(context);
    }

    @Override
    public void onEvent(Observation.Event event, Observation.Context context) {
      events
          .computeIfAbsent(context, c -> Collections.synchronizedList(new ArrayList<>()))
          .add(event.getName() + ": " + event.getContextualName());
    }

    @Override
    public void onStop(Observation.Context context) {
      stops.merge(context, 1, Integer::sum);
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
      return true;
    }

    List<String> eventsOf(Observation.Context context) {
      return List.copyOf(events.getOrDefault(context, List.of()));
    }

    /** The observations with this contextual name, in the order they started. */
    List<Observation.Context> named(String contextualName) {
      synchronized (started) {
        return started.stream().filter(c -> contextualName.equals(c.getContextualName())).toList();
      }
    }

    /** The one observation of {@code step} whose parent is {@code run}. */
    Observation.Context step(Observation.ContextView run, String contextualName) {
      List<Observation.Context> found =
          named(contextualName).stream().filter(c -> parentOf(c) == run).toList();
      assertEquals(1, found.size(), contextualName + " in " + run.getContextualName());
      return found.get(0);
    }

    void assertEveryObservationStoppedOnce() {
      synchronized (started) {
        for (Observation.Context c : started) {
          assertEquals(1, stops.get(c), c.getContextualName() + " stopped once");
        }
      }
    }
  }

  static Observation.ContextView parentOf(Observation.ContextView context) {
    return context.getParentObservation() == null
        ? null
        : context.getParentObservation().getContextView();
  }

  private final Recorder recorder = new Recorder();
  private final TestObservationRegistry registry = TestObservationRegistry.create();
  private final ExecutorService pool = Executors.newFixedThreadPool(8);

  /** Step and input → the observation current in the method, on each call. */
  private final Map<String, List<Observation.ContextView>> seen = new ConcurrentHashMap<>();

  /** Step and input → the thread that ran the method, on each call. */
  private final Map<String, List<Thread>> threads = new ConcurrentHashMap<>();

  {
    registry.observationConfig().observationHandler(recorder);
  }

  @AfterEach
  void stopPool() throws InterruptedException {
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
  }

  private WorkflowRuntime runtime() {
    return WorkflowRuntime.builder()
        .executor(pool)
        .interceptor(MicrometerObservations.create(registry))
        .build();
  }

  private void note(String step, Object input) {
    Observation current = registry.getCurrentObservation();
    String key = step + " " + input;
    seen.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>()))
        .add(current == null ? null : current.getContextView());
    threads
        .computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>()))
        .add(Thread.currentThread());
  }

  private List<Observation.ContextView> seen(String key) {
    return new ArrayList<>(seen.getOrDefault(key, List.of()));
  }

  @Test
  void everyRunAndStepCallIsAnObservationCurrentInItsMethodsOnWhateverThreadRunsThem()
      throws InterruptedException {
    WorkflowRuntime runtime = runtime();
    CountDownLatch bothBranches = new CountDownLatch(2);
    Orders.Probe probe =
        (step, input) -> {
          note(step, input);
          if ((step.equals("price") || step.equals("stock")) && bothBranches.getCount() > 0) {
            bothBranches.countDown();
            try {
              assertTrue(bothBranches.await(10, TimeUnit.SECONDS), "the branches run at once");
            } catch (InterruptedException e) {
              throw new AssertionError(e);
            }
          }
        };
    ShippingWorkflow shipping = new ShippingWorkflow(new Shipping(probe), runtime);
    OrdersWorkflow orders = new OrdersWorkflow(new Orders(probe, shipping), runtime);

    Observation request = Observation.start("request", registry);
    String first = request.scoped(() -> orders.run("o-1"));
    request.stop();
    assertNull(registry.getCurrentObservation(), "nothing is left current");
    String second = orders.run("o-1");

    assertEquals("booked ABC@5, booked ABC@5", first);
    assertEquals(first, second);
    TestObservationRegistryAssert.assertThat(registry)
        .hasNumberOfObservationsEqualTo(1 + 2 + 4 + 2 * 10 + 4)
        .hasNumberOfObservationsWithNameEqualTo("tta.run", 2 + 4)
        .hasNumberOfObservationsWithNameEqualTo("tta.step", 2 * 10 + 4);
    recorder.assertEveryObservationStoppedOnce();

    // The runs: the first is a child of the request current where it started; the second has
    // nothing current, hence no parent.
    List<Observation.Context> runs = recorder.named("Orders");
    assertEquals(2, runs.size());
    Observation.Context run1 = runs.get(0);
    Observation.Context run2 = runs.get(1);
    for (Observation.Context run : runs) {
      assertThat(run)
          .hasNameEqualTo("tta.run")
          .hasKeyValuesCount(3)
          .hasLowCardinalityKeyValue("workflow", "Orders")
          .hasLowCardinalityKeyValue("outcome", "success")
          .hasHighCardinalityKeyValue("tta.attempts", "1")
          .doesNotHaveError();
      assertEquals(List.of(), recorder.eventsOf(run));
    }
    assertSame(request.getContext(), parentOf(run1));
    assertNull(parentOf(run2));

    // The retried step: one observation around both attempts, current in each, the retry an
    // event; the second attempt runs after its delay on another thread than the caller's.
    Observation.Context load1 = recorder.step(run1, "Orders.load");
    Observation.Context load2 = recorder.step(run2, "Orders.load");
    assertThat(load1)
        .hasNameEqualTo("tta.step")
        .hasKeyValuesCount(4)
        .hasLowCardinalityKeyValue("workflow", "Orders")
        .hasLowCardinalityKeyValue("step", "load")
        .hasLowCardinalityKeyValue("outcome", "success")
        .hasHighCardinalityKeyValue("tta.attempts", "2")
        .doesNotHaveHighCardinalityKeyValueWithKey("tta.index")
        .doesNotHaveError();
    assertEquals(List.of("retry: attempt 2 in 10 ms after IOException"), recorder.eventsOf(load1));
    assertThat(load2).hasHighCardinalityKeyValue("tta.attempts", "1");
    assertEquals(List.of(load1, load1, load2), seen("load o-1"));
    assertNotSame(Thread.currentThread(), threads.get("load o-1").get(1), "retried later");

    // The parallel branches, each on its own thread (they waited for each other).
    for (String branch : List.of("price", "stock")) {
      Observation.Context call1 = recorder.step(run1, "Orders." + branch);
      Observation.Context call2 = recorder.step(run2, "Orders." + branch);
      assertThat(call1).hasLowCardinalityKeyValue("step", branch).hasKeyValuesCount(4);
      assertEquals(List.of(call1, call2), seen(branch + " o-1"), branch);
    }
    assertNotSame(threads.get("price o-1").get(0), threads.get("stock o-1").get(0));

    // The for-each elements: one observation each, with its index, current in its call on the
    // executor (the step has a @Timeout, so it runs there).
    List<String> lines = List.of("a", "b", "c");
    for (Observation.Context run : runs) {
      List<Observation.Context> packs =
          recorder.named("Orders.pack").stream().filter(c -> parentOf(c) == run).toList();
      assertEquals(3, packs.size());
      for (int i = 0; i < 3; i++) {
        int index = i;
        Observation.Context element =
            packs.stream()
                .filter(
                    c -> c.getHighCardinalityKeyValue("tta.index").getValue().equals("" + index))
                .findFirst()
                .orElseThrow();
        assertThat(element)
            .hasKeyValuesCount(5)
            .hasLowCardinalityKeyValue("step", "pack")
            .hasLowCardinalityKeyValue("outcome", "success")
            .hasHighCardinalityKeyValue("tta.attempts", "1");
        assertEquals(
            element, seen("pack " + lines.get(i)).get(run == run1 ? 0 : 1), "element " + i);
      }
    }
    for (String line : lines) {
      for (Thread thread : threads.get("pack " + line)) {
        assertNotSame(Thread.currentThread(), thread, "a timed step runs on the executor");
      }
    }

    // The fallback: its method runs in the step's observation; the outcome says fallback.
    Observation.Context label1 = recorder.step(run1, "Orders.label");
    assertThat(label1)
        .hasLowCardinalityKeyValue("outcome", "fallback")
        .hasHighCardinalityKeyValue("tta.attempts", "1")
        .doesNotHaveError();
    assertEquals(
        List.of("fallback: fallback after IllegalStateException"), recorder.eventsOf(label1));
    Observation.Context label2 = recorder.step(run2, "Orders.label");
    assertEquals(List.of(label1, label2), seen("label [A, B, C]"));
    assertEquals(List.of(label1, label2), seen("noLabel [A, B, C]"));

    // The cache: the second run's call is a hit, with no attempt.
    Observation.Context rate1 = recorder.step(run1, "Orders.rate");
    Observation.Context rate2 = recorder.step(run2, "Orders.rate");
    assertThat(rate1).hasLowCardinalityKeyValue("outcome", "success");
    assertThat(rate2)
        .hasLowCardinalityKeyValue("outcome", "cache_hit")
        .hasHighCardinalityKeyValue("tta.attempts", "0");
    assertEquals(List.of("cache_hit: cache hit"), recorder.eventsOf(rate2));
    assertEquals(List.of(rate1), seen("rate ABC"), "called once");

    // The nested runs: both children of the step that ran them, by thread and by context; their
    // steps are theirs.
    List<Observation.ContextView> books = new ArrayList<>();
    for (Observation.Context run : runs) {
      Observation.Context ship = recorder.step(run, "Orders.ship");
      List<Observation.Context> nested =
          recorder.named("Shipping").stream().filter(c -> parentOf(c) == ship).toList();
      assertEquals(2, nested.size(), "two runs of Shipping in ship");
      for (Observation.Context shippingRun : nested) {
        assertThat(shippingRun)
            .hasNameEqualTo("tta.run")
            .hasLowCardinalityKeyValue("workflow", "Shipping")
            .hasLowCardinalityKeyValue("outcome", "success");
        Observation.Context book = recorder.step(shippingRun, "Shipping.book");
        assertThat(book)
            .hasLowCardinalityKeyValue("workflow", "Shipping")
            .hasLowCardinalityKeyValue("step", "book");
        books.add(book);
      }
    }
    assertEquals(books, seen("book ABC@5"));
  }

  @Test
  void aFailedRunAndStepCallCarryTheirErrorsAndTheBreakersEvents() {
    QuotesWorkflow quotes = new QuotesWorkflow(new Quotes(this::note), runtime());

    WorkflowException firstFailure = assertThrows(WorkflowException.class, () -> quotes.run(true));
    assertThrows(WorkflowException.class, () -> quotes.run(true));
    WorkflowException refused = assertThrows(WorkflowException.class, () -> quotes.run(false));

    List<Observation.Context> runs = recorder.named("Quotes");
    assertEquals(3, runs.size());
    assertThat(runs.get(0))
        .hasLowCardinalityKeyValue("outcome", "failure")
        .hasHighCardinalityKeyValue("tta.attempts", "1")
        .hasError(firstFailure);
    List<Observation.Context> calls = new ArrayList<>();
    for (Observation.Context run : runs) {
      calls.add(recorder.step(run, "Quotes.quote"));
    }
    WorkflowException stepFailure =
        assertInstanceOf(WorkflowException.class, calls.get(0).getError());
    assertEquals("quote", stepFailure.step());
    assertInstanceOf(IllegalStateException.class, stepFailure.getCause());
    assertThat(calls.get(0)).hasLowCardinalityKeyValue("outcome", "failure");
    assertEquals(List.of(), recorder.eventsOf(calls.get(0)));
    assertEquals(
        List.of("circuit_state: circuit breaker quote: CLOSED -> OPEN"),
        recorder.eventsOf(calls.get(1)));
    assertEquals(
        List.of("rejected: rejected with CircuitOpenException"), recorder.eventsOf(calls.get(2)));
    assertInstanceOf(CircuitOpenException.class, refused.getCause());
    assertThat(runs.get(2)).hasError(refused);
    assertEquals(List.of(calls.get(0), calls.get(1)), seen("quote true"));
    assertEquals(List.of(), seen("quote false"), "refused without a call");
    recorder.assertEveryObservationStoppedOnce();
  }

  @Test
  void aClassLevelRetryIsAnEventOfTheRunAndATimeoutOneOfTheStepCall() throws Exception {
    VirtualTime time = new VirtualTime();
    WorkflowRuntime runtime =
        time.runtime().toBuilder()
            .executor(Runnable::run)
            .interceptor(MicrometerObservations.create(registry))
            .build();

    CompletableFuture<String> flaky = new FlakyWorkflow(new Flaky(), runtime).runAsync("x");
    time.advance(Duration.ofSeconds(3));
    assertEquals("x", flaky.get(1, TimeUnit.SECONDS));
    Observation.Context run = recorder.named("Flaky").get(0);
    assertEquals(
        List.of(
            "retry: attempt 2 in 1000 ms after WorkflowException",
            "retry: attempt 3 in 2000 ms after WorkflowException"),
        recorder.eventsOf(run));
    assertThat(run)
        .hasLowCardinalityKeyValue("outcome", "success")
        .hasHighCardinalityKeyValue("tta.attempts", "3");
    assertEquals(3, recorder.named("Flaky.call").size(), "a step call per attempt");

    CompletableFuture<String> slow = new SlowWorkflow(new Slow(), runtime).runAsync("?");
    time.advance(Duration.ofSeconds(2));
    assertTrue(slow.isCompletedExceptionally());
    Observation.Context answer = recorder.named("Slow.answer").get(0);
    assertEquals(List.of("timeout: timeout after 2000 ms"), recorder.eventsOf(answer));
    assertThat(answer).hasLowCardinalityKeyValue("outcome", "failure");
    assertInstanceOf(TimeoutException.class, answer.getError().getCause());
    recorder.assertEveryObservationStoppedOnce();
  }

  @Test
  void onTheNoopRegistryNothingIsObserved() {
    WorkflowInterceptor observations = MicrometerObservations.create(ObservationRegistry.NOOP);
    WorkflowContext context = WorkflowContext.create("W");
    WorkflowInterceptor.Observation run = observations.startRun(context, null);

    assertSame(run, observations.startRun(context, null), "one shared observation");
    assertSame(run, observations.startStep(run, context, "s", 3));
    assertSame(WorkflowInterceptor.Scope.NONE, run.makeCurrent());

    WorkflowRuntime runtime =
        WorkflowRuntime.builder().executor(pool).interceptor(observations).build();
    ShippingWorkflow shipping = new ShippingWorkflow(new Shipping(this::note), runtime);
    assertEquals(
        "booked ABC@5, booked ABC@5",
        new OrdersWorkflow(new Orders(this::note, shipping), runtime).run("o-1"));
    assertEquals(java.util.Collections.singletonList(null), seen("price o-1"));
  }

  @Test
  void aHandlerThatThrowsNeverChangesTheRun() {
    ObservationRegistry broken = ObservationRegistry.create();
    broken
        .observationConfig()
        .observationHandler(
            new ObservationHandler<Observation.Context>() {
              @Override
              public void onStart(Observation.Context context) {
                if (context.getName().equals("tta.run")) {
                  throw new IllegalStateException("broken handler");
                }
              }

              @Override
              public void onScopeOpened(Observation.Context context) {
                throw new IllegalStateException("broken handler");
              }

              @Override
              public void onStop(Observation.Context context) {
                throw new IllegalStateException("broken handler");
              }

              @Override
              public boolean supportsContext(Observation.Context context) {
                return true;
              }
            });
    WorkflowRuntime runtime =
        WorkflowRuntime.builder()
            .executor(pool)
            .interceptor(MicrometerObservations.create(broken))
            .build();
    ShippingWorkflow shipping = new ShippingWorkflow(new Shipping(this::note), runtime);
    OrdersWorkflow orders = new OrdersWorkflow(new Orders(this::note, shipping), runtime);
    Logger logger = Logger.getLogger("dev.tta.primitives"); // the runtime logs each failure
    Level level = logger.getLevel();
    logger.setLevel(Level.OFF);
    try {
      assertEquals("booked ABC@5, booked ABC@5", orders.run("o-1"));
      assertEquals("booked ABC@5, booked ABC@5", orders.run("o-1"));
    } finally {
      logger.setLevel(level);
    }
    assertEquals(2, seen("ship ABC@5").size());
    assertEquals(java.util.Arrays.asList(null, null), seen("ship ABC@5"), "no scope opened");
    assertNull(broken.getCurrentObservation(), "no scope left open on the caller's thread");
  }
}

package dev.tta.primitives.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tta.primitives.WorkflowException;
import dev.tta.primitives.WorkflowRuntime;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenTelemetryTracingTest {

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final SdkTracerProvider tracerProvider =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
  private final OpenTelemetrySdk openTelemetry =
      OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build();
  private final WorkflowRuntime runtime =
      WorkflowRuntime.builder().interceptor(OpenTelemetryTracing.create(openTelemetry)).build();
  private final Orders orders = new Orders();
  private final Notify notify = new Notify();
  private final OrdersWorkflow workflow = new OrdersWorkflow(orders, runtime);

  OpenTelemetryTracingTest() {
    orders.notify = new NotifyWorkflow(notify, runtime);
  }

  @AfterEach
  void close() {
    runtime.close();
    openTelemetry.close();
  }

  @Test
  void aRunIsASpanTreeWithEveryStepCallItsAttemptsEventsAndStatus() {
    assertEquals("sent ABC@5", workflow.run("o-1"));

    assertEquals(
        List.of(
            "Notify <- Orders.send {tta.workflow=Notify}",
            "Notify.post <- Notify {tta.attempts=1, tta.step=post, tta.workflow=Notify}",
            "Orders <- - {tta.workflow=Orders}",
            "Orders.items <- Orders {tta.attempts=1, tta.step=items, tta.workflow=Orders}",
            "Orders.label <- Orders {tta.attempts=1, tta.fallback=true, tta.step=label,"
                + " tta.workflow=Orders} fallback{exception.type=java.lang.IllegalStateException}",
            "Orders.load <- Orders {tta.attempts=2, tta.step=load, tta.workflow=Orders}"
                + " retry{exception.type=java.io.IOException, tta.attempt=2, tta.delay_ms=10}",
            "Orders.pack <- Orders {tta.attempts=1, tta.index=0, tta.step=pack, tta.workflow=Orders}",
            "Orders.pack <- Orders {tta.attempts=1, tta.index=1, tta.step=pack, tta.workflow=Orders}",
            "Orders.pack <- Orders {tta.attempts=1, tta.index=2, tta.step=pack, tta.workflow=Orders}",
            "Orders.price <- Orders {tta.attempts=1, tta.step=price, tta.workflow=Orders}",
            "Orders.rate <- Orders {tta.attempts=1, tta.step=rate, tta.workflow=Orders}",
            "Orders.send <- Orders {tta.attempts=1, tta.step=send, tta.workflow=Orders}",
            "Orders.stock <- Orders {tta.attempts=1, tta.step=stock, tta.workflow=Orders}"),
        tree());
  }

  @Test
  void insideEveryStepMethodSpanCurrentIsItsStepCallsSpanOnWhicheverThreadItRuns() {
    workflow.run("o-1");

    Map<String, String> expected = new TreeMap<>();
    expected.put("load#1", "Orders.load");
    expected.put("load#2", "Orders.load"); // the retry, on an executor thread after its delay
    expected.put("price", "Orders.price"); // a parallel branch, on the executor
    expected.put("stock", "Orders.stock"); // a branch under a deadline
    expected.put("items", "Orders.items");
    expected.put("pack a", "Orders.pack 0"); // for-each elements
    expected.put("pack b", "Orders.pack 1");
    expected.put("pack c", "Orders.pack 2");
    expected.put("label", "Orders.label");
    expected.put("plainLabel", "Orders.label"); // the fallback method, in the call it stands in for
    expected.put("rate", "Orders.rate");
    expected.put("send", "Orders.send");
    Map<String, String> seen = new TreeMap<>();
    Map<String, SpanData> byId = byId();
    orders.spanIn.forEach((call, id) -> seen.put(call, nameOf(byId.get(id))));
    assertEquals(expected, seen);
    assertEquals("Notify.post", nameOf(byId.get(notify.spanIn.get("post"))));
    assertEquals(
        byId.get(orders.spanIn.get("load#1")).getSpanId(),
        byId.get(orders.spanIn.get("load#2")).getSpanId(),
        "both attempts run in the one span of the step call");
  }

  @Test
  void aCacheHitIsASpanWithNoAttempts() {
    workflow.run("o-1");
    exporter.reset();

    assertEquals("sent ABC@5", workflow.run("o-1"));

    List<String> rate = new ArrayList<>();
    for (String line : tree()) {
      if (line.startsWith("Orders.rate")) {
        rate.add(line);
      }
    }
    assertEquals(
        List.of(
            "Orders.rate <- Orders {tta.attempts=0, tta.cache.hit=true, tta.step=rate,"
                + " tta.workflow=Orders}"),
        rate);
  }

  @Test
  void aFailedRunHasErrorSpansWithTheStepsOwnException() {
    WorkflowException thrown = assertThrows(WorkflowException.class, () -> workflow.run("bad"));
    assertEquals("load", thrown.step());

    List<String> described = new ArrayList<>();
    for (SpanData span : exporter.getFinishedSpanItems()) {
      StringBuilder line = new StringBuilder(span.getName()).append(' ');
      line.append(span.getStatus().getStatusCode()).append(' ');
      line.append(span.getStatus().getDescription());
      for (EventData event : span.getEvents()) {
        line.append(" | ")
            .append(event.getName())
            .append(' ')
            .append(event.getAttributes().get(AttributeKey.stringKey("exception.type")))
            .append(": ")
            .append(event.getAttributes().get(AttributeKey.stringKey("exception.message")));
      }
      described.add(line.toString());
    }
    assertEquals(
        List.of(
            "Orders.load ERROR "
                + thrown.getMessage()
                + " | exception java.lang.IllegalArgumentException: no order bad",
            "Orders ERROR "
                + thrown.getMessage()
                + " | exception java.lang.IllegalArgumentException: no order bad"),
        described);
  }

  @Test
  void aRunStartedAsynchronouslyIsAChildOfTheSpanCurrentWhereItWasStarted() throws Exception {
    Span request = openTelemetry.getTracer("test").spanBuilder("request").startSpan();
    String result;
    Scope scope = request.makeCurrent();
    try {
      result = workflow.runAsync("o-1").get(30, TimeUnit.SECONDS);
    } finally {
      scope.close();
      request.end();
    }

    assertEquals("sent ABC@5", result);
    Map<String, SpanData> byId = byId();
    SpanData run = null;
    for (SpanData span : exporter.getFinishedSpanItems()) {
      if (span.getName().equals("Orders")) {
        run = span;
      }
    }
    assertEquals("request", byId.get(run.getParentSpanId()).getName());
    assertEquals(request.getSpanContext().getTraceId(), run.getTraceId());
  }

  /** Every finished span as a line: name, parent's name, attributes, events; sorted. */
  private List<String> tree() {
    Map<String, SpanData> byId = byId();
    List<String> lines = new ArrayList<>();
    for (SpanData span : exporter.getFinishedSpanItems()) {
      SpanData parent = byId.get(span.getParentSpanId());
      StringBuilder line = new StringBuilder(span.getName());
      line.append(" <- ").append(parent == null ? "-" : parent.getName());
      line.append(' ').append(attributes(span.getAttributes().asMap()));
      for (EventData event : span.getEvents()) {
        line.append(' ').append(event.getName()).append(attributes(event.getAttributes().asMap()));
      }
      if (span.getStatus().getStatusCode() != io.opentelemetry.api.trace.StatusCode.UNSET) {
        line.append(' ').append(span.getStatus());
      }
      lines.add(line.toString());
    }
    lines.sort(null);
    return lines;
  }

  private static String attributes(Map<AttributeKey<?>, Object> attributes) {
    Map<String, Object> sorted = new TreeMap<>();
    attributes.forEach((key, value) -> sorted.put(key.getKey(), value));
    return sorted.toString();
  }

  private Map<String, SpanData> byId() {
    Map<String, SpanData> byId = new HashMap<>();
    for (SpanData span : exporter.getFinishedSpanItems()) {
      byId.put(span.getSpanId(), span);
    }
    return byId;
  }

  /** A span's name, and its element index if it has one. */
  private static String nameOf(SpanData span) {
    if (span == null) {
      return "no span";
    }
    Long index = span.getAttributes().get(OpenTelemetryTracing.INDEX);
    return index == null ? span.getName() : span.getName() + " " + index;
  }
}

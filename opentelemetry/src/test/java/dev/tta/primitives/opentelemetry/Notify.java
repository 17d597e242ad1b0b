package dev.tta.primitives.opentelemetry;

import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Workflow;
import io.opentelemetry.api.trace.Span;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A workflow run from a step of {@link Orders}: its spans are children of that step's. */
@Workflow
public class Notify {

  final Map<String, String> spanIn = new ConcurrentHashMap<>();

  @Step
  String post(String message) {
    spanIn.put("post", Span.current().getSpanContext().getSpanId());
    return "sent " + message;
  }
}

package dev.tta.primitives;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test helper: records {@code onRejected} events as "step: rejection's simple class name". */
final class RejectionLog implements WorkflowListener {
  final List<String> heard = new CopyOnWriteArrayList<>();

  @Override
  public void onRejected(WorkflowContext context, String step, Throwable rejection) {
    heard.add(step + ": " + rejection.getClass().getSimpleName());
  }
}

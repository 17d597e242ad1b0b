package dev.tta.primitives.stress;

/** A failure the scenarios inject on purpose; retry policies retry it. */
final class InjectedFault extends Exception {
  private static final long serialVersionUID = 1L;

  InjectedFault(String message) {
    super(message, null, false, false); // thrown by the million: no stack trace
  }
}

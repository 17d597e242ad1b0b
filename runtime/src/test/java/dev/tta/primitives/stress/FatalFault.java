package dev.tta.primitives.stress;

/** An injected failure that retry policies abort on. */
final class FatalFault extends Exception {
  private static final long serialVersionUID = 1L;

  FatalFault(String message) {
    super(message, null, false, false);
  }
}

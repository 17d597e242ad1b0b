package dev.tta.primitives;

/** The states of a circuit breaker. */
public enum CircuitState {
  /** Calls pass; their outcomes are counted. */
  CLOSED,
  /** Calls fail at once with a {@link CircuitOpenException} until the open time has passed. */
  OPEN,
  /** A few trial calls pass; all must succeed for the breaker to close, any failure re-opens it. */
  HALF_OPEN
}

package dev.tta.primitives;

/**
 * A monotonic time source for retry budgets, timeouts, cache expiry and event timings. Tests
 * replace it (see {@link dev.tta.primitives.testing.VirtualTime}) so time-based behaviour runs
 * without real sleeping.
 */
@FunctionalInterface
public interface WorkflowClock {

  /** The clock of the running JVM, {@link System#nanoTime()}. */
  WorkflowClock SYSTEM = System::nanoTime;

  /**
   * Reads the clock.
   *
   * @return nanoseconds from an arbitrary origin; only differences are meaningful
   */
  long nanoTime();
}

package dev.tta.primitives.examples.evaluation;

/**
 * The samples of a measurement disagreed too much to trust (the machine was busy): worth measuring
 * again.
 */
public final class NoisyMeasurementException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The numbers, kept for the fallback; not serialized. */
  private final transient Measurement measurement;

  /**
   * The exception.
   *
   * @param measurement the noisy numbers
   */
  public NoisyMeasurementException(Measurement measurement) {
    super(
        String.format(
            "%s: samples spread %.0f%% of their median",
            measurement.codec(), 100 * measurement.spread()));
    this.measurement = measurement;
  }

  /**
   * The noisy numbers.
   *
   * @return the measurement
   */
  public Measurement measurement() {
    return measurement;
  }
}

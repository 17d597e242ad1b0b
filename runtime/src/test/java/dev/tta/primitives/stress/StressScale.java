package dev.tta.primitives.stress;

/**
 * The scale of the stress suite, chosen by the system property {@code tta.stress}: unset or {@code
 * short} (the default, part of {@code mvn verify}: seconds per scenario) or {@code full} (the
 * {@code stress} Maven profile: minutes in all).
 */
final class StressScale {

  private StressScale() {}

  /** The property that chooses the scale. */
  static final String PROPERTY = "tta.stress";

  /**
   * Whether the suite runs at full scale.
   *
   * @throws IllegalArgumentException for a value other than short or full
   */
  static boolean full() {
    String value = System.getProperty(PROPERTY, "short").trim();
    switch (value) {
      case "":
      case "short":
        return false;
      case "full":
        return true;
      default:
        throw new IllegalArgumentException(
            "-D" + PROPERTY + "=" + value + ": expected 'short' (the default) or 'full'");
    }
  }

  /** {@code shortValue} at short scale, {@code fullValue} at full scale. */
  static int pick(int shortValue, int fullValue) {
    return full() ? fullValue : shortValue;
  }

  /** The scale's name, for the printed figures. */
  static String name() {
    return full() ? "full" : "short";
  }
}

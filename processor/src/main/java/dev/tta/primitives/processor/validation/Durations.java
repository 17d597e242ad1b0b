package dev.tta.primitives.processor.validation;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the duration strings of the annotations at compile time: a whole number with a unit
 * ({@code "250ms"}, {@code "30s"}, {@code "5m"}, {@code "1h"}, {@code "2d"}) or ISO-8601 ({@code
 * "PT1M30S"}).
 */
public final class Durations {

  private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private Durations() {}

  /**
   * Parses {@code text}.
   *
   * @return the duration, or empty if the text is not a duration
   */
  public static Optional<Duration> parse(String text) {
    String trimmed = text.trim();
    Matcher m = SHORT.matcher(trimmed);
    try {
      if (m.matches()) {
        long amount = Long.parseLong(m.group(1));
        return Optional.of(
            switch (m.group(2)) {
              case "ms" -> Duration.ofMillis(amount);
              case "s" -> Duration.ofSeconds(amount);
              case "m" -> Duration.ofMinutes(amount);
              case "h" -> Duration.ofHours(amount);
              default -> Duration.ofDays(amount);
            });
      }
      return Optional.of(Duration.parse(trimmed));
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      return Optional.empty();
    }
  }
}

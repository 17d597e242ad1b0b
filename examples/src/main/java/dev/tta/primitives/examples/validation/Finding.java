package dev.tta.primitives.examples.validation;

import java.util.Comparator;

/**
 * One problem a check found.
 *
 * @param file the file, relative to the validated root, with {@code /} separators; empty for a
 *     problem with the whole tree
 * @param line the line, from 1; 0 when the problem has no line
 * @param severity whether it fails the validation
 * @param rule a stable id such as {@code lint:long-line}
 * @param message what is wrong, for people
 */
public record Finding(String file, int line, Severity severity, String rule, String message) {

  /** Whether a finding fails the validation. */
  public enum Severity {
    /** Fails the validation. */
    ERROR,
    /** Reported, but the validation still passes. */
    WARNING
  }

  /** File, then line, then rule: the order of the report. */
  public static final Comparator<Finding> ORDER =
      Comparator.comparing(Finding::file)
          .thenComparingInt(Finding::line)
          .thenComparing(Finding::rule)
          .thenComparing(Finding::message);

  /**
   * The finding as one report line, such as {@code a/B.java:12: warning [lint:tab] ...}.
   *
   * @return the line
   */
  public String format() {
    String where = file.isEmpty() ? "" : line > 0 ? file + ":" + line + ": " : file + ": ";
    String level = severity == Severity.ERROR ? "error" : "warning";
    return where + level + " [" + rule + "] " + message;
  }
}

package dev.tta.primitives.examples.validation;

import java.util.List;

/**
 * What one check found.
 *
 * @param check the check's name: {@code compile}, {@code lint} or {@code javadoc}
 * @param files how many files it looked at (0 when it could not run)
 * @param lines how many lines those files have
 * @param findings its findings, in report order
 */
public record CheckResult(String check, int files, int lines, List<Finding> findings) {

  /**
   * A result.
   *
   * @param check the check's name
   * @param files how many files it looked at
   * @param lines how many lines those files have
   * @param findings its findings, copied and sorted
   */
  public CheckResult {
    findings = findings.stream().sorted(Finding.ORDER).toList();
  }

  /**
   * The number of findings with a severity.
   *
   * @param severity the severity
   * @return the count
   */
  public long count(Finding.Severity severity) {
    return findings.stream().filter(f -> f.severity() == severity).count();
  }
}

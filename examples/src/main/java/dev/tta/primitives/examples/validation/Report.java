package dev.tta.primitives.examples.validation;

import java.util.List;

/**
 * The aggregated outcome of a validation.
 *
 * @param files the number of files validated
 * @param lines the number of lines in them
 * @param checks the result of each check, in the order the checks are declared
 * @param findings every finding of every check, in report order
 */
public record Report(int files, int lines, List<CheckResult> checks, List<Finding> findings) {

  /**
   * A report.
   *
   * @param files the number of files validated
   * @param lines the number of lines in them
   * @param checks the result of each check, copied
   * @param findings every finding, copied
   */
  public Report {
    checks = List.copyOf(checks);
    findings = List.copyOf(findings);
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

  /**
   * Whether the tree passed: no finding is an error.
   *
   * @return true when there are no errors
   */
  public boolean passed() {
    return count(Finding.Severity.ERROR) == 0;
  }
}

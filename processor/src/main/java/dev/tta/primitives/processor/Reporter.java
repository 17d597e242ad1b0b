package dev.tta.primitives.processor;

import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * Reports problems on the exact element (and annotation value, where there is one) and remembers
 * whether any was an error, so one class can be skipped while others still generate. The reports
 * wait in a {@link ReportQueue}, which prints them in source order at the end of the round.
 */
public final class Reporter {

  private final ReportQueue queue;
  private boolean errors;

  /** A reporter adding to {@code queue}. */
  Reporter(ReportQueue queue) {
    this.queue = queue;
  }

  /** Reports {@code problem} on {@code element}. */
  public void report(Problem problem, Element element, Object... args) {
    report(problem, element, null, null, args);
  }

  /** Reports {@code problem} on an annotation value of {@code element}. */
  public void report(
      Problem problem,
      Element element,
      AnnotationMirror annotation,
      AnnotationValue value,
      Object... args) {
    Diagnostic.Kind kind = problem.kind();
    if (kind == Diagnostic.Kind.ERROR) {
      errors = true;
    }
    queue.add(kind, problem.format(args), element, annotation, value);
  }

  /**
   * Adds a {@code problem} (a note) on {@code element} to the diagnostic reported last: a second
   * place that it is about, printed right after it.
   */
  public void note(Problem problem, Element element, Object... args) {
    queue.addNote(problem.format(args), element);
  }

  /** Whether an error was reported since this reporter was made. */
  public boolean hasErrors() {
    return errors;
  }
}

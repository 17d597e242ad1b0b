package dev.tta.primitives.processor;

import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * Reports problems on the exact element (and annotation value, where there is one) and remembers
 * whether any was an error, so one class can be skipped while others still generate.
 */
public final class Reporter {

  private final Messager messager;
  private boolean errors;

  /** A reporter writing to {@code messager}. */
  public Reporter(Messager messager) {
    this.messager = messager;
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
    messager.printMessage(kind, problem.format(args), element, annotation, value);
  }

  /** Whether an error was reported since this reporter was made. */
  public boolean hasErrors() {
    return errors;
  }
}

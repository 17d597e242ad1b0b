package dev.tta.primitives.processor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

/**
 * The diagnostics of one round, held back and then printed in source order: by top-level class (its
 * qualified name), then by where the element sits in it. The validators find problems in the order
 * of their checks (every step's signature before any step's policies, say), so printed as found
 * they jumped back and forth through a class. The Element API has no source positions, but the
 * order of enclosed elements is the source order, under javac and ECJ alike; a member's annotations
 * come before its name, and its parameters after. A note stays right after the diagnostic it
 * explains.
 */
final class ReportQueue {

  private record Pending(
      Diagnostic.Kind kind,
      String message,
      Element element,
      AnnotationMirror annotation,
      AnnotationValue value,
      String top,
      List<Integer> path,
      int sequence,
      List<Pending> notes) {}

  private static final Comparator<Pending> SOURCE_ORDER =
      Comparator.comparing(Pending::top)
          .thenComparing(Pending::path, ReportQueue::comparePaths)
          .thenComparingInt(Pending::sequence);

  private final List<Pending> pending = new ArrayList<>();

  /** Holds a diagnostic until {@link #flush}. */
  void add(
      Diagnostic.Kind kind,
      String message,
      Element element,
      AnnotationMirror annotation,
      AnnotationValue value) {
    pending.add(create(kind, message, element, annotation, value));
  }

  /** Holds a note that is printed right after the diagnostic added last. */
  void addNote(String message, Element element) {
    Pending note = create(Diagnostic.Kind.NOTE, message, element, null, null);
    if (pending.isEmpty()) {
      pending.add(note);
    } else {
      pending.get(pending.size() - 1).notes().add(note);
    }
  }

  /** Prints what is held, in source order, and forgets it. */
  void flush(Messager messager) {
    List<Pending> sorted = new ArrayList<>(pending);
    pending.clear();
    sorted.sort(SOURCE_ORDER);
    for (Pending p : sorted) {
      print(messager, p);
      for (Pending note : p.notes()) {
        print(messager, note);
      }
    }
  }

  private static void print(Messager messager, Pending p) {
    messager.printMessage(p.kind(), p.message(), p.element(), p.annotation(), p.value());
  }

  private Pending create(
      Diagnostic.Kind kind,
      String message,
      Element element,
      AnnotationMirror annotation,
      AnnotationValue value) {
    List<Integer> path = new ArrayList<>();
    // Within the element: its annotations (0, which, which value), then its name (1).
    if (annotation == null) {
      path.add(1);
    } else {
      path.add(0);
      path.add(indexOfAnnotation(element, annotation));
      path.add(indexOfValue(annotation, value));
    }
    Element e = element;
    String top = "";
    while (e != null) {
      Element parent = e.getEnclosingElement();
      if (parent == null
          || parent.getKind() == ElementKind.PACKAGE
          || parent.getKind() == ElementKind.MODULE) {
        top = e instanceof TypeElement type ? type.getQualifiedName().toString() : e.toString();
        break;
      }
      // Members (2) come after the parent's name.
      path.add(0, indexIn(parent, e));
      path.add(0, 2);
      e = parent;
    }
    return new Pending(
        kind, message, element, annotation, value, top, path, pending.size(), new ArrayList<>());
  }

  private static int indexIn(Element parent, Element child) {
    List<? extends Element> siblings = parent.getEnclosedElements();
    if (parent instanceof ExecutableElement method) {
      siblings =
          method.getParameters().contains(child)
              ? method.getParameters()
              : method.getTypeParameters();
    }
    return Math.max(0, siblings.indexOf(child));
  }

  private static int indexOfAnnotation(Element element, AnnotationMirror annotation) {
    List<? extends AnnotationMirror> mirrors = element.getAnnotationMirrors();
    for (int i = 0; i < mirrors.size(); i++) {
      if (mirrors.get(i) == annotation || mirrors.get(i).equals(annotation)) {
        return i;
      }
    }
    return 0;
  }

  /** An explicit value's place among the annotation's values; -1 (the annotation) otherwise. */
  private static int indexOfValue(AnnotationMirror annotation, AnnotationValue value) {
    if (value == null) {
      return -1;
    }
    List<AnnotationValue> values = new ArrayList<>(annotation.getElementValues().values());
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) == value) {
        return i;
      }
    }
    return Math.max(-1, values.indexOf(value));
  }

  private static int comparePaths(List<Integer> a, List<Integer> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = Integer.compare(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }
}

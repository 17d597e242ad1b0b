package dev.tta.primitives.processor;

import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/** Reads annotations through mirrors only: the processor never loads a user's classes. */
public final class Mirrors {

  /** Qualified names of our annotations. */
  public static final String PACKAGE = "dev.tta.primitives.annotations";

  public static final String WORKFLOW = PACKAGE + ".Workflow";
  public static final String STEP = PACKAGE + ".Step";
  public static final String PARALLEL = PACKAGE + ".Parallel";
  public static final String RETRY = PACKAGE + ".Retry";
  public static final String TIMEOUT = PACKAGE + ".Timeout";
  public static final String CACHED = PACKAGE + ".Cached";
  public static final String FALLBACK = PACKAGE + ".Fallback";

  private Mirrors() {}

  /** The mirror of the annotation named {@code qualifiedName} on {@code element}, if present. */
  public static Optional<AnnotationMirror> find(Element element, String qualifiedName) {
    for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
      TypeElement type = (TypeElement) mirror.getAnnotationType().asElement();
      if (type.getQualifiedName().contentEquals(qualifiedName)) {
        return Optional.of(mirror);
      }
    }
    return Optional.empty();
  }

  /** The value of attribute {@code name}, defaults included. */
  public static AnnotationValue value(AnnotationMirror mirror, String name) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry :
        mirror.getElementValues().entrySet()) {
      if (entry.getKey().getSimpleName().contentEquals(name)) {
        return entry.getValue();
      }
    }
    for (Element member : mirror.getAnnotationType().asElement().getEnclosedElements()) {
      if (member instanceof ExecutableElement
          && member.getSimpleName().contentEquals(name)
          && ((ExecutableElement) member).getDefaultValue() != null) {
        return ((ExecutableElement) member).getDefaultValue();
      }
    }
    throw new IllegalArgumentException("no attribute " + name + " on " + mirror);
  }

  /** The value of attribute {@code name} only if the source sets it explicitly. */
  public static Optional<AnnotationValue> explicitValue(AnnotationMirror mirror, String name) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry :
        mirror.getElementValues().entrySet()) {
      if (entry.getKey().getSimpleName().contentEquals(name)) {
        return Optional.of(entry.getValue());
      }
    }
    return Optional.empty();
  }

  /** A string attribute. */
  public static String string(AnnotationMirror mirror, String name) {
    return (String) value(mirror, name).getValue();
  }

  /** An int attribute. */
  public static int integer(AnnotationMirror mirror, String name) {
    return (Integer) value(mirror, name).getValue();
  }

  /** A boolean attribute. */
  public static boolean bool(AnnotationMirror mirror, String name) {
    return (Boolean) value(mirror, name).getValue();
  }
}

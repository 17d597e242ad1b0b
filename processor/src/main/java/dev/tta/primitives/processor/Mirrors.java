package dev.tta.primitives.processor;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/** Reads annotations through mirrors only: the processor never loads a user's classes. */
public final class Mirrors {

  /** Qualified names of our annotations (the policies' are their kinds'). */
  public static final String PACKAGE = "dev.tta.primitives.annotations";

  public static final String WORKFLOW = PACKAGE + ".Workflow";
  public static final String STEP = PACKAGE + ".Step";
  public static final String PARALLEL = PACKAGE + ".Parallel";
  public static final String DURABLE = PACKAGE + ".Durable";

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

  /**
   * Whether javac could not evaluate an attribute the source sets, e.g. {@code maxConcurrency =
   * LIMIT} with {@code LIMIT} undefined. javac reports that on the attribute itself and hands
   * processors a placeholder that does not have the attribute's type (reading it as an {@code int}
   * threw a {@code ClassCastException}). A string attribute's placeholder is a string, so it passes
   * here; it is harmless, as javac fails the compilation anyway.
   */
  public static boolean hasErroneousValue(AnnotationMirror mirror) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry :
        mirror.getElementValues().entrySet()) {
      if (!fits(entry.getKey().getReturnType(), entry.getValue().getValue())) {
        return true;
      }
    }
    return false;
  }

  private static boolean fits(TypeMirror type, Object value) {
    return switch (type.getKind()) {
      case BOOLEAN -> value instanceof Boolean;
      case BYTE -> value instanceof Byte;
      case SHORT -> value instanceof Short;
      case CHAR -> value instanceof Character;
      case INT -> value instanceof Integer;
      case LONG -> value instanceof Long;
      case FLOAT -> value instanceof Float;
      case DOUBLE -> value instanceof Double;
      case ARRAY ->
          value instanceof List<?> list && allFit(((ArrayType) type).getComponentType(), list);
      case DECLARED -> fitsDeclared((TypeElement) ((DeclaredType) type).asElement(), value);
      default -> true;
    };
  }

  private static boolean allFit(TypeMirror component, List<?> values) {
    for (Object value : values) {
      if (!(value instanceof AnnotationValue v) || !fits(component, v.getValue())) {
        return false;
      }
    }
    return true;
  }

  private static boolean fitsDeclared(TypeElement type, Object value) {
    if (type.getKind() == ElementKind.ENUM) {
      return value instanceof VariableElement;
    }
    if (type.getKind() == ElementKind.ANNOTATION_TYPE) {
      return value instanceof AnnotationMirror;
    }
    if (type.getQualifiedName().contentEquals("java.lang.String")) {
      return value instanceof String;
    }
    // A Class attribute: a type, unless the class literal names an undefined class.
    return value instanceof TypeMirror t && t.getKind() != TypeKind.ERROR;
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

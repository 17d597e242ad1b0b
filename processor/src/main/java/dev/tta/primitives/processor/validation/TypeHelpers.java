package dev.tta.primitives.processor.validation;

import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.PrimitiveType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/** Questions about types that both validators ask, answered through the compiler's model. */
public final class TypeHelpers {

  private static final String CONTEXT = "dev.tta.primitives.WorkflowContext";
  private static final String STAGE = "java.util.concurrent.CompletionStage";

  private final Types types;
  private final Elements elements;

  TypeHelpers(Types types, Elements elements) {
    this.types = types;
    this.elements = elements;
  }

  /** Whether {@code type} is the declared type named {@code qualifiedName}. */
  public boolean isNamed(TypeMirror type, String qualifiedName) {
    return type.getKind() == TypeKind.DECLARED
        && ((TypeElement) ((DeclaredType) type).asElement())
            .getQualifiedName()
            .contentEquals(qualifiedName);
  }

  /** Whether a parameter of this type receives the run's context rather than data. */
  public boolean isContext(TypeMirror type) {
    return isNamed(type, CONTEXT);
  }

  public boolean isCompletionStage(TypeMirror type) {
    TypeElement stage = elements.getTypeElement(STAGE);
    return type.getKind() == TypeKind.DECLARED
        && types.isAssignable(types.erasure(type), types.erasure(stage.asType()));
  }

  /** What a {@code CompletionStage} subtype yields ({@code Object} when raw). */
  public TypeMirror stageValue(TypeMirror stage) {
    TypeMirror arg = supertypeArgument(stage, STAGE);
    return arg != null ? arg : object();
  }

  TypeMirror object() {
    return elements.getTypeElement("java.lang.Object").asType();
  }

  public TypeMirror boxed(TypeMirror type) {
    return type.getKind().isPrimitive() ? types.boxedClass((PrimitiveType) type).asType() : type;
  }

  /** A wildcard's upper bound ({@code Object} when unbounded); other types unchanged. */
  TypeMirror upperBound(TypeMirror type) {
    if (type.getKind() == TypeKind.WILDCARD) {
      TypeMirror bound = ((WildcardType) type).getExtendsBound();
      return bound != null ? bound : object();
    }
    return type;
  }

  /** The type argument of {@code type}'s supertype named {@code qualifiedName}; null if raw. */
  TypeMirror supertypeArgument(TypeMirror type, String qualifiedName) {
    List<TypeMirror> queue = new ArrayList<>();
    queue.add(type);
    while (!queue.isEmpty()) {
      TypeMirror current = queue.remove(0);
      if (isNamed(current, qualifiedName)) {
        List<? extends TypeMirror> args = ((DeclaredType) current).getTypeArguments();
        return args.isEmpty() ? null : upperBound(args.get(0));
      }
      queue.addAll(types.directSupertypes(current));
    }
    return null;
  }
}

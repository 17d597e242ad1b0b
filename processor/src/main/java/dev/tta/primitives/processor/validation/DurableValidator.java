package dev.tta.primitives.processor.validation;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.tta.primitives.processor.Mirrors;
import dev.tta.primitives.processor.Problem;
import dev.tta.primitives.processor.Reporter;
import dev.tta.primitives.processor.model.DurableModel;
import dev.tta.primitives.processor.model.StageModel;
import dev.tta.primitives.processor.model.StepModel;
import dev.tta.primitives.processor.model.WorkflowModel;
import dev.tta.primitives.processor.policy.FallbackKind;
import dev.tta.primitives.processor.policy.PolicyKind;
import dev.tta.primitives.processor.policy.PolicyKinds;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Checks what {@code @Durable} needs beyond a valid workflow: the Temporal module on the class
 * path, step data that Temporal's data converter can carry, class policies that apply durably,
 * fallbacks that can take Temporal's failure; and warns of {@code @Cached}, which is not applied
 * durably.
 */
public final class DurableValidator {

  /** A class of the temporal module the generated class calls. */
  public static final String SUPPORT = "dev.tta.primitives.temporal.DurableWorkflow";

  private static final String TEMPORAL_WORKFLOW = "io.temporal.workflow.Workflow";
  private static final String APPLICATION_FAILURE = "io.temporal.failure.ApplicationFailure";

  /** Types no data converter can carry, each with what to call it in the message. */
  private static final List<String[]> UNCARRIED =
      List.of(
          new String[] {"java.nio.file.Path", "a file system path"},
          new String[] {"java.io.File", "a file handle"},
          new String[] {"java.io.InputStream", "a stream"},
          new String[] {"java.io.OutputStream", "a stream"},
          new String[] {"java.io.Reader", "a stream"},
          new String[] {"java.io.Writer", "a stream"},
          new String[] {"java.util.stream.BaseStream", "a stream"},
          new String[] {"java.nio.channels.Channel", "an open channel"},
          new String[] {"java.net.Socket", "an open socket"},
          new String[] {"java.lang.Thread", "a thread"},
          new String[] {"java.util.concurrent.Future", "a future"},
          new String[] {"java.util.concurrent.CompletionStage", "a future"},
          new String[] {"java.util.concurrent.Executor", "an executor"},
          new String[] {"dev.tta.primitives.WorkflowContext", "a run's context"},
          new String[] {"dev.tta.primitives.WorkflowPrimitive", "a primitive"});

  private final Types types;
  private final Elements elements;
  private final Reporter reporter;
  private final TypeHelpers helpers;

  /**
   * A validator reporting to {@code reporter}.
   *
   * @param types the compiler's type utilities
   * @param elements the compiler's element utilities
   * @param reporter where problems go
   */
  public DurableValidator(Types types, Elements elements, Reporter reporter) {
    this.types = types;
    this.elements = elements;
    this.reporter = reporter;
    this.helpers = new TypeHelpers(types, elements);
  }

  /**
   * Checks {@code type}, a valid workflow whose model is {@code model}; empty when it is not
   * {@code @Durable} or has a problem that stops its Temporal class.
   *
   * @param type the workflow class
   * @param model its checked model
   * @return what the Temporal class needs, if it can be written
   */
  public Optional<DurableModel> validate(TypeElement type, WorkflowModel model) {
    Optional<AnnotationMirror> durable = Mirrors.find(type, Mirrors.DURABLE);
    if (durable.isEmpty()) {
      return Optional.empty();
    }
    boolean before = reporter.hasErrors();
    ClassName generated = generatedName(model.userClass());
    String missing =
        elements.getTypeElement(SUPPORT) == null
            ? "tta-primitives-temporal (" + SUPPORT + ")"
            : elements.getTypeElement(TEMPORAL_WORKFLOW) == null
                ? "the Temporal SDK (" + TEMPORAL_WORKFLOW + ")"
                : null;
    if (missing != null) {
      reporter.report(
          Problem.DURABLE_MODULE_MISSING,
          type,
          durable.get(),
          null,
          type.getSimpleName(),
          missing,
          generated.simpleName());
    }
    for (PolicyKind<?> kind : PolicyKinds.ORDER) {
      if (!model.policies().has(kind) || kind == PolicyKinds.TIMEOUT) {
        continue;
      }
      AnnotationMirror on = Mirrors.find(type, kind.annotation()).orElse(null);
      if (kind == PolicyKinds.CACHE) {
        reporter.report(
            Problem.DURABLE_CACHED,
            type,
            on,
            null,
            "class " + type.getSimpleName(),
            model.workflowName());
      } else {
        reporter.report(
            Problem.DURABLE_CLASS_POLICY, type, on, null, kind.simpleName(), model.workflowName());
      }
    }
    checkForEachOrder(type, model);
    for (StepModel step : model.steps()) {
      ExecutableElement method = stepMethod(type, step);
      if (method == null) {
        continue;
      }
      checkData(model, step, method);
      if (step.policies().has(PolicyKinds.CACHE)) {
        reporter.report(
            Problem.DURABLE_CACHED,
            method,
            Mirrors.find(method, PolicyKinds.CACHE.annotation()).orElse(null),
            null,
            "step " + step.stepName(),
            model.workflowName());
      }
      for (FallbackKind.Model fallback = step.policies().get(PolicyKinds.FALLBACK);
          fallback != null;
          fallback = fallback.next()) {
        checkFallbackCause(type, fallback);
      }
    }
    if (reporter.hasErrors() && !before) {
      return Optional.empty();
    }
    String queue = Mirrors.string(durable.get(), "taskQueue");
    return Optional.of(new DurableModel(generated, queue.isBlank() ? model.workflowName() : queue));
  }

  /** The Temporal class's name: {@code FooTemporal}, {@code Outer_InnerTemporal} when nested. */
  public static ClassName generatedName(ClassName userClass) {
    return ClassName.get(
        userClass.packageName(), String.join("_", userClass.simpleNames()) + "Temporal");
  }

  private void checkData(WorkflowModel model, StepModel step, ExecutableElement method) {
    List<? extends VariableElement> params = method.getParameters();
    for (int i = 0; i < params.size() && i < step.args().size(); i++) {
      if (step.args().get(i) instanceof StepModel.Arg.Context) {
        continue;
      }
      VariableElement param = params.get(i);
      String why = uncarried(param.asType(), new HashSet<>());
      if (why != null) {
        reporter.report(
            Problem.DURABLE_DATA_TYPE,
            param,
            "parameter " + param.getSimpleName(),
            step.stepName(),
            model.workflowName(),
            param.asType(),
            why);
      }
    }
    TypeMirror value = method.getReturnType();
    if (step.kind() == StepModel.CallKind.ASYNC) {
      value = helpers.stageValue(value);
    }
    String why = uncarried(value, new HashSet<>());
    if (why != null) {
      reporter.report(
          Problem.DURABLE_DATA_TYPE,
          method,
          "the value",
          step.stepName(),
          model.workflowName(),
          value,
          why);
    }
  }

  /**
   * Why {@code type} cannot be carried (its own kind, or that of a type argument, array element or
   * record component), or {@code null} when nothing known stands in its way.
   */
  private String uncarried(TypeMirror type, Set<String> seen) {
    if (type.getKind() == TypeKind.ARRAY) {
      return uncarried(((ArrayType) type).getComponentType(), seen);
    }
    if (type.getKind() == TypeKind.WILDCARD) {
      TypeMirror bound = ((WildcardType) type).getExtendsBound();
      return bound == null ? null : uncarried(bound, seen);
    }
    if (type.getKind() != TypeKind.DECLARED) {
      return null;
    }
    DeclaredType declared = (DeclaredType) type;
    TypeElement element = (TypeElement) declared.asElement();
    if (!seen.add(element.getQualifiedName().toString() + declared)) {
      return null;
    }
    TypeMirror erased = types.erasure(type);
    for (String[] known : UNCARRIED) {
      TypeElement bad = elements.getTypeElement(known[0]);
      if (bad != null && types.isAssignable(erased, types.erasure(bad.asType()))) {
        return known[1];
      }
    }
    if (isFunctional(element)) {
      return "a function";
    }
    if (isOwnAbstract(element)) {
      return element.getKind() == ElementKind.INTERFACE
          ? "an interface, of which JSON cannot make an instance"
          : "an abstract class, of which JSON cannot make an instance";
    }
    TypeElement map = elements.getTypeElement("java.util.Map");
    if (types.isAssignable(erased, types.erasure(map.asType()))) {
      TypeMirror key = helpers.supertypeArgument(type, "java.util.Map");
      if (key != null
          && key.getKind() == TypeKind.DECLARED
          && isOwnKeyType((TypeElement) ((DeclaredType) key).asElement())) {
        return "a map whose keys are " + key + ", which JSON object keys cannot carry";
      }
    }
    for (TypeMirror argument : declared.getTypeArguments()) {
      String why = uncarried(argument, seen);
      if (why != null) {
        return "holding " + why;
      }
    }
    if (element.getKind() == ElementKind.RECORD) {
      for (RecordComponentElement component : element.getRecordComponents()) {
        String why = uncarried(component.asType(), seen);
        if (why != null) {
          return "whose component " + component.getSimpleName() + " is " + why;
        }
      }
    }
    return null;
  }

  /** Sets whose JSON form Jackson rebuilds in an order that does not depend on hash codes. */
  private static final List<String> ORDERED_SETS =
      List.of("java.util.SortedSet", "java.util.LinkedHashSet", "java.util.EnumSet");

  /** Elements whose hash codes are the same in every JVM, so a HashSet of them keeps its order. */
  private static final List<String> STABLE_HASHES =
      List.of(
          "java.lang.String",
          "java.lang.Integer",
          "java.lang.Long",
          "java.lang.Short",
          "java.lang.Byte",
          "java.lang.Character",
          "java.lang.Boolean");

  /** A for-each over a {@code Set} whose order may change on replay. */
  private void checkForEachOrder(TypeElement type, WorkflowModel model) {
    List<StageModel> stages = model.stages();
    for (int i = 1; i < stages.size(); i++) {
      if (!(stages.get(i) instanceof StageModel.ForEach each)
          || !(stages.get(i - 1) instanceof StageModel.Single previous)) {
        continue;
      }
      ExecutableElement source = stepMethod(type, previous.step());
      ExecutableElement method = stepMethod(type, each.step());
      if (source == null || method == null) {
        continue;
      }
      TypeMirror yielded = source.getReturnType();
      if (previous.step().kind() == StepModel.CallKind.ASYNC) {
        yielded = helpers.stageValue(yielded);
      }
      TypeElement set = elements.getTypeElement("java.util.Set");
      if (yielded.getKind() != TypeKind.DECLARED
          || !types.isAssignable(types.erasure(yielded), types.erasure(set.asType()))) {
        continue;
      }
      boolean ordered = false;
      for (String name : ORDERED_SETS) {
        TypeElement kind = elements.getTypeElement(name);
        ordered |=
            kind != null
                && types.isAssignable(types.erasure(yielded), types.erasure(kind.asType()));
      }
      TypeMirror element = helpers.supertypeArgument(yielded, "java.lang.Iterable");
      String elementName =
          element != null && element.getKind() == TypeKind.DECLARED
              ? ((TypeElement) ((DeclaredType) element).asElement()).getQualifiedName().toString()
              : "";
      if (ordered || STABLE_HASHES.contains(elementName)) {
        continue;
      }
      reporter.report(
          Problem.DURABLE_FOR_EACH_ORDER,
          method,
          each.step().stepName(),
          model.workflowName(),
          yielded,
          previous.step().stepName(),
          element == null ? "java.lang.Object" : element);
    }
  }

  /**
   * An interface or abstract class of the user's (the JDK's collections are fine) with no Jackson
   * annotation, which could say how to make an instance ({@code @JsonTypeInfo}, say).
   */
  private static boolean isOwnAbstract(TypeElement element) {
    boolean isAbstract =
        element.getKind() == ElementKind.INTERFACE
            || (element.getKind() == ElementKind.CLASS
                && element.getModifiers().contains(javax.lang.model.element.Modifier.ABSTRACT));
    return isAbstract && !inJdk(element) && !hasJacksonAnnotation(element);
  }

  /** A map key Jackson cannot read from a JSON object key: a record or a class of the user's. */
  private static boolean isOwnKeyType(TypeElement element) {
    return (element.getKind() == ElementKind.RECORD || element.getKind() == ElementKind.CLASS)
        && !inJdk(element)
        && !hasJacksonAnnotation(element);
  }

  private static boolean inJdk(TypeElement element) {
    String name = element.getQualifiedName().toString();
    return name.startsWith("java.") || name.startsWith("javax.");
  }

  private static boolean hasJacksonAnnotation(TypeElement element) {
    for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
      TypeElement annotation = (TypeElement) mirror.getAnnotationType().asElement();
      if (annotation.getQualifiedName().toString().startsWith("com.fasterxml.jackson.")) {
        return true;
      }
    }
    return false;
  }

  private static boolean isFunctional(TypeElement element) {
    if (element.getKind() != ElementKind.INTERFACE) {
      return false;
    }
    if (Mirrors.find(element, "java.lang.FunctionalInterface").isPresent()) {
      return true;
    }
    Element pkg = element.getEnclosingElement();
    while (pkg != null && pkg.getKind() != ElementKind.PACKAGE) {
      pkg = pkg.getEnclosingElement();
    }
    return pkg != null && pkg.toString().equals("java.util.function");
  }

  private void checkFallbackCause(TypeElement type, FallbackKind.Model fallback) {
    if (fallback.causeType() == null) {
      return;
    }
    ExecutableElement method = fallbackMethod(type, fallback);
    TypeElement failure = elements.getTypeElement(APPLICATION_FAILURE);
    if (method == null || failure == null) {
      return;
    }
    for (int i = 0; i < fallback.args().size(); i++) {
      if (fallback.args().get(i) instanceof StepModel.Arg.Cause) {
        VariableElement param = method.getParameters().get(i);
        if (!types.isAssignable(failure.asType(), param.asType())) {
          reporter.report(
              Problem.DURABLE_FALLBACK_CAUSE,
              param,
              param.getSimpleName(),
              method.getSimpleName() + "()",
              param.asType());
        }
      }
    }
  }

  /** The step's method: named so and annotated as a step, the class's own or inherited. */
  private ExecutableElement stepMethod(TypeElement type, StepModel step) {
    for (ExecutableElement m : ElementFilter.methodsIn(elements.getAllMembers(type))) {
      if (m.getSimpleName().contentEquals(step.methodName())
          && (Mirrors.find(m, Mirrors.STEP).isPresent()
              || Mirrors.find(m, Mirrors.PARALLEL).isPresent())) {
        return m;
      }
    }
    return null;
  }

  /**
   * The fallback's method: named so, with its parameter count and its cause parameter's type (an
   * overload of the same name, a helper say, is not it).
   */
  private ExecutableElement fallbackMethod(TypeElement type, FallbackKind.Model fallback) {
    for (ExecutableElement m : ElementFilter.methodsIn(elements.getAllMembers(type))) {
      if (!m.getSimpleName().contentEquals(fallback.method())
          || m.getParameters().size() != fallback.args().size()) {
        continue;
      }
      boolean fits = true;
      for (int i = 0; i < fallback.args().size(); i++) {
        if (fallback.args().get(i) instanceof StepModel.Arg.Cause
            && !TypeName.get(m.getParameters().get(i).asType()).equals(fallback.causeType())) {
          fits = false;
        }
      }
      if (fits) {
        return m;
      }
    }
    return null;
  }
}

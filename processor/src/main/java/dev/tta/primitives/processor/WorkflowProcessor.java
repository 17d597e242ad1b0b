package dev.tta.primitives.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.JavaFile;
import dev.tta.primitives.processor.model.DurableModel;
import dev.tta.primitives.processor.model.WorkflowModel;
import dev.tta.primitives.processor.policy.PolicyKinds;
import dev.tta.primitives.processor.policy.SharedNames;
import dev.tta.primitives.processor.validation.DurableValidator;
import dev.tta.primitives.processor.validation.WorkflowValidator;
import dev.tta.primitives.processor.writing.TemporalWriter;
import dev.tta.primitives.processor.writing.WorkflowWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.ElementFilter;
import javax.tools.JavaFileObject;

/**
 * Generates a {@code <Name>Workflow} class for every {@code @Workflow} class. Thin by design: it
 * finds the classes, defers those whose types are not generated yet, and hands each to the
 * validator and the writer. One class's errors never stop another from generating, and no exception
 * escapes to javac.
 */
@AutoService(Processor.class)
public final class WorkflowProcessor extends AbstractProcessor {

  private static final List<String> STEP_ANNOTATIONS = List.of(Mirrors.STEP, Mirrors.PARALLEL);
  private static final List<String> POLICY_ANNOTATIONS = PolicyKinds.annotations();

  /** Classes waiting for types that another processor may still generate. */
  private final Set<String> deferred = new LinkedHashSet<>();

  /** Classes already handled, so a deferred class is never generated twice. */
  private final Set<String> done = new LinkedHashSet<>();

  /** This round's diagnostics, printed in source order when it ends. */
  private final ReportQueue queue = new ReportQueue();

  // Shared policy names are one javac run's: a conflict across classes is a compile error too.
  private final SharedNames sharedNames = new SharedNames();

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    Set<String> supported = new LinkedHashSet<>();
    supported.add(Mirrors.WORKFLOW);
    supported.add(Mirrors.DURABLE);
    supported.addAll(STEP_ANNOTATIONS);
    supported.addAll(POLICY_ANNOTATIONS);
    // Our generated files carry @Generated; claiming it keeps -Xlint:processing quiet.
    supported.add("javax.annotation.processing.Generated");
    return Collections.unmodifiableSet(supported);
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    try {
      processRound(round);
    } finally {
      queue.flush(processingEnv.getMessager());
    }
    // Claim our own annotations: left unclaimed, javac warns under -Xlint:processing and breaks
    // users' -Werror builds. No other processor has a use for them.
    return true;
  }

  private void processRound(RoundEnvironment round) {
    Set<TypeElement> workflows = new LinkedHashSet<>();
    for (String name : deferred) {
      TypeElement type = processingEnv.getElementUtils().getTypeElement(name);
      if (type != null) {
        workflows.add(type);
      }
    }
    deferred.clear();
    TypeElement workflowAnnotation =
        processingEnv.getElementUtils().getTypeElement(Mirrors.WORKFLOW);
    if (workflowAnnotation != null) {
      for (Element element : round.getElementsAnnotatedWith(workflowAnnotation)) {
        if (element instanceof TypeElement) {
          workflows.add((TypeElement) element);
        }
      }
    }
    checkStepsOutsideWorkflows(round);
    for (TypeElement type : workflows) {
      String name = type.getQualifiedName().toString();
      if (done.contains(name)) {
        continue;
      }
      Reporter reporter = new Reporter(queue);
      try {
        Optional<Unresolved> unresolved = unresolvedType(type);
        // An attribute javac could not evaluate (an undefined constant) may name a constant that
        // another processor generates, so it is deferred like a type. At the last round it is
        // left to javac, which has already reported it on the attribute.
        boolean erroneousAttribute = hasErroneousAttribute(type);
        if (unresolved.isPresent() || erroneousAttribute) {
          if (!round.processingOver()) {
            deferred.add(name);
            continue;
          }
          if (unresolved.isPresent()) {
            reporter.report(
                Problem.UNRESOLVED_TYPE,
                unresolved.get().where(),
                type.getSimpleName(),
                unresolved.get().type());
          }
          done.add(name);
          continue;
        }
        done.add(name);
        generate(type, reporter);
      } catch (NoClassDefFoundError e) {
        done.add(name);
        String missing = String.valueOf(e.getMessage());
        if (missing.startsWith("com/palantir/javapoet/")) {
          // A plain javac set-up that left JavaPoet out: say so, not as a crash.
          reporter.report(
              Problem.PROCESSOR_PATH, type, type.getSimpleName(), "JavaPoet (" + missing + ")");
        } else {
          reporter.report(Problem.INTERNAL_ERROR, type, type.getSimpleName(), trace(e));
        }
      } catch (RuntimeException | Error e) {
        done.add(name);
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        reporter.report(Problem.INTERNAL_ERROR, type, type.getSimpleName(), trace);
      }
    }
  }

  private static String trace(Throwable e) {
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    return trace.toString();
  }

  private void generate(TypeElement type, Reporter reporter) {
    WorkflowValidator validator =
        new WorkflowValidator(
            processingEnv.getTypeUtils(), processingEnv.getElementUtils(), reporter, sharedNames);
    Optional<WorkflowModel> model = validator.validate(type);
    if (model.isEmpty() || reporter.hasErrors()) {
      return;
    }
    Optional<DurableModel> durable =
        new DurableValidator(
                processingEnv.getTypeUtils(), processingEnv.getElementUtils(), reporter)
            .validate(type, model.get());
    if (reporter.hasErrors()) {
      return;
    }
    String packageName =
        processingEnv.getElementUtils().getPackageOf(type).getQualifiedName().toString();
    Predicate<String> inPackage =
        name ->
            processingEnv
                    .getElementUtils()
                    .getTypeElement(packageName.isEmpty() ? name : packageName + "." + name)
                != null;
    writeSource(new WorkflowWriter().write(model.get(), type, inPackage), type, reporter);
    if (durable.isPresent()) {
      writeSource(
          new TemporalWriter().write(model.get(), durable.get(), type, inPackage), type, reporter);
    }
  }

  private void writeSource(JavaFile file, TypeElement type, Reporter reporter) {
    try {
      JavaFileObject source =
          processingEnv
              .getFiler()
              .createSourceFile(
                  file.packageName().isEmpty()
                      ? file.typeSpec().name()
                      : file.packageName() + "." + file.typeSpec().name(),
                  type);
      try (Writer writer = source.openWriter()) {
        writer.write(WorkflowWriter.text(file));
      }
    } catch (IOException e) {
      reporter.report(Problem.INTERNAL_ERROR, type, type.getSimpleName(), e);
    }
  }

  /** Step and policy annotations in a class without {@code @Workflow}. */
  private void checkStepsOutsideWorkflows(RoundEnvironment round) {
    Reporter reporter = new Reporter(queue);
    for (String annotationName : POLICY_ANNOTATIONS) {
      TypeElement annotation = processingEnv.getElementUtils().getTypeElement(annotationName);
      if (annotation == null) {
        continue;
      }
      for (Element element : round.getElementsAnnotatedWith(annotation)) {
        Element owner =
            element.getKind() == ElementKind.METHOD ? element.getEnclosingElement() : element;
        if (Mirrors.find(owner, Mirrors.WORKFLOW).isEmpty()) {
          reporter.report(
              Problem.POLICY_OUTSIDE_WORKFLOW,
              element,
              Mirrors.find(element, annotationName).orElse(null),
              null,
              annotation.getSimpleName(),
              element.getKind() == ElementKind.METHOD
                  ? element.getSimpleName() + "()"
                  : element.getSimpleName(),
              owner.getSimpleName());
        }
      }
    }
    for (String annotationName : STEP_ANNOTATIONS) {
      TypeElement annotation = processingEnv.getElementUtils().getTypeElement(annotationName);
      if (annotation == null) {
        continue;
      }
      for (Element element : round.getElementsAnnotatedWith(annotation)) {
        Element owner = element.getEnclosingElement();
        if (element.getKind() == ElementKind.METHOD
            && Mirrors.find(owner, Mirrors.WORKFLOW).isEmpty()) {
          reporter.report(
              Problem.STEP_OUTSIDE_WORKFLOW,
              element,
              Mirrors.find(element, annotationName).orElse(null),
              null,
              annotation.getSimpleName(),
              element.getSimpleName() + "()",
              owner.getSimpleName());
        }
      }
    }
  }

  /** Whether one of our annotations on the class or its methods has an erroneous attribute. */
  private static boolean hasErroneousAttribute(TypeElement type) {
    List<Element> annotated = new ArrayList<>();
    annotated.add(type);
    annotated.addAll(ElementFilter.methodsIn(type.getEnclosedElements()));
    for (Element element : annotated) {
      for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
        TypeElement annotation = (TypeElement) mirror.getAnnotationType().asElement();
        if (annotation.getQualifiedName().toString().startsWith(Mirrors.PACKAGE + ".")
            && Mirrors.hasErroneousValue(mirror)) {
          return true;
        }
      }
    }
    return false;
  }

  /** An error type and the step method or parameter whose signature uses it. */
  private record Unresolved(Element where, TypeMirror type) {}

  /**
   * The first error type in the signatures of the class's annotated methods, if any. Thrown types
   * count too: whether a step throws a checked exception changes the generated code.
   */
  private Optional<Unresolved> unresolvedType(TypeElement type) {
    for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
      if (Mirrors.find(method, Mirrors.STEP).isEmpty()
          && Mirrors.find(method, Mirrors.PARALLEL).isEmpty()) {
        continue;
      }
      Optional<TypeMirror> error = errorIn(method.getReturnType());
      if (error.isPresent()) {
        return Optional.of(new Unresolved(method, error.get()));
      }
      for (VariableElement p : method.getParameters()) {
        error = errorIn(p.asType());
        if (error.isPresent()) {
          return Optional.of(new Unresolved(p, error.get()));
        }
      }
      for (TypeMirror thrown : method.getThrownTypes()) {
        error = errorIn(thrown);
        if (error.isPresent()) {
          return Optional.of(new Unresolved(method, error.get()));
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<TypeMirror> errorIn(TypeMirror type) {
    if (type.getKind() == TypeKind.ERROR) {
      return Optional.of(type);
    }
    if (type.getKind() == TypeKind.ARRAY) {
      return errorIn(((ArrayType) type).getComponentType());
    }
    if (type.getKind() == TypeKind.WILDCARD) {
      WildcardType w = (WildcardType) type;
      if (w.getExtendsBound() != null) {
        return errorIn(w.getExtendsBound());
      }
      return w.getSuperBound() != null ? errorIn(w.getSuperBound()) : Optional.empty();
    }
    if (type.getKind() == TypeKind.DECLARED) {
      for (TypeMirror arg : ((DeclaredType) type).getTypeArguments()) {
        Optional<TypeMirror> error = errorIn(arg);
        if (error.isPresent()) {
          return error;
        }
      }
    }
    return Optional.empty();
  }
}

package dev.tta.primitives.processor.policy;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import dev.tta.primitives.processor.Mirrors;
import dev.tta.primitives.processor.Problem;
import dev.tta.primitives.processor.Reporter;
import dev.tta.primitives.processor.model.StepModel.Arg;
import dev.tta.primitives.processor.validation.PolicyValidator;
import dev.tta.primitives.processor.validation.TypeHelpers;
import dev.tta.primitives.processor.writing.Snippets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Types;

/**
 * {@code @Fallback}: another method's result when the call fails, written as a {@code
 * FallbackPrimitive}; a fallback's own {@code @Fallback} makes a chain.
 */
public final class FallbackKind extends PolicyKind<FallbackKind.Model> {

  private static final ClassName FALLBACK = Snippets.runtime("FallbackPrimitive");

  /**
   * {@code @Fallback}, checked.
   *
   * @param method the fallback method
   * @param isStatic whether it is static
   * @param async whether it returns a {@code CompletionStage}
   * @param args how to fill its parameters (data, cause, context)
   * @param causeType the declared type of its cause parameter, or {@code null} if it takes none
   * @param applyOn failures it handles
   * @param skipOn failures it never handles
   * @param next the fallback's own fallback (a chain), or {@code null}
   */
  public record Model(
      String method,
      boolean isStatic,
      boolean async,
      List<Arg> args,
      TypeName causeType,
      List<TypeName> applyOn,
      List<TypeName> skipOn,
      Model next) {}

  FallbackKind() {
    super("Fallback");
  }

  /** A fallback's own {@code @Fallback} is its chain's next link. */
  @Override
  public boolean onFallbackMethod() {
    return true;
  }

  @Override
  public Model read(AnnotationMirror m, PolicyValidator.Target target, PolicyValidator checks) {
    return fallback(checks, target, target.element(), m, new ArrayList<>());
  }

  private Model fallback(
      PolicyValidator checks,
      PolicyValidator.Target target,
      Element annotated,
      AnnotationMirror m,
      List<ExecutableElement> chain) {
    Reporter reporter = checks.reporter();
    Types types = checks.types();
    TypeHelpers typeHelpers = checks.typeHelpers();
    String name = Mirrors.string(m, "value");
    AnnotationValue value = Mirrors.value(m, "value");
    // Only the step's own @Fallback can name the step "itself". Deeper in a chain, naming the step
    // closes a cycle (a -> b -> a), which the cycle check below reports with the whole chain.
    if (chain.isEmpty()
        && target.self() != null
        && target.self().getSimpleName().contentEquals(name)) {
      reporter.report(Problem.FALLBACK_SELF, annotated, m, value, name, target.description());
      return null;
    }
    // Every method of that name is meant as a fallback, even when the lookup fails below (private,
    // overloaded): otherwise its own @Fallback got a second, false "neither a step nor a
    // fallback" error on top of the real one.
    for (ExecutableElement candidate : checks.methods(target.owner())) {
      if (candidate.getSimpleName().contentEquals(name)) {
        checks.fallsBackTo(candidate);
      }
    }
    Optional<ExecutableElement> found =
        checks.uniqueMethod(
            target,
            name,
            m,
            value,
            Problem.FALLBACK_MISSING,
            Problem.FALLBACK_AMBIGUOUS,
            Problem.FALLBACK_PRIVATE,
            annotated);
    if (found.isEmpty()) {
      return null;
    }
    ExecutableElement method = found.get();
    if (chain.contains(method) || method.equals(target.self())) {
      List<String> names = new ArrayList<>();
      for (ExecutableElement e : chain) {
        names.add(e.getSimpleName() + "()");
      }
      names.add(method.getSimpleName() + "()");
      reporter.report(
          Problem.FALLBACK_CYCLE,
          annotated,
          m,
          value,
          String.join(" -> ", names),
          method.getSimpleName() + "()");
      return null;
    }
    checks.fallsBackTo(method);
    checks.calls(method);
    List<TypeMirror> applyOn = PolicyValidator.classes(m, "applyOn");
    if (applyOn.isEmpty()) {
      // As with retryOn: an empty list would fall back to the runtime default, Throwable.
      reporter.report(
          Problem.FALLBACK_APPLY_ON_EMPTY, annotated, m, Mirrors.value(m, "applyOn"), name);
      return null;
    }
    List<TypeMirror> skipOn = PolicyValidator.classes(m, "skipOn");
    String methodName = method.getSimpleName() + "()";

    // Parameters: the data parameters, then an optional cause, then an optional context.
    List<? extends VariableElement> params = method.getParameters();
    int n = target.dataTypes().size();
    List<Arg> args = new ArrayList<>();
    boolean fits = params.size() >= n;
    for (int i = 0; fits && i < n; i++) {
      fits = types.isAssignable(target.dataTypes().get(i), params.get(i).asType());
      args.add(target.dataArgs().get(i));
    }
    TypeMirror causeType = null;
    int next = n;
    TypeMirror throwable = checks.elements().getTypeElement("java.lang.Throwable").asType();
    if (fits && next < params.size() && types.isAssignable(params.get(next).asType(), throwable)) {
      causeType = params.get(next).asType();
      args.add(new Arg.Cause(TypeName.get(causeType)));
      next++;
    }
    if (fits && next < params.size() && typeHelpers.isContext(params.get(next).asType())) {
      args.add(new Arg.Context());
      next++;
    }
    if (!fits || next != params.size()) {
      reporter.report(
          Problem.FALLBACK_PARAMETERS,
          annotated,
          m,
          value,
          name,
          methodName,
          target.description(),
          PolicyValidator.typeList(target.dataTypes()));
      reporter.note(Problem.FALLBACK_DECLARED, method, methodName, name, target.description());
      return null;
    }
    if (causeType != null) {
      for (TypeMirror applied : applyOn) {
        if (!types.isAssignable(applied, causeType)) {
          reporter.report(
              Problem.FALLBACK_CAUSE_TYPE,
              annotated,
              m,
              value,
              name,
              methodName,
              causeType,
              applied);
          reporter.note(
              Problem.FALLBACK_DECLARED, params.get(n), methodName, name, target.description());
          return null;
        }
      }
    }
    // Return: assignable to the step's value, directly or through a CompletionStage.
    TypeMirror returned = method.getReturnType();
    boolean async = typeHelpers.isCompletionStage(returned);
    TypeMirror produced = async ? typeHelpers.stageValue(returned) : returned;
    boolean returnFits;
    if (target.generatedValue() != null) {
      // The run yields a record generated from this very class: in this round it is an error
      // type (javac resolves it once generated), or the class an earlier build left behind.
      returnFits =
          produced.getKind() == TypeKind.ERROR
              || (produced.getKind() == TypeKind.DECLARED
                  && ((TypeElement) ((DeclaredType) produced).asElement())
                      .getQualifiedName()
                      .contentEquals(target.generatedValue()));
    } else if (target.value() == null) {
      returnFits =
          produced.getKind() == TypeKind.VOID || typeHelpers.isNamed(produced, "java.lang.Void");
    } else {
      returnFits =
          produced.getKind() != TypeKind.VOID
              && types.isAssignable(produced, typeHelpers.boxed(target.value()));
    }
    if (!returnFits) {
      reporter.report(
          Problem.FALLBACK_RETURN,
          annotated,
          m,
          value,
          name,
          methodName,
          returned,
          target.generatedValue() != null
              ? target.generatedValue()
              : target.value() == null ? "void" : target.value(),
          target.description());
      reporter.note(Problem.FALLBACK_DECLARED, method, methodName, name, target.description());
      return null;
    }
    Model nextFallback = null;
    Optional<AnnotationMirror> own = Mirrors.find(method, annotation());
    if (own.isPresent()) {
      List<ExecutableElement> longer = new ArrayList<>(chain);
      if (target.self() != null && longer.isEmpty()) {
        longer.add(target.self());
      }
      longer.add(method);
      nextFallback = fallback(checks, target, method, own.get(), longer);
      if (nextFallback == null) {
        return null;
      }
    }
    return new Model(
        method.getSimpleName().toString(),
        method.getModifiers().contains(Modifier.STATIC),
        async,
        List.copyOf(args),
        causeType == null ? null : TypeName.get(causeType),
        checks.filterNames(applyOn),
        checks.filterNames(skipOn),
        nextFallback);
  }

  @Override
  public CodeBlock wrap(Model model, Site site, CodeBlock inner) {
    return wrap(model, site, inner, 0);
  }

  /** Fallback( inner ), with a chain through the fallback's own fallback. */
  private static CodeBlock wrap(Model fallback, Site site, CodeBlock inner, int depth) {
    return CodeBlock.builder()
        .add("$T.<$T, $T>builder($Z$L)", FALLBACK, site.in(), site.out(), inner)
        .add("$>$>")
        .add(Snippets.filters("applyOn", fallback.applyOn()))
        .add(Snippets.filters("skipOn", fallback.skipOn()))
        .add("\n.recoverAsync($L)$<$<", recovery(fallback, site, depth))
        .build();
  }

  /** A RecoveryFunction lambda calling the fallback method; depth keeps lambda names apart. */
  private static CodeBlock recovery(Model fallback, Site site, int depth) {
    TypeName in = site.in();
    TypeName out = site.out();
    String inVar = "in" + depth;
    String causeVar = "cause" + depth;
    String contextVar = "context" + depth;
    CodeBlock target =
        fallback.isStatic() ? CodeBlock.of("$T", site.userClass()) : CodeBlock.of("this.steps");
    CodeBlock call =
        CodeBlock.of(
            "$L.$N($L)",
            target,
            fallback.method(),
            Snippets.args(fallback.args(), inVar, causeVar, contextVar));
    CodeBlock result;
    if (fallback.next() == null) {
      if (fallback.async()) {
        result = call;
      } else if (out.equals(ClassName.get(Void.class))) {
        result =
            CodeBlock.of(
                "{\n$>$L;\nreturn $T.<$T>completedFuture(null);\n$<}", call, Snippets.FUTURE, out);
      } else {
        result = CodeBlock.of("$T.<$T>completedFuture($Z$L)", Snippets.FUTURE, out, call);
      }
    } else {
      // The fallback has its own fallback: run it as a primitive with that chain around it.
      String innerIn = "in" + (depth + 1) + "x";
      String innerContext = "context" + (depth + 1) + "x";
      CodeBlock innerCall =
          CodeBlock.of(
              "$L.$N($L)",
              target,
              fallback.method(),
              Snippets.args(fallback.args(), innerIn, causeVar, innerContext));
      CodeBlock body =
          !fallback.async() && out.equals(ClassName.get(Void.class))
              ? CodeBlock.of("{\n$>$L;\nreturn null;\n$<}", innerCall)
              : innerCall;
      CodeBlock primitive =
          CodeBlock.of(
              "$T.<$T, $T>$L($S,$W($T $N, $T $N) ->$W$L)",
              Snippets.LAMBDA,
              in,
              out,
              fallback.async() ? "ofAsync" : "of",
              fallback.method(),
              in,
              innerIn,
              Snippets.CONTEXT,
              innerContext,
              body);
      result =
          CodeBlock.of(
              "$L.execute($N, $N)",
              wrap(fallback.next(), site, primitive, depth + 1),
              inVar,
              contextVar);
    }
    return CodeBlock.of(
        "($T $N, $T $N, $T $N) ->$W$L",
        in,
        inVar,
        Throwable.class,
        causeVar,
        Snippets.CONTEXT,
        contextVar,
        result);
  }
}

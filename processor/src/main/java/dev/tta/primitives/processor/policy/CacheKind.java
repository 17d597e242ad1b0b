package dev.tta.primitives.processor.policy;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import dev.tta.primitives.processor.Mirrors;
import dev.tta.primitives.processor.Problem;
import dev.tta.primitives.processor.Reporter;
import dev.tta.primitives.processor.model.StepModel.Arg;
import dev.tta.primitives.processor.validation.PolicyValidator;
import dev.tta.primitives.processor.writing.Snippets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;

/**
 * {@code @Cached}: results kept by key, written as a {@code CachePrimitive} that the workflow
 * object holds (its entries outlive a run), with a {@code ...CacheStats()} accessor.
 */
public final class CacheKind extends PolicyKind<CacheKind.Model> {

  private static final ClassName CACHE = Snippets.runtime("CachePrimitive");
  private static final ClassName CACHE_STATS = Snippets.runtime("CacheStats");

  /**
   * {@code @Cached}, checked.
   *
   * @param ttl entry lifetime
   * @param maxSize most entries kept
   * @param keyMethod the method computing the key, or {@code null} for the data arguments
   * @param keyStatic whether the key method is static
   * @param keyArgs how to fill the key method's parameters
   */
  public record Model(
      Duration ttl, long maxSize, String keyMethod, boolean keyStatic, List<Arg> keyArgs) {}

  CacheKind() {
    super("Cached");
  }

  @Override
  public Model read(AnnotationMirror m, PolicyValidator.Target target, PolicyValidator checks) {
    Element element = target.element();
    Reporter reporter = checks.reporter();
    if (target.value() == null) {
      reporter.report(Problem.CACHE_VOID, element, m, null, target.description());
    }
    Duration ttl = checks.duration(element, m, "ttl", true).orElse(Duration.ofHours(1));
    long maxSize = (Long) Mirrors.value(m, "maxSize").getValue();
    if (maxSize < 1) {
      reporter.report(Problem.CACHE_MAX_SIZE, element, m, Mirrors.value(m, "maxSize"), maxSize);
    }
    String key = Mirrors.string(m, "key");
    if (key.isEmpty()) {
      // A void step is already an error: a warning about its keys would only add noise.
      for (int i = 0; target.value() != null && i < target.dataTypes().size(); i++) {
        checkKeyEquality(
            checks, element, m, null, target.dataTypes().get(i), dataName(checks, target, i));
      }
      return new Model(ttl, maxSize, null, false, List.of());
    }
    AnnotationValue keyValue = Mirrors.value(m, "key");
    Optional<ExecutableElement> method =
        checks.uniqueMethod(
            target,
            key,
            m,
            keyValue,
            Problem.CACHE_KEY_MISSING,
            Problem.CACHE_KEY_AMBIGUOUS,
            Problem.CACHE_KEY_PRIVATE,
            element);
    if (method.isEmpty()) {
      return new Model(ttl, maxSize, null, false, List.of());
    }
    ExecutableElement keyMethod = method.get();
    checks.calls(keyMethod);
    List<Arg> args = new ArrayList<>();
    List<? extends VariableElement> params = keyMethod.getParameters();
    boolean fits = params.size() == target.dataTypes().size();
    for (int i = 0; fits && i < params.size(); i++) {
      fits = checks.types().isAssignable(target.dataTypes().get(i), params.get(i).asType());
      args.add(target.dataArgs().get(i));
    }
    if (!fits) {
      reporter.report(
          Problem.CACHE_KEY_PARAMETERS,
          element,
          m,
          keyValue,
          key,
          keyMethod.getSimpleName() + "()",
          target.description(),
          PolicyValidator.typeList(target.dataTypes()));
    } else if (keyMethod.getReturnType().getKind() == TypeKind.VOID) {
      reporter.report(
          Problem.CACHE_KEY_VOID, element, m, keyValue, key, keyMethod.getSimpleName() + "()");
    } else {
      checkKeyEquality(
          checks, element, m, keyValue, keyMethod.getReturnType(), "returned by " + key + "()");
    }
    return new Model(
        ttl,
        maxSize,
        keyMethod.getSimpleName().toString(),
        keyMethod.getModifiers().contains(Modifier.STATIC),
        List.copyOf(args));
  }

  /** How a warning names data parameter {@code i}: {@code parameter ids of step load()}. */
  private static String dataName(PolicyValidator checks, PolicyValidator.Target target, int i) {
    if (target.self() == null) {
      return "input " + (i + 1) + " of " + target.description();
    }
    List<String> names = new ArrayList<>();
    for (VariableElement p : target.self().getParameters()) {
      if (!checks.typeHelpers().isContext(p.asType())) {
        names.add(p.getSimpleName().toString());
      }
    }
    return "parameter " + names.get(i) + " of " + target.description();
  }

  /** Warns when a key type compares by identity (arrays, classes without equals). */
  private static void checkKeyEquality(
      PolicyValidator checks,
      Element element,
      AnnotationMirror m,
      AnnotationValue on,
      TypeMirror type,
      String where) {
    String reason = identityReason(checks, type);
    if (reason != null) {
      checks.reporter().report(Problem.CACHE_KEY_EQUALITY, element, m, on, type, where, reason);
    }
  }

  /** Why keys of {@code type} would compare by identity, or null if they compare by value. */
  private static String identityReason(PolicyValidator checks, TypeMirror type) {
    if (type.getKind() == TypeKind.ARRAY) {
      return "is an array, which compares by identity";
    }
    if (type.getKind() != TypeKind.DECLARED) {
      return null;
    }
    TypeElement typeElement = (TypeElement) ((DeclaredType) type).asElement();
    ElementKind kind = typeElement.getKind();
    if (kind == ElementKind.INTERFACE
        || kind == ElementKind.ENUM
        || kind == ElementKind.RECORD
        || kind == ElementKind.ANNOTATION_TYPE) {
      return null; // interfaces state equality in their contract; the others have it built in
    }
    boolean equals = false;
    boolean hashCode = false;
    for (ExecutableElement method :
        ElementFilter.methodsIn(checks.elements().getAllMembers(typeElement))) {
      TypeElement declaring = (TypeElement) method.getEnclosingElement();
      if (declaring.getQualifiedName().contentEquals("java.lang.Object")) {
        continue;
      }
      if (method.getSimpleName().contentEquals("equals") && method.getParameters().size() == 1) {
        equals = true;
      }
      if (method.getSimpleName().contentEquals("hashCode") && method.getParameters().isEmpty()) {
        hashCode = true;
      }
    }
    return equals && hashCode ? null : "does not override equals and hashCode";
  }

  @Override
  public Held held(Model model, Site site) {
    String field = field(site);
    MethodSpec stats =
        site.isWorkflow()
            ? MethodSpec.methodBuilder("cacheStats")
                .addModifiers(Modifier.PUBLIC)
                .addJavadoc(
                    "The counters of the whole-run cache, owned by this workflow.\n\n"
                        + "@return hits, misses, evictions and size now\n")
                .returns(CACHE_STATS)
                .addStatement("return this.$N.stats()", field)
                .build()
            : MethodSpec.methodBuilder(site.methodName() + "CacheStats")
                .addModifiers(Modifier.PUBLIC)
                .addJavadoc(
                    "The counters of step {@code $L}'s cache, owned by this workflow.\n\n"
                        + "@return hits, misses, evictions and size now\n",
                    site.methodName())
                .returns(CACHE_STATS)
                .addStatement("return this.$N.stats()", field)
                .build();
    return new Held(ParameterizedTypeName.get(CACHE, site.in(), site.out()), field, List.of(stats));
  }

  private static String field(Site site) {
    return site.isWorkflow() ? "workflowCache" : site.methodName() + "StepCache";
  }

  @Override
  public CodeBlock wrap(Model cache, Site site, CodeBlock inner) {
    CodeBlock.Builder code =
        CodeBlock.builder()
            .add("$T.<$T, $T>builder($Z$L)", CACHE, site.in(), site.out(), inner)
            .add("\n$>$>.ttl($L)", Snippets.tuned(Snippets.duration(cache.ttl()), "cacheTtl", site))
            .add(
                "\n.maxSize($L)",
                Snippets.tuned(CodeBlock.of("$LL", cache.maxSize()), "cacheMaxSize", site));
    if (cache.keyMethod() != null) {
      CodeBlock target =
          cache.keyStatic() ? CodeBlock.of("$T", site.userClass()) : CodeBlock.of("steps");
      // A key method may declare checked exceptions; a Function cannot, so they travel wrapped.
      code.add(
          "\n.key(($T in) -> {\n$>try {\n$>return $L.$N($L);\n$<}"
              + " catch ($T | $T e) {\n$>throw e;\n$<}"
              + " catch ($T t) {\n$>throw new $T(t);\n$<}\n$<})",
          site.in(),
          target,
          cache.keyMethod(),
          Snippets.args(cache.keyArgs(), "in", "null", "null"),
          RuntimeException.class,
          Error.class,
          Throwable.class,
          Snippets.COMPLETION_EXCEPTION);
    }
    return code.add("\n.build(runtime)$<$<").build();
  }
}

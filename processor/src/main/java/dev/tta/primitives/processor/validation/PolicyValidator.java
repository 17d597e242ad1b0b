package dev.tta.primitives.processor.validation;

import com.palantir.javapoet.TypeName;
import dev.tta.primitives.processor.Mirrors;
import dev.tta.primitives.processor.Problem;
import dev.tta.primitives.processor.Reporter;
import dev.tta.primitives.processor.model.PolicyModel;
import dev.tta.primitives.processor.model.StepModel.Arg;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
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
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Checks {@code @Retry}, {@code @Timeout}, {@code @Cached} and {@code @Fallback} on a step or on
 * the workflow class, reporting each bad value on its attribute, and resolves them into a {@link
 * PolicyModel}.
 */
public final class PolicyValidator {

  private final Types types;
  private final Elements elements;
  private final Reporter reporter;
  private final TypeHelpers typeHelpers;
  private final Set<ExecutableElement> fallbackMethods = new LinkedHashSet<>();
  private final Set<ExecutableElement> keyMethods = new LinkedHashSet<>();
  private final List<TypeMirror> filterTypes = new ArrayList<>();

  /** A validator using the compiler's utilities. */
  public PolicyValidator(Types types, Elements elements, Reporter reporter) {
    this.types = types;
    this.elements = elements;
    this.reporter = reporter;
    this.typeHelpers = new TypeHelpers(types, elements);
  }

  /**
   * What the policies apply to.
   *
   * @param element the step method or the workflow class (diagnostics go here)
   * @param owner the workflow class, where fallback and key methods live
   * @param description how messages name it, e.g. {@code "step load()"}
   * @param dataTypes the declared types of the data parameters
   * @param dataArgs how each data parameter is filled
   * @param value what it yields ({@code null} for void)
   * @param self the step method, or {@code null} for the class
   * @param generatedValue the canonical name of the generated type the run yields (the {@code
   *     Output} record of a parallel last stage), which has no mirror yet; otherwise {@code null}
   */
  public record Target(
      Element element,
      TypeElement owner,
      String description,
      List<TypeMirror> dataTypes,
      List<Arg> dataArgs,
      TypeMirror value,
      ExecutableElement self,
      String generatedValue) {

    /** A target that yields a type of the user's source (or nothing). */
    public Target(
        Element element,
        TypeElement owner,
        String description,
        List<TypeMirror> dataTypes,
        List<Arg> dataArgs,
        TypeMirror value,
        ExecutableElement self) {
      this(element, owner, description, dataTypes, dataArgs, value, self, null);
    }
  }

  /** Methods named by some {@code @Fallback}, so their own policies are not orphans. */
  public Set<ExecutableElement> fallbackMethods() {
    return fallbackMethods;
  }

  /** Methods named by some {@code @Cached(key)}. */
  public Set<ExecutableElement> keyMethods() {
    return keyMethods;
  }

  /** The failure types of retryOn, abortOn, applyOn and skipOn, which the generated code names. */
  public List<TypeMirror> filterTypes() {
    return filterTypes;
  }

  /** Reads and checks the policies on {@code target.element()}. */
  public PolicyModel read(Target target) {
    Element element = target.element();
    PolicyModel.Retry retry =
        Mirrors.find(element, Mirrors.RETRY).map(m -> retry(element, m)).orElse(null);
    PolicyModel.Timeout timeout =
        Mirrors.find(element, Mirrors.TIMEOUT).map(m -> timeout(element, m)).orElse(null);
    PolicyModel.Cache cache =
        Mirrors.find(element, Mirrors.CACHED).map(m -> cache(target, m)).orElse(null);
    PolicyModel.Fallback fallback =
        Mirrors.find(element, Mirrors.FALLBACK)
            .map(m -> fallback(target, target.element(), m, new ArrayList<>()))
            .orElse(null);
    return new PolicyModel(retry, timeout, cache, fallback);
  }

  private PolicyModel.Retry retry(Element element, AnnotationMirror m) {
    int max = Mirrors.integer(m, "max");
    if (max < 1) {
      reporter.report(Problem.RETRY_MAX, element, m, Mirrors.value(m, "max"), max);
    }
    Duration delay = duration(element, m, "delay", false).orElse(Duration.ZERO);
    double backoff = (Double) Mirrors.value(m, "backoff").getValue();
    if (!(backoff >= 1.0) || Double.isInfinite(backoff)) {
      reporter.report(Problem.RETRY_BACKOFF, element, m, Mirrors.value(m, "backoff"), backoff);
    }
    Optional<Duration> maxDelay = duration(element, m, "maxDelay", false);
    if (maxDelay.isPresent() && maxDelay.get().compareTo(delay) < 0) {
      // With maxDelay left at its default, the delay is what the user wrote too long: point there
      // rather than at the whole annotation.
      reporter.report(
          Problem.RETRY_MAX_DELAY,
          element,
          m,
          Mirrors.explicitValue(m, "maxDelay").orElse(Mirrors.value(m, "delay")),
          Mirrors.string(m, "maxDelay"),
          Mirrors.string(m, "delay"));
    }
    double jitter = (Double) Mirrors.value(m, "jitter").getValue();
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      reporter.report(Problem.RETRY_JITTER, element, m, Mirrors.value(m, "jitter"), jitter);
    }
    Duration maxDuration = null;
    if (!Mirrors.string(m, "maxDuration").isBlank()) {
      maxDuration = duration(element, m, "maxDuration", true).orElse(null);
      if (maxDuration != null && maxDuration.compareTo(delay) <= 0) {
        reporter.report(
            Problem.RETRY_MAX_DURATION,
            element,
            m,
            Mirrors.value(m, "maxDuration"),
            Mirrors.string(m, "maxDuration"),
            Mirrors.string(m, "delay"));
      }
    }
    List<TypeMirror> retryOn = classes(m, "retryOn");
    List<TypeMirror> abortOn = classes(m, "abortOn");
    if (retryOn.isEmpty()) {
      // The writer emits no .retryOn(...) for an empty list, so the runtime default (Exception)
      // would silently apply: the opposite of what "retry on nothing" says.
      reporter.report(Problem.RETRY_ON_EMPTY, element, m, Mirrors.value(m, "retryOn"));
    }
    List<? extends AnnotationValue> abortValues = elementsOf(m, "abortOn");
    for (int i = 0; i < abortOn.size(); i++) {
      TypeMirror abort = abortOn.get(i);
      for (TypeMirror retried : retryOn) {
        if (types.isSameType(abort, retried)) {
          // On the class literal itself, so a long abortOn list shows which one overlaps.
          reporter.report(Problem.RETRY_ABORT_ALSO_RETRIED, element, m, abortValues.get(i), abort);
        }
      }
    }
    return new PolicyModel.Retry(
        max,
        delay,
        backoff,
        maxDelay.orElse(delay),
        jitter,
        maxDuration,
        names(retryOn),
        names(abortOn));
  }

  private PolicyModel.Timeout timeout(Element element, AnnotationMirror m) {
    Optional<Duration> value = duration(element, m, "value", false);
    if (value.isPresent() && value.get().isZero()) {
      // The text as written ("0s", "PT0S"), not a normalised "0" the user never typed.
      reporter.report(
          Problem.TIMEOUT_NOT_POSITIVE,
          element,
          m,
          Mirrors.value(m, "value"),
          Mirrors.string(m, "value"));
    }
    return new PolicyModel.Timeout(
        value.filter(d -> !d.isZero()).orElse(Duration.ofSeconds(1)), Mirrors.bool(m, "interrupt"));
  }

  private PolicyModel.Cache cache(Target target, AnnotationMirror m) {
    Element element = target.element();
    if (target.value() == null) {
      reporter.report(Problem.CACHE_VOID, element, m, null, target.description());
    }
    Duration ttl = duration(element, m, "ttl", true).orElse(Duration.ofHours(1));
    long maxSize = (Long) Mirrors.value(m, "maxSize").getValue();
    if (maxSize < 1) {
      reporter.report(Problem.CACHE_MAX_SIZE, element, m, Mirrors.value(m, "maxSize"), maxSize);
    }
    String key = Mirrors.string(m, "key");
    if (key.isEmpty()) {
      // A void step is already an error: a warning about its keys would only add noise.
      for (int i = 0; target.value() != null && i < target.dataTypes().size(); i++) {
        checkKeyEquality(element, m, null, target.dataTypes().get(i), dataName(target, i));
      }
      return new PolicyModel.Cache(ttl, maxSize, null, false, List.of());
    }
    AnnotationValue keyValue = Mirrors.value(m, "key");
    Optional<ExecutableElement> method =
        uniqueMethod(
            target,
            key,
            m,
            keyValue,
            Problem.CACHE_KEY_MISSING,
            Problem.CACHE_KEY_AMBIGUOUS,
            Problem.CACHE_KEY_PRIVATE);
    if (method.isEmpty()) {
      return new PolicyModel.Cache(ttl, maxSize, null, false, List.of());
    }
    ExecutableElement keyMethod = method.get();
    keyMethods.add(keyMethod);
    List<Arg> args = new ArrayList<>();
    List<? extends VariableElement> params = keyMethod.getParameters();
    boolean fits = params.size() == target.dataTypes().size();
    for (int i = 0; fits && i < params.size(); i++) {
      fits = types.isAssignable(target.dataTypes().get(i), params.get(i).asType());
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
          typeList(target.dataTypes()));
    } else if (keyMethod.getReturnType().getKind() == TypeKind.VOID) {
      reporter.report(
          Problem.CACHE_KEY_VOID, element, m, keyValue, key, keyMethod.getSimpleName() + "()");
    } else {
      checkKeyEquality(
          element, m, keyValue, keyMethod.getReturnType(), "returned by " + key + "()");
    }
    return new PolicyModel.Cache(
        ttl,
        maxSize,
        keyMethod.getSimpleName().toString(),
        keyMethod.getModifiers().contains(Modifier.STATIC),
        List.copyOf(args));
  }

  /** {@code java.lang.String, int}: inside the message's parentheses, without List's brackets. */
  private static String typeList(List<TypeMirror> types) {
    List<String> names = new ArrayList<>();
    for (TypeMirror type : types) {
      names.add(type.toString());
    }
    return String.join(", ", names);
  }

  /** How a warning names data parameter {@code i}: {@code parameter ids of step load()}. */
  private String dataName(Target target, int i) {
    if (target.self() == null) {
      return "input " + (i + 1) + " of " + target.description();
    }
    List<String> names = new ArrayList<>();
    for (VariableElement p : target.self().getParameters()) {
      if (!typeHelpers.isContext(p.asType())) {
        names.add(p.getSimpleName().toString());
      }
    }
    return "parameter " + names.get(i) + " of " + target.description();
  }

  /** Warns when a key type compares by identity (arrays, classes without equals). */
  private void checkKeyEquality(
      Element element, AnnotationMirror m, AnnotationValue on, TypeMirror type, String where) {
    String reason = identityReason(type);
    if (reason != null) {
      reporter.report(Problem.CACHE_KEY_EQUALITY, element, m, on, type, where, reason);
    }
  }

  /** Why keys of {@code type} would compare by identity, or null if they compare by value. */
  private String identityReason(TypeMirror type) {
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
    for (ExecutableElement method : ElementFilter.methodsIn(elements.getAllMembers(typeElement))) {
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

  private PolicyModel.Fallback fallback(
      Target target, Element annotated, AnnotationMirror m, List<ExecutableElement> chain) {
    Element element = target.element();
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
    for (ExecutableElement candidate : methods(target.owner())) {
      if (candidate.getSimpleName().contentEquals(name)) {
        fallbackMethods.add(candidate);
      }
    }
    Optional<ExecutableElement> found =
        uniqueMethod(
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
    fallbackMethods.add(method);
    List<TypeMirror> applyOn = classes(m, "applyOn");
    if (applyOn.isEmpty()) {
      // As with retryOn: an empty list would fall back to the runtime default, Throwable.
      reporter.report(
          Problem.FALLBACK_APPLY_ON_EMPTY, annotated, m, Mirrors.value(m, "applyOn"), name);
      return null;
    }
    List<TypeMirror> skipOn = classes(m, "skipOn");
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
    TypeMirror throwable = elements.getTypeElement("java.lang.Throwable").asType();
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
          typeList(target.dataTypes()));
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
    PolicyModel.Fallback nextFallback = null;
    Optional<AnnotationMirror> own = Mirrors.find(method, Mirrors.FALLBACK);
    if (own.isPresent()) {
      List<ExecutableElement> longer = new ArrayList<>(chain);
      if (target.self() != null && longer.isEmpty()) {
        longer.add(target.self());
      }
      longer.add(method);
      nextFallback = fallback(target, method, own.get(), longer);
      if (nextFallback == null) {
        return null;
      }
    }
    return new PolicyModel.Fallback(
        method.getSimpleName().toString(),
        method.getModifiers().contains(Modifier.STATIC),
        async,
        List.copyOf(args),
        causeType == null ? null : TypeName.get(causeType),
        names(applyOn),
        names(skipOn),
        nextFallback);
  }

  private Optional<ExecutableElement> uniqueMethod(
      Target target,
      String name,
      AnnotationMirror m,
      AnnotationValue value,
      Problem missing,
      Problem ambiguous,
      Problem privateMethod) {
    return uniqueMethod(
        target, name, m, value, missing, ambiguous, privateMethod, target.element());
  }

  private Optional<ExecutableElement> uniqueMethod(
      Target target,
      String name,
      AnnotationMirror m,
      AnnotationValue value,
      Problem missing,
      Problem ambiguous,
      Problem privateMethod,
      Element on) {
    List<ExecutableElement> matches = new ArrayList<>();
    List<String> allNames = new ArrayList<>();
    for (ExecutableElement method : methods(target.owner())) {
      allNames.add(method.getSimpleName().toString());
      if (method.getSimpleName().contentEquals(name)) {
        matches.add(method);
      }
    }
    if (matches.isEmpty()) {
      reporter.report(
          missing,
          on,
          m,
          value,
          name,
          name + "()",
          target.owner().getSimpleName(),
          didYouMean(name, allNames));
      return Optional.empty();
    }
    if (matches.size() > 1) {
      reporter.report(
          ambiguous, on, m, value, name, target.owner().getSimpleName(), matches.size());
      return Optional.empty();
    }
    ExecutableElement method = matches.get(0);
    if (method.getModifiers().contains(Modifier.PRIVATE)) {
      reporter.report(privateMethod, on, m, value, name, name + "()");
      return Optional.empty();
    }
    return Optional.of(method);
  }

  /** The class's own and inherited methods, without those of {@code Object}. */
  private List<ExecutableElement> methods(TypeElement owner) {
    List<ExecutableElement> methods = new ArrayList<>();
    for (ExecutableElement method : ElementFilter.methodsIn(elements.getAllMembers(owner))) {
      TypeElement declaring = (TypeElement) method.getEnclosingElement();
      if (!declaring.getQualifiedName().contentEquals("java.lang.Object")) {
        methods.add(method);
      }
    }
    return methods;
  }

  /** A hint naming the closest method name, or an empty string. */
  static String didYouMean(String name, List<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : new LinkedHashSet<>(candidates)) {
      int distance =
          candidate.equalsIgnoreCase(name)
              ? 0
              : distance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best != null && bestDistance <= Math.max(2, name.length() / 3)
        ? "; did you mean \"" + best + "\"?"
        : "";
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private Optional<Duration> duration(
      Element element, AnnotationMirror m, String attribute, boolean positive) {
    String text = Mirrors.string(m, attribute);
    AnnotationValue value = Mirrors.value(m, attribute);
    // As the user wrote it: @Retry(delay = "10 parsecs"), @Timeout("-").
    String label =
        "@"
            + m.getAnnotationType().asElement().getSimpleName()
            + "("
            + (attribute.equals("value") ? "" : attribute + " = ")
            + "\""
            + text
            + "\")";
    Optional<Duration> parsed = Durations.parse(text);
    if (parsed.isEmpty()) {
      reporter.report(Problem.DURATION_FORMAT, element, m, value, label);
      return Optional.empty();
    }
    if (parsed.get().isNegative()) {
      reporter.report(Problem.DURATION_NEGATIVE, element, m, value, label);
      return Optional.empty();
    }
    if (positive && parsed.get().isZero()) {
      reporter.report(Problem.DURATION_NOT_POSITIVE, element, m, value, label);
      return Optional.empty();
    }
    return parsed;
  }

  @SuppressWarnings("unchecked") // annotation arrays are lists of AnnotationValue
  private static List<? extends AnnotationValue> elementsOf(AnnotationMirror m, String attribute) {
    return (List<? extends AnnotationValue>) Mirrors.value(m, attribute).getValue();
  }

  private static List<TypeMirror> classes(AnnotationMirror m, String attribute) {
    List<TypeMirror> result = new ArrayList<>();
    for (AnnotationValue v : elementsOf(m, attribute)) {
      result.add((TypeMirror) v.getValue());
    }
    return result;
  }

  private List<TypeName> names(List<TypeMirror> mirrors) {
    filterTypes.addAll(mirrors);
    List<TypeName> names = new ArrayList<>();
    for (TypeMirror mirror : mirrors) {
      names.add(TypeName.get(mirror));
    }
    return List.copyOf(names);
  }
}

package dev.tta.primitives.processor.validation;

import com.palantir.javapoet.TypeName;
import dev.tta.primitives.processor.Mirrors;
import dev.tta.primitives.processor.Problem;
import dev.tta.primitives.processor.Reporter;
import dev.tta.primitives.processor.model.PolicyModel;
import dev.tta.primitives.processor.model.StepModel.Arg;
import dev.tta.primitives.processor.policy.PolicyKind;
import dev.tta.primitives.processor.policy.PolicyKinds;
import dev.tta.primitives.processor.policy.SharedNames;
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
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Reads the policies on a step or on the workflow class into a {@link PolicyModel}, each through
 * its {@link PolicyKind} (in {@link PolicyKinds#ORDER}), and holds what the kinds share: the
 * compiler's utilities, the reporter, the checks of durations, class lists and named methods, and
 * the methods and types the policies name. It also checks where policies stand: on a method that is
 * neither a step nor a fallback, or on a fallback.
 */
public final class PolicyValidator {

  private final Types types;
  private final Elements elements;
  private final Reporter reporter;
  private final TypeHelpers typeHelpers;
  private final SharedNames sharedNames;
  private final Set<ExecutableElement> fallbackMethods = new LinkedHashSet<>();
  private final Set<ExecutableElement> calledMethods = new LinkedHashSet<>();
  private final List<TypeMirror> filterTypes = new ArrayList<>();

  /**
   * A validator using the compiler's utilities.
   *
   * @param types the compiler's type utilities
   * @param elements the compiler's element utilities
   * @param reporter where problems go
   * @param sharedNames the shared policy names of this compilation so far
   */
  public PolicyValidator(
      Types types, Elements elements, Reporter reporter, SharedNames sharedNames) {
    this.types = types;
    this.elements = elements;
    this.reporter = reporter;
    this.typeHelpers = new TypeHelpers(types, elements);
    this.sharedNames = sharedNames;
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

  /** The compiler's type utilities. */
  public Types types() {
    return types;
  }

  /** The compiler's element utilities. */
  public Elements elements() {
    return elements;
  }

  /** Where problems go. */
  public Reporter reporter() {
    return reporter;
  }

  /** Questions about types that the validators share. */
  public TypeHelpers typeHelpers() {
    return typeHelpers;
  }

  /** Methods named by some {@code @Fallback}, so their own policies are not orphans. */
  public Set<ExecutableElement> fallbackMethods() {
    return fallbackMethods;
  }

  /** Records {@code method} as named by a {@code @Fallback}. */
  public void fallsBackTo(ExecutableElement method) {
    fallbackMethods.add(method);
  }

  /** Methods of the class that the generated code calls for a policy (fallback, cache key). */
  public Set<ExecutableElement> calledMethods() {
    return calledMethods;
  }

  /** Records {@code method} as called by the generated code for a policy. */
  public void calls(ExecutableElement method) {
    calledMethods.add(method);
  }

  /** The failure types of retryOn, abortOn, applyOn and skipOn, which the generated code names. */
  public List<TypeMirror> filterTypes() {
    return filterTypes;
  }

  /**
   * The {@code name} of a policy that may be shared, checked: a blank name is an error on it, and
   * so is a name that another declaration in this compilation gives to the same kind with other
   * {@code settings}.
   *
   * @return the name, or an empty string for a policy of the target's own
   */
  public String sharedName(PolicyKind<?> kind, AnnotationMirror m, Target target, Object settings) {
    String name = Mirrors.string(m, "name");
    if (name.isEmpty()) {
      return "";
    }
    AnnotationValue value = Mirrors.value(m, "name");
    if (name.isBlank()) {
      reporter.report(
          Problem.POLICY_NAME_BLANK, target.element(), m, value, kind.simpleName(), name);
      return "";
    }
    String where = target.description() + " of " + target.owner().getSimpleName();
    String first = sharedNames.conflict(kind, name, settings, where);
    if (first != null) {
      reporter.report(
          Problem.POLICY_NAME_CONFLICT,
          target.element(),
          m,
          value,
          kind.simpleName(),
          name,
          where,
          first);
    }
    return name;
  }

  /** Reads and checks the policies on {@code target.element()}. */
  public PolicyModel read(Target target) {
    PolicyModel policies = PolicyModel.NONE;
    for (PolicyKind<?> kind : PolicyKinds.ORDER) {
      if (target.self() != null || kind.onClass()) {
        policies = read(kind, target, policies);
      }
    }
    return policies;
  }

  private <M> PolicyModel read(PolicyKind<M> kind, Target target, PolicyModel policies) {
    Optional<AnnotationMirror> mirror = Mirrors.find(target.element(), kind.annotation());
    if (mirror.isEmpty()) {
      return policies;
    }
    M model = kind.read(mirror.get(), target, this);
    return model == null ? policies : policies.with(kind, model);
  }

  /**
   * A policy annotation on a method that is neither a step nor a fallback never applies; on a
   * fallback only those whose kind allows it ({@code @Fallback}, a chain) do.
   */
  public void checkOrphans(TypeElement type, Set<ExecutableElement> steps) {
    for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
      if (steps.contains(method)) {
        continue;
      }
      boolean fallback = fallbackMethods.contains(method);
      for (PolicyKind<?> kind : PolicyKinds.ORDER) {
        Optional<AnnotationMirror> mirror = Mirrors.find(method, kind.annotation());
        if (mirror.isEmpty() || (fallback && kind.onFallbackMethod())) {
          continue; // a fallback's own @Fallback makes a chain
        }
        // The writer calls a fallback method directly: @Retry, @Timeout or @Cached on it were
        // dropped without a word. They are errors now, like a policy on any non-step method.
        reporter.report(
            fallback ? Problem.POLICY_ON_FALLBACK : Problem.POLICY_NOT_STEP,
            method,
            mirror.get(),
            null,
            mirror.get().getAnnotationType().asElement().getSimpleName(),
            method.getSimpleName() + "()");
      }
    }
  }

  /** {@code java.lang.String, int}: inside the message's parentheses, without List's brackets. */
  public static String typeList(List<TypeMirror> types) {
    List<String> names = new ArrayList<>();
    for (TypeMirror type : types) {
      names.add(type.toString());
    }
    return String.join(", ", names);
  }

  /**
   * The one method of the workflow class named {@code name} (a fallback, a cache key), reporting
   * {@code missing}, {@code ambiguous} or {@code privateMethod} on value {@code value} of {@code m}
   * on {@code on} when there is none, several, or a private one.
   */
  public Optional<ExecutableElement> uniqueMethod(
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
  public List<ExecutableElement> methods(TypeElement owner) {
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

  /**
   * The duration string attribute {@code attribute} of {@code m}, parsed; a bad one (not a
   * duration, negative, or zero where {@code positive}) is reported on it and read as empty.
   */
  public Optional<Duration> duration(
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
    try {
      parsed.get().toNanos(); // the generated code and the runtime count in nanoseconds
    } catch (ArithmeticException e) {
      reporter.report(Problem.DURATION_TOO_LONG, element, m, value, label);
      return Optional.empty();
    }
    if (positive && parsed.get().isZero()) {
      reporter.report(Problem.DURATION_NOT_POSITIVE, element, m, value, label);
      return Optional.empty();
    }
    return parsed;
  }

  /** The values of array attribute {@code attribute}, defaults included. */
  @SuppressWarnings("unchecked") // annotation arrays are lists of AnnotationValue
  public static List<? extends AnnotationValue> elementsOf(AnnotationMirror m, String attribute) {
    return (List<? extends AnnotationValue>) Mirrors.value(m, attribute).getValue();
  }

  /** The types of {@code Class[]} attribute {@code attribute}. */
  public static List<TypeMirror> classes(AnnotationMirror m, String attribute) {
    List<TypeMirror> result = new ArrayList<>();
    for (AnnotationValue v : elementsOf(m, attribute)) {
      result.add((TypeMirror) v.getValue());
    }
    return result;
  }

  /** The names of failure types that the generated code will name, recorded for its warnings. */
  public List<TypeName> filterNames(List<TypeMirror> mirrors) {
    filterTypes.addAll(mirrors);
    List<TypeName> names = new ArrayList<>();
    for (TypeMirror mirror : mirrors) {
      names.add(TypeName.get(mirror));
    }
    return List.copyOf(names);
  }
}

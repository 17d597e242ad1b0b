package dev.tta.primitives.processor.validation;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import dev.tta.primitives.processor.Mirrors;
import dev.tta.primitives.processor.Problem;
import dev.tta.primitives.processor.Reporter;
import dev.tta.primitives.processor.model.PolicyModel;
import dev.tta.primitives.processor.model.RecordModel;
import dev.tta.primitives.processor.model.StageModel;
import dev.tta.primitives.processor.model.StepModel;
import dev.tta.primitives.processor.model.StepModel.Arg;
import dev.tta.primitives.processor.model.StepModel.CallKind;
import dev.tta.primitives.processor.model.WorkflowModel;
import dev.tta.primitives.processor.policy.SharedNames;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
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
 * Checks one {@code @Workflow} class against the binding rules and turns it into a {@link
 * WorkflowModel}. Reports every problem it finds before giving up on the class.
 */
public final class WorkflowValidator {

  private static final ClassName LIST = ClassName.get("java.util", "List");

  private final Types types;
  private final Elements elements;
  private final Reporter reporter;
  private final PolicyValidator policies;
  private final TypeHelpers typeHelpers;
  private TypeElement owner;
  private TypeMirror lastValue;

  /**
   * A validator using the compiler's utilities.
   *
   * @param types the compiler's type utilities
   * @param elements the compiler's element utilities
   * @param reporter where problems go
   * @param sharedNames the shared policy names of this compilation so far
   */
  public WorkflowValidator(
      Types types, Elements elements, Reporter reporter, SharedNames sharedNames) {
    this.types = types;
    this.elements = elements;
    this.reporter = reporter;
    this.policies = new PolicyValidator(types, elements, reporter, sharedNames);
    this.typeHelpers = new TypeHelpers(types, elements);
  }

  /** What flows out of a stage, as the next stage sees it. */
  private sealed interface Flow {
    /** The workflow's input (before stage 1). */
    record Start() implements Flow {}

    /** One value of {@code type} ({@code null} for void) from step {@code source}. */
    record Value(TypeMirror type, String source) implements Flow {}

    /** A parallel group's results. */
    record Group(List<Branch> branches, ClassName record) implements Flow {}
  }

  private record Branch(String method, TypeMirror type) {}

  /** A step method as read from the source, before binding. */
  private record Candidate(
      ExecutableElement method,
      String name,
      AnnotationMirror parallel,
      boolean forEach,
      int maxConcurrency) {}

  /**
   * Validates {@code type}.
   *
   * @return the model, or empty if a problem was reported
   */
  public Optional<WorkflowModel> validate(TypeElement type) {
    boolean before = reporter.hasErrors();
    owner = type;
    if (!checkClass(type)) {
      // Not a class at all: checking its methods as steps would only add noise (an enum or an
      // annotation type would also get "has no @Step method").
      return Optional.empty();
    }
    List<Candidate> candidates = candidates(type);
    if (candidates.isEmpty()) {
      reporter.report(Problem.WORKFLOW_NO_STEPS, type, type.getSimpleName());
      return Optional.empty();
    }
    if (reporter.hasErrors() && !before) {
      return Optional.empty();
    }
    ClassName userClass = ClassName.get(type);
    ClassName generated = generatedName(userClass);
    String workflowName = workflowName(type);
    return bind(type, userClass, generated, workflowName, candidates);
  }

  /** The generated class name: {@code FooWorkflow}, {@code Outer_InnerWorkflow} when nested. */
  public static ClassName generatedName(ClassName userClass) {
    return ClassName.get(
        userClass.packageName(), String.join("_", userClass.simpleNames()) + "Workflow");
  }

  private String workflowName(TypeElement type) {
    AnnotationMirror workflow = Mirrors.find(type, Mirrors.WORKFLOW).orElseThrow();
    String name = Mirrors.string(workflow, "name");
    return name.isBlank() ? type.getSimpleName().toString() : name;
  }

  /** Reports problems with the class itself; false if it is not a class at all. */
  private boolean checkClass(TypeElement type) {
    ElementKind kind = type.getKind();
    if (kind != ElementKind.CLASS) {
      String what =
          switch (kind) {
            case INTERFACE -> "interface";
            case ENUM -> "enum";
            case ANNOTATION_TYPE -> "annotation type";
            case RECORD -> "record";
            default -> kind.toString().toLowerCase(java.util.Locale.ROOT);
          };
      reporter.report(Problem.WORKFLOW_KIND, type, what, type.getSimpleName());
      return false;
    }
    for (Element e = type; e instanceof TypeElement; e = e.getEnclosingElement()) {
      if (e.getModifiers().contains(Modifier.PRIVATE)) {
        // Name the private class: it may be an enclosing class, not the @Workflow class itself.
        String where = e == type ? "is private" : "is nested in private class " + e.getSimpleName();
        reporter.report(Problem.WORKFLOW_PRIVATE, type, type.getSimpleName(), where);
        return true;
      }
    }
    if (type.getNestingKind() != NestingKind.TOP_LEVEL
        && type.getNestingKind() != NestingKind.MEMBER) {
      reporter.report(Problem.WORKFLOW_INNER, type, type.getSimpleName());
    } else if (type.getNestingKind() == NestingKind.MEMBER
        && !type.getModifiers().contains(Modifier.STATIC)) {
      reporter.report(Problem.WORKFLOW_INNER, type, type.getSimpleName());
    }
    if (!type.getTypeParameters().isEmpty()) {
      reporter.report(Problem.WORKFLOW_GENERIC, type, type.getSimpleName());
    }
    return true;
  }

  private List<Candidate> candidates(TypeElement type) {
    List<Candidate> found = new ArrayList<>();
    Map<String, ExecutableElement> names = new LinkedHashMap<>();
    Map<String, ExecutableElement> memberKeys = new LinkedHashMap<>();
    for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
      Optional<AnnotationMirror> step = Mirrors.find(method, Mirrors.STEP);
      Optional<AnnotationMirror> parallel = Mirrors.find(method, Mirrors.PARALLEL);
      if (step.isEmpty() && parallel.isEmpty()) {
        continue;
      }
      if (step.isPresent() && parallel.isPresent()) {
        reporter.report(Problem.STEP_AND_PARALLEL, method, parallel.get(), null, method(method));
      }
      if (method.getModifiers().contains(Modifier.PRIVATE)) {
        reporter.report(Problem.STEP_PRIVATE, method, method(method));
      }
      if (!method.getTypeParameters().isEmpty()) {
        // Listed as in the source, <T, U>; the element list's own toString gives "T,U".
        String variables =
            method.getTypeParameters().stream()
                .map(t -> t.getSimpleName().toString())
                .collect(java.util.stream.Collectors.joining(", ", "<", ">"));
        reporter.report(Problem.STEP_TYPE_VARIABLES, method, method(method), variables);
      }
      // Checked here with the other per-method rules, on the second context parameter itself,
      // rather than after binding, where a data-parameter error hid it.
      List<VariableElement> contexts = new ArrayList<>();
      for (VariableElement p : method.getParameters()) {
        if (typeHelpers.isContext(p.asType())) {
          contexts.add(p);
        }
      }
      if (contexts.size() > 1) {
        reporter.report(Problem.WORKFLOW_CONTEXT_TWICE, contexts.get(1), method(method));
      }
      AnnotationMirror annotation = parallel.orElseGet(step::get);
      String name = Mirrors.string(annotation, "name");
      if (!name.isEmpty() && name.isBlank()) {
        reporter.report(
            Problem.STEP_BAD_NAME, method, annotation, Mirrors.value(annotation, "name"), name);
      }
      String stepName = name.isBlank() ? method.getSimpleName().toString() : name;
      ExecutableElement previous = names.putIfAbsent(stepName, method);
      if (previous != null) {
        reporter.report(
            Problem.STEP_DUPLICATE_NAME,
            method,
            annotation,
            Mirrors.explicitValue(annotation, "name").orElse(null),
            stepName,
            type.getSimpleName(),
            method(previous));
      }
      // Overloads are caught as duplicate step names; these are distinct names that generate the
      // same members (withFoo for foo and Foo, STEP_FOO_BAR_... for fooBar and foo_bar).
      String memberKey =
          method.getSimpleName().toString().replace("_", "").toUpperCase(java.util.Locale.ROOT);
      ExecutableElement sameMembers = memberKeys.putIfAbsent(memberKey, method);
      if (sameMembers != null
          && !sameMembers.getSimpleName().contentEquals(method.getSimpleName())) {
        String simple = method.getSimpleName().toString();
        reporter.report(
            Problem.STEP_METHOD_NAME_CLASH,
            method,
            method(sameMembers),
            method(method),
            Character.toUpperCase(simple.charAt(0)) + simple.substring(1));
      }
      boolean forEach = false;
      int maxConcurrency = 0;
      if (parallel.isPresent()) {
        forEach = Mirrors.bool(parallel.get(), "forEach");
        maxConcurrency = Mirrors.integer(parallel.get(), "maxConcurrency");
        AnnotationValue value = Mirrors.value(parallel.get(), "maxConcurrency");
        if (maxConcurrency < 0) {
          reporter.report(
              Problem.MAX_CONCURRENCY_NEGATIVE,
              method,
              parallel.get(),
              value,
              maxConcurrency,
              method(method));
        } else if (maxConcurrency != 0 && !forEach) {
          reporter.report(
              Problem.MAX_CONCURRENCY_WITHOUT_FOR_EACH,
              method,
              parallel.get(),
              value,
              maxConcurrency,
              method(method));
        }
      }
      found.add(new Candidate(method, stepName, parallel.orElse(null), forEach, maxConcurrency));
    }
    return found;
  }

  private Optional<WorkflowModel> bind(
      TypeElement type,
      ClassName userClass,
      ClassName generated,
      String workflowName,
      List<Candidate> candidates) {
    List<List<Candidate>> stageCandidates = groupStages(candidates);
    List<StageModel> stages = new ArrayList<>();
    List<RecordModel> records = new ArrayList<>();
    Flow flow = new Flow.Start();
    TypeName inputType = null;
    List<WorkflowModel.Param> runParams = List.of();
    RecordModel inputRecord = null;
    TypeName flowType = null;
    boolean ok = true;
    for (int s = 0; s < stageCandidates.size(); s++) {
      List<Candidate> stage = stageCandidates.get(s);
      boolean last = s == stageCandidates.size() - 1;
      Candidate head = stage.get(0);
      if (s == 0) {
        if (head.forEach()) {
          // On the forEach attribute, like for-each-not-iterable: that is what cannot work here.
          reporter.report(
              Problem.FOR_EACH_FIRST,
              head.method(),
              head.parallel(),
              Mirrors.explicitValue(head.parallel(), "forEach").orElse(null),
              method(head.method()));
          return Optional.empty();
        }
        List<VariableElement> params = dataParams(head.method());
        runParams = new ArrayList<>();
        for (VariableElement p : params) {
          runParams.add(
              new WorkflowModel.Param(p.getSimpleName().toString(), TypeName.get(p.asType())));
        }
        if (params.isEmpty()) {
          inputType = ClassName.get(Void.class);
        } else if (params.size() == 1) {
          inputType = TypeName.get(params.get(0).asType()).box();
        } else {
          List<RecordModel.Component> components = new ArrayList<>();
          for (VariableElement p : params) {
            components.add(
                new RecordModel.Component(
                    p.getSimpleName().toString(), TypeName.get(p.asType()).box()));
          }
          inputRecord =
              new RecordModel(
                  generated.nestedClass("Input"),
                  components,
                  "The input of one run: the parameters of step {@code "
                      + head.method().getSimpleName()
                      + "}.");
          inputType = inputRecord.name();
        }
        flowType = inputType;
      }
      // What this stage yields comes from its methods' return types alone, so the next stage is
      // checked against it even when binding this stage's own parameters failed. (Keeping the
      // previous flow instead made every later stage report mismatches against the wrong step.)
      Flow next = outputOf(stage, last, generated, s);
      if (head.forEach()) {
        Optional<StageModel> forEach = bindForEach(head, flow, flowType);
        if (forEach.isEmpty()) {
          ok = false;
        } else {
          stages.add(forEach.get());
          flowType = forEach.get().outputType();
        }
        flow = next;
        continue;
      }
      List<StepModel> steps = new ArrayList<>();
      boolean stageOk = true;
      for (Candidate candidate : stage) {
        Optional<StepModel> step =
            s == 0
                ? bindFirst(candidate, stage.get(0), inputRecord, flowType)
                : bindStep(candidate, flow, flowType);
        if (step.isEmpty()) {
          stageOk = false;
        } else {
          steps.add(step.get());
        }
      }
      flow = next;
      if (!stageOk) {
        ok = false;
        continue;
      }
      if (head.parallel() == null) {
        StepModel step = steps.get(0);
        stages.add(new StageModel.Single(step, flowType, step.valueType()));
        flowType = step.valueType();
        lastValue = returnValueType(head.method());
      } else {
        ClassName recordName = ((Flow.Group) next).record();
        List<RecordModel.Component> components = new ArrayList<>();
        for (int b = 0; b < stage.size(); b++) {
          components.add(
              new RecordModel.Component(
                  stage.get(b).method().getSimpleName().toString(), steps.get(b).valueType()));
        }
        RecordModel record =
            new RecordModel(
                recordName,
                components,
                last
                    ? "The output of a run: one component per branch of the last parallel stage."
                    : "The results of parallel stage " + (s + 1) + ", one per branch.");
        records.add(record);
        stages.add(new StageModel.Parallel(steps, record, flowType));
        flowType = recordName;
      }
    }
    if (!ok) {
      return Optional.empty();
    }
    StageModel lastStage = stages.get(stages.size() - 1);
    TypeName runReturn = lastStage.outputType();
    if (lastStage instanceof StageModel.Single single) {
      ExecutableElement method = candidates.get(candidates.size() - 1).method();
      runReturn =
          single.step().kind() == CallKind.SYNC
              ? TypeName.get(method.getReturnType())
              : single.step().kind() == CallKind.VOID ? TypeName.VOID : single.step().valueType();
    }
    PolicyModel classPolicies =
        classPolicies(
            type,
            stages,
            runParamTypes(candidates),
            inputRecord,
            candidates.get(candidates.size() - 1).method());
    checkOrphanPolicies(type, candidates);
    if (reporter.hasErrors()) {
      return Optional.empty();
    }
    return Optional.of(
        new WorkflowModel(
            userClass,
            generated,
            workflowName,
            type.getModifiers().contains(Modifier.PUBLIC),
            inputType,
            runParams,
            inputRecord,
            stages,
            lastStage.outputType(),
            runReturn,
            records,
            classPolicies,
            suppressedWarnings(type, candidates)));
  }

  /**
   * The {@code @SuppressWarnings} tokens the generated class needs: it names the user's class, its
   * step, fallback and key methods, the types of the steps' signatures and the failure types of the
   * policies. One of them deprecated (or nested in a deprecated class, which ECJ counts as
   * deprecated too) needs {@code deprecation}, or {@code removal} when it is deprecated for
   * removal; a raw type needs {@code rawtypes}. Thrown types are left out: the generated code never
   * names them.
   */
  private List<String> suppressedWarnings(TypeElement type, List<Candidate> candidates) {
    Set<String> tokens = new TreeSet<>();
    List<Element> called = new ArrayList<>();
    List<TypeMirror> named = new ArrayList<>();
    called.add(type);
    for (Candidate candidate : candidates) {
      ExecutableElement method = candidate.method();
      called.add(method);
      for (VariableElement p : method.getParameters()) {
        named.add(p.asType());
      }
      TypeMirror value = returnValueType(method);
      if (value != null) {
        named.add(value);
      }
    }
    called.addAll(policies.calledMethods());
    named.addAll(policies.filterTypes());
    for (Element element : called) {
      deprecation(element, tokens);
    }
    for (TypeMirror mirror : named) {
      typeWarnings(mirror, tokens);
    }
    return List.copyOf(tokens);
  }

  private void deprecation(Element element, Set<String> tokens) {
    for (Element e = element;
        e != null && e.getKind() != ElementKind.PACKAGE;
        e = e.getEnclosingElement()) {
      if (elements.isDeprecated(e)) {
        boolean removal =
            Mirrors.find(e, "java.lang.Deprecated")
                .map(m -> Mirrors.bool(m, "forRemoval"))
                .orElse(false);
        tokens.add(removal ? "removal" : "deprecation");
      }
    }
  }

  private void typeWarnings(TypeMirror type, Set<String> tokens) {
    switch (type.getKind()) {
      case ARRAY -> typeWarnings(((ArrayType) type).getComponentType(), tokens);
      case WILDCARD -> {
        WildcardType wildcard = (WildcardType) type;
        if (wildcard.getExtendsBound() != null) {
          typeWarnings(wildcard.getExtendsBound(), tokens);
        }
        if (wildcard.getSuperBound() != null) {
          typeWarnings(wildcard.getSuperBound(), tokens);
        }
      }
      case DECLARED -> {
        DeclaredType declared = (DeclaredType) type;
        TypeElement element = (TypeElement) declared.asElement();
        deprecation(element, tokens);
        if (declared.getTypeArguments().isEmpty() && !element.getTypeParameters().isEmpty()) {
          tokens.add("rawtypes");
        }
        for (TypeMirror argument : declared.getTypeArguments()) {
          typeWarnings(argument, tokens);
        }
      }
      default -> {}
    }
  }

  private List<TypeMirror> runParamTypes(List<Candidate> candidates) {
    List<TypeMirror> types = new ArrayList<>();
    for (VariableElement p : dataParams(candidates.get(0).method())) {
      types.add(p.asType());
    }
    return types;
  }

  /** Policies on the class wrap the whole run; their methods take the run's parameters. */
  private PolicyModel classPolicies(
      TypeElement type,
      List<StageModel> stages,
      List<TypeMirror> runTypes,
      RecordModel input,
      ExecutableElement lastMethod) {
    List<Arg> args = new ArrayList<>();
    for (int i = 0; i < runTypes.size(); i++) {
      args.add(
          input == null ? new Arg.Whole() : new Arg.Component(input.components().get(i).name()));
    }
    StageModel last = stages.get(stages.size() - 1);
    // The run's output, which a class-level @Fallback must return. It used to be Object for a
    // for-each or parallel last stage, so any fallback passed and the generated code did not
    // compile.
    TypeMirror value;
    String generatedValue = null;
    if (last instanceof StageModel.Single) {
      value = lastValue;
    } else if (last instanceof StageModel.ForEach) {
      value =
          types.getDeclaredType(
              elements.getTypeElement("java.util.List"), boxedMirror(returnValueType(lastMethod)));
    } else {
      // The generated Output record: not a type of the user's source yet.
      value = elements.getTypeElement("java.lang.Object").asType();
      generatedValue = ((StageModel.Parallel) last).result().name().canonicalName();
    }
    return policies.read(
        new PolicyValidator.Target(
            type,
            type,
            "workflow " + type.getSimpleName(),
            runTypes,
            args,
            value,
            null,
            generatedValue));
  }

  /** Policies on methods that are neither steps nor fallbacks, or on fallbacks. */
  private void checkOrphanPolicies(TypeElement type, List<Candidate> candidates) {
    Set<ExecutableElement> steps = new HashSet<>();
    for (Candidate c : candidates) {
      steps.add(c.method());
    }
    policies.checkOrphans(type, steps);
  }

  /** What stage {@code s} hands to the next stage, from its methods' return types. */
  private Flow outputOf(List<Candidate> stage, boolean last, ClassName generated, int s) {
    Candidate head = stage.get(0);
    if (head.forEach()) {
      TypeMirror list =
          types.getDeclaredType(
              elements.getTypeElement("java.util.List"),
              boxedMirror(returnValueType(head.method())));
      return new Flow.Value(list, head.name());
    }
    if (head.parallel() == null) {
      return new Flow.Value(flowValue(head.method()), head.name());
    }
    List<Branch> branches = new ArrayList<>();
    for (Candidate branch : stage) {
      branches.add(
          new Branch(branch.method().getSimpleName().toString(), flowValue(branch.method())));
    }
    ClassName record =
        last ? generated.nestedClass("Output") : generated.nestedClass("Stage" + (s + 1));
    return new Flow.Group(branches, record);
  }

  private List<List<Candidate>> groupStages(List<Candidate> candidates) {
    List<List<Candidate>> stages = new ArrayList<>();
    List<Candidate> group = null;
    for (Candidate candidate : candidates) {
      boolean joinsGroup = candidate.parallel() != null && !candidate.forEach();
      if (joinsGroup && group != null) {
        group.add(candidate);
        continue;
      }
      List<Candidate> stage = new ArrayList<>();
      stage.add(candidate);
      stages.add(stage);
      group = joinsGroup ? stage : null;
    }
    return stages;
  }

  /** A step of stage 1 (or a branch of a parallel stage 1): it takes the workflow input. */
  private Optional<StepModel> bindFirst(
      Candidate candidate, Candidate head, RecordModel inputRecord, TypeName inputType) {
    ExecutableElement method = candidate.method();
    List<VariableElement> params = dataParams(method);
    List<VariableElement> headParams = dataParams(head.method());
    if (candidate != head) {
      // Other branches of a parallel first stage take the same input by the same rules.
      if (params.size() != headParams.size()) {
        reporter.report(
            Problem.STEP_PARAMETER_COUNT,
            method,
            method(method),
            params.size(),
            "the workflow input (the parameters of "
                + method(head.method())
                + ") has "
                + headParams.size());
        return Optional.empty();
      }
      for (int i = 0; i < params.size(); i++) {
        if (!types.isAssignable(headParams.get(i).asType(), params.get(i).asType())) {
          reporter.report(
              Problem.STEP_PARAMETER_TYPE,
              params.get(i),
              params.get(i).getSimpleName(),
              method(method),
              params.get(i).asType(),
              headParams.get(i).asType(),
              "the workflow input (parameter "
                  + headParams.get(i).getSimpleName()
                  + " of "
                  + method(head.method())
                  + ")");
          return Optional.empty();
        }
      }
    }
    List<Arg> args = new ArrayList<>();
    int data = 0;
    for (VariableElement p : method.getParameters()) {
      if (typeHelpers.isContext(p.asType())) {
        args.add(new Arg.Context());
      } else if (inputRecord != null) {
        args.add(new Arg.Component(inputRecord.components().get(data++).name()));
      } else {
        args.add(new Arg.Whole());
        data++;
      }
    }
    return step(candidate, inputType, args);
  }

  private Optional<StepModel> bindStep(Candidate candidate, Flow flow, TypeName flowType) {
    ExecutableElement method = candidate.method();
    List<VariableElement> params = dataParams(method);
    List<Arg> data = new ArrayList<>();
    if (flow instanceof Flow.Value value) {
      if (value.type() == null) {
        if (!params.isEmpty()) {
          reporter.report(
              Problem.STEP_PARAMETER_COUNT,
              method,
              method(method),
              params.size(),
              "the previous step " + value.source() + " returns void");
          return Optional.empty();
        }
      } else {
        if (params.size() != 1) {
          reporter.report(
              Problem.STEP_PARAMETER_COUNT,
              method,
              method(method),
              params.size(),
              "the previous step " + value.source() + " yields one value (" + value.type() + ")");
          return Optional.empty();
        }
        VariableElement p = params.get(0);
        if (!types.isAssignable(value.type(), p.asType())) {
          reporter.report(
              Problem.STEP_PARAMETER_TYPE,
              p,
              p.getSimpleName(),
              method(method),
              p.asType(),
              value.type(),
              "the output of step " + value.source());
          return Optional.empty();
        }
        data.add(new Arg.Whole());
      }
    } else if (flow instanceof Flow.Group group) {
      // Void branches (void or CompletionStage<Void>) yield nothing to bind, like a void step.
      List<Branch> branches =
          group.branches().stream().filter(branch -> branch.type() != null).toList();
      if (params.size() == branches.size()) {
        for (int i = 0; i < params.size(); i++) {
          VariableElement p = params.get(i);
          Branch branch = branches.get(i);
          if (branch.type() == null || !types.isAssignable(branch.type(), p.asType())) {
            reporter.report(
                Problem.STEP_PARAMETER_TYPE,
                p,
                p.getSimpleName(),
                method(method),
                p.asType(),
                branch.type() == null ? "void" : branch.type(),
                "the output of parallel branch " + branch.method() + "()");
            return Optional.empty();
          }
          for (Branch other : branches) {
            if (other != branch && other.method().equals(p.getSimpleName().toString())) {
              reporter.report(
                  Problem.PARAMETER_NAME_SWAP,
                  p,
                  p.getSimpleName(),
                  method(method),
                  branch.method() + "()",
                  other.method() + "()");
            }
          }
          data.add(new Arg.Component(branch.method()));
        }
      } else if (params.size() == 1 && isCollectionLike(params.get(0).asType())) {
        VariableElement p = params.get(0);
        TypeMirror element = typeArgument(p.asType());
        for (Branch branch : branches) {
          TypeMirror branchType = branch.type() == null ? null : boxedMirror(branch.type());
          if (branchType == null || !types.isAssignable(branchType, element)) {
            reporter.report(
                Problem.FAN_IN_TYPE,
                p,
                p.getSimpleName(),
                method(method),
                p.asType(),
                branch.method() + "()",
                branch.type() == null ? "void" : branch.type());
            return Optional.empty();
          }
        }
        data.add(
            new Arg.FanIn(TypeName.get(element), branches.stream().map(Branch::method).toList()));
      } else {
        reporter.report(
            Problem.STEP_PARAMETER_COUNT,
            method,
            method(method),
            params.size(),
            "the previous parallel stage has "
                + branches.size()
                + " branches: take one parameter per branch, in order, or one List of them");
        return Optional.empty();
      }
    }
    List<Arg> args = new ArrayList<>();
    int next = 0;
    for (VariableElement p : method.getParameters()) {
      args.add(typeHelpers.isContext(p.asType()) ? new Arg.Context() : data.get(next++));
    }
    return step(candidate, flowType, args);
  }

  private Optional<StageModel> bindForEach(Candidate candidate, Flow flow, TypeName flowType) {
    ExecutableElement method = candidate.method();
    String source =
        flow instanceof Flow.Value v ? "step " + v.source() : "the previous parallel stage";
    TypeMirror collection = flow instanceof Flow.Value v ? v.type() : null;
    TypeMirror element = collection == null ? null : elementType(collection);
    if (element == null) {
      reporter.report(
          Problem.FOR_EACH_NOT_ITERABLE,
          method,
          candidate.parallel(),
          Mirrors.explicitValue(candidate.parallel(), "forEach").orElse(null),
          method(method),
          source,
          collection == null ? notIterable(flow) : collection);
      return Optional.empty();
    }
    List<VariableElement> params = dataParams(method);
    if (params.size() != 1) {
      reporter.report(Problem.FOR_EACH_PARAMETERS, method, method(method), params.size());
      return Optional.empty();
    }
    VariableElement p = params.get(0);
    if (!types.isAssignable(element, p.asType())) {
      reporter.report(
          Problem.STEP_PARAMETER_TYPE,
          p,
          p.getSimpleName(),
          method(method),
          p.asType(),
          element,
          "an element of the output of " + source);
      return Optional.empty();
    }
    List<Arg> args = new ArrayList<>();
    for (VariableElement param : method.getParameters()) {
      args.add(typeHelpers.isContext(param.asType()) ? new Arg.Context() : new Arg.Whole());
    }
    TypeName elementName = TypeName.get(element).box();
    Optional<StepModel> step = step(candidate, elementName, args);
    if (step.isEmpty()) {
      return Optional.empty();
    }
    TypeName arrayType = collection.getKind() == TypeKind.ARRAY ? TypeName.get(collection) : null;
    return Optional.of(
        new StageModel.ForEach(
            step.get(),
            candidate.maxConcurrency(),
            arrayType,
            flowType,
            ParameterizedTypeName.get(LIST, step.get().valueType())));
  }

  /**
   * What a for-each stage got instead of a collection. For a parallel stage this names the
   * branches; the generated StageN record's name meant nothing to the user.
   */
  private static String notIterable(Flow flow) {
    if (flow instanceof Flow.Group g) {
      return "one result per branch ("
          + String.join(", ", g.branches().stream().map(b -> b.method() + "()").toList())
          + ")";
    }
    return "void";
  }

  private Optional<StepModel> step(Candidate candidate, TypeName inputType, List<Arg> args) {
    ExecutableElement method = candidate.method();
    TypeMirror returnType = method.getReturnType();
    CallKind kind;
    TypeName value;
    if (returnType.getKind() == TypeKind.VOID) {
      kind = CallKind.VOID;
      value = ClassName.get(Void.class);
    } else if (typeHelpers.isCompletionStage(returnType)) {
      kind = CallKind.ASYNC;
      value = TypeName.get(returnValueType(method)).box();
    } else {
      kind = CallKind.SYNC;
      value = TypeName.get(returnType).box();
    }
    List<TypeMirror> dataTypes = new ArrayList<>();
    List<Arg> dataArgs = new ArrayList<>();
    for (int i = 0; i < method.getParameters().size(); i++) {
      if (!(args.get(i) instanceof Arg.Context)) {
        dataTypes.add(method.getParameters().get(i).asType());
        dataArgs.add(args.get(i));
      }
    }
    PolicyModel stepPolicies =
        policies.read(
            new PolicyValidator.Target(
                method,
                owner,
                "step " + method(method),
                dataTypes,
                dataArgs,
                returnValueType(method),
                method));
    boolean wrapsThrowable = false;
    TypeMirror exception = elements.getTypeElement("java.lang.Exception").asType();
    TypeMirror error = elements.getTypeElement("java.lang.Error").asType();
    for (TypeMirror thrown : method.getThrownTypes()) {
      if (!types.isSubtype(thrown, exception) && !types.isSubtype(thrown, error)) {
        wrapsThrowable = true;
      }
    }
    return Optional.of(
        new StepModel(
            method.getSimpleName().toString(),
            candidate.name(),
            method.getModifiers().contains(Modifier.STATIC),
            inputType,
            value,
            TypeName.get(method.getReturnType()),
            kind,
            List.copyOf(args),
            method.getParameters().stream().map(p -> TypeName.get(p.asType())).toList(),
            wrapsThrowable,
            stepPolicies));
  }

  // ---- type helpers ----

  private List<VariableElement> dataParams(ExecutableElement method) {
    List<VariableElement> data = new ArrayList<>();
    for (VariableElement p : method.getParameters()) {
      if (!typeHelpers.isContext(p.asType())) {
        data.add(p);
      }
    }
    return data;
  }

  /** What a step hands on: its value, or null when it yields nothing (void, a stage of Void). */
  private TypeMirror flowValue(ExecutableElement method) {
    TypeMirror value = returnValueType(method);
    return value != null && typeHelpers.isNamed(value, "java.lang.Void") ? null : value;
  }

  /** What the method yields: the return type, the stage's type argument, or null for void. */
  private TypeMirror returnValueType(ExecutableElement method) {
    TypeMirror returnType = method.getReturnType();
    if (returnType.getKind() == TypeKind.VOID) {
      return null;
    }
    return typeHelpers.isCompletionStage(returnType)
        ? typeHelpers.stageValue(returnType)
        : returnType;
  }

  private TypeMirror boxedMirror(TypeMirror type) {
    return type == null
        ? elements.getTypeElement("java.lang.Void").asType()
        : typeHelpers.boxed(type);
  }

  private boolean isCollectionLike(TypeMirror type) {
    if (type.getKind() != TypeKind.DECLARED) {
      return false;
    }
    TypeMirror list = types.erasure(elements.getTypeElement("java.util.List").asType());
    return types.isAssignable(list, types.erasure(type))
        && ((DeclaredType) type).getTypeArguments().size() == 1;
  }

  /** The single type argument of a declared type, wildcards resolved to their upper bound. */
  private TypeMirror typeArgument(TypeMirror type) {
    List<? extends TypeMirror> args = ((DeclaredType) type).getTypeArguments();
    return typeHelpers.upperBound(args.get(0));
  }

  /** The element type of an array or Iterable, or null if it is neither. */
  private TypeMirror elementType(TypeMirror type) {
    if (type.getKind() == TypeKind.ARRAY) {
      return ((ArrayType) type).getComponentType();
    }
    if (type.getKind() != TypeKind.DECLARED) {
      return null;
    }
    TypeElement iterable = elements.getTypeElement("java.lang.Iterable");
    if (!types.isAssignable(types.erasure(type), types.erasure(iterable.asType()))) {
      return null;
    }
    TypeMirror arg = typeHelpers.supertypeArgument(type, "java.lang.Iterable");
    return arg != null ? arg : elements.getTypeElement("java.lang.Object").asType();
  }

  private static String method(ExecutableElement method) {
    return method.getSimpleName() + "()";
  }
}

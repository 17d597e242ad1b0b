package dev.tta.primitives.processor.writing;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.palantir.javapoet.WildcardTypeName;
import dev.tta.primitives.processor.model.RecordModel;
import dev.tta.primitives.processor.model.StageModel;
import dev.tta.primitives.processor.model.StepModel;
import dev.tta.primitives.processor.model.StepModel.Arg;
import dev.tta.primitives.processor.model.WorkflowModel;
import dev.tta.primitives.processor.policy.PolicyKind;
import dev.tta.primitives.processor.policy.PolicyKinds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;

/** Writes the generated workflow class for a {@link WorkflowModel}, with JavaPoet only. */
public final class WorkflowWriter {

  private static final String RUNTIME = Snippets.RUNTIME;
  private static final ClassName PRIMITIVE = ClassName.get(RUNTIME, "WorkflowPrimitive");
  private static final ClassName CONTEXT = Snippets.CONTEXT;
  private static final ClassName RUNTIME_TYPE = ClassName.get(RUNTIME, "WorkflowRuntime");
  private static final ClassName RUNNER = ClassName.get(RUNTIME, "WorkflowRunner");
  private static final ClassName DIRECT_RUN = ClassName.get(RUNTIME, "DirectRun");
  private static final ClassName DIRECT_CALL = DIRECT_RUN.nestedClass("Call");
  private static final ClassName TUNING =
      ClassName.get(Snippets.RUNTIME, "PolicyOverrides", "Tuning");
  private static final ClassName LAMBDA = Snippets.LAMBDA;
  private static final ClassName STEP = ClassName.get(RUNTIME, "StepPrimitive");
  private static final ClassName SEQUENTIAL = ClassName.get(RUNTIME, "SequentialPrimitive");
  private static final ClassName PARALLEL = ClassName.get(RUNTIME, "ParallelPrimitive");
  private static final ClassName FUTURE = Snippets.FUTURE;
  private static final ClassName COMPLETION_EXCEPTION = Snippets.COMPLETION_EXCEPTION;
  private static final ClassName LIST = ClassName.get("java.util", "List");
  private static final ClassName ARRAY_LIST = ClassName.get("java.util", "ArrayList");
  private static final ClassName OBJECTS = ClassName.get("java.util", "Objects");
  private static final ClassName GENERATED =
      ClassName.get("javax.annotation.processing", "Generated");
  static final String PROCESSOR = "dev.tta.primitives.processor.WorkflowProcessor";

  /** The column the generated lines stay within. */
  public static final int COLUMNS = 100;

  /**
   * Builds the source file for {@code model}; {@code origin} is the annotated class, and {@code
   * inPackage} tells whether the workflow's package has a type of a given simple name.
   */
  public JavaFile write(WorkflowModel model, Element origin, Predicate<String> inPackage) {
    ClassName self = model.generatedClass();
    TypeName in = model.inputType();
    TypeName out = model.outputType();
    TypeSpec.Builder type =
        TypeSpec.classBuilder(self)
            .addOriginatingElement(origin)
            .addAnnotation(
                AnnotationSpec.builder(GENERATED).addMember("value", "$S", PROCESSOR).build())
            .addModifiers(Modifier.FINAL)
            .addSuperinterface(ParameterizedTypeName.get(PRIMITIVE, in, out))
            .addJavadoc(
                "The workflow of {@link $T}, generated from its annotations.\n\n"
                    + "<p>Stages: $L.\n",
                model.userClass(),
                stagesDescription(model));
    // The user chose these types and methods; using them must not break a -Werror build. Only the
    // tokens the class needs: ECJ warns about the others (an unnecessary @SuppressWarnings).
    if (!model.suppressedWarnings().isEmpty()) {
      type.addAnnotation(suppressWarnings(model.suppressedWarnings()));
    }
    if (model.isPublic()) {
      type.addModifiers(Modifier.PUBLIC);
    }
    List<StepModel> steps = model.steps();
    PolicyWiring policies = new PolicyWiring(model, WorkflowWriter::fieldName);

    for (FieldSpec constant : policies.constants()) {
      type.addField(constant);
    }
    type.addField(model.userClass(), "steps", Modifier.PRIVATE, Modifier.FINAL);
    type.addField(RUNTIME_TYPE, "runtime", Modifier.PRIVATE, Modifier.FINAL);
    if (policies.tuned()) {
      type.addField(
          FieldSpec.builder(TUNING, "tuning", Modifier.PRIVATE, Modifier.FINAL)
              .addJavadoc("The run-time overrides of the policies' values, read while building.\n")
              .build());
    }
    for (PolicyWiring.Holder holder : policies.holders()) {
      type.addField(holder.field());
    }
    for (StepModel step : steps) {
      type.addField(
          FieldSpec.builder(callType(step), fieldName(step), Modifier.PRIVATE, Modifier.FINAL)
              .build());
    }
    type.addField(
        ParameterizedTypeName.get(RUNNER, in, out), "runner", Modifier.PRIVATE, Modifier.FINAL);
    boolean direct = runsDirectly(model);
    if (direct) {
      type.addField(
          FieldSpec.builder(TypeName.BOOLEAN, "direct", Modifier.PRIVATE, Modifier.FINAL)
              .addJavadoc(
                  "Whether {@code run} may call the steps in place: not once one is replaced.\n")
              .build());
    }

    // Constructors.
    ParameterSpec stepsParam = ParameterSpec.builder(model.userClass(), "steps").build();
    type.addMethod(
        MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "A workflow that calls {@code steps} on the default runtime.\n\n"
                    + "@param steps the object whose methods are the steps\n")
            .addParameter(stepsParam)
            .addStatement("this(steps, $T.defaults())", RUNTIME_TYPE)
            .build());
    CodeBlock.Builder calls = CodeBlock.builder();
    for (StepModel step : steps) {
      calls.add(step.isStatic() ? ",\n$L()" : ",\n$L(steps)", callFactoryName(step));
    }
    type.addMethod(
        MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "A workflow that calls {@code steps} on {@code runtime}.\n\n"
                    + "@param steps the object whose methods are the steps\n"
                    + "@param runtime the executor, scheduler, clock and listeners to use\n")
            .addParameter(stepsParam)
            .addParameter(RUNTIME_TYPE, "runtime")
            .addStatement(
                "this($T.requireNonNull(steps, $S),$W$T.requireNonNull(runtime, $S)$L$>$L$<)",
                OBJECTS,
                "steps",
                OBJECTS,
                "runtime",
                direct ? ", true" : "",
                calls.build())
            .build());
    MethodSpec.Builder primary =
        MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PRIVATE)
            .addParameter(model.userClass(), "steps")
            .addParameter(RUNTIME_TYPE, "runtime")
            .addStatement("this.steps = steps")
            .addStatement("this.runtime = runtime");
    if (direct) {
      primary.addParameter(TypeName.BOOLEAN, "direct");
    }
    for (StepModel step : steps) {
      primary.addParameter(callType(step), fieldName(step));
      primary.addStatement("this.$1N = $1N", fieldName(step));
    }
    if (policies.tuned()) {
      primary.addStatement("this.tuning = runtime.overrides().tuning($S)", model.workflowName());
    }
    for (PolicyWiring.Holder holder : policies.holders()) {
      primary.addStatement("this.$N = $L", holder.field(), holder.initialiser());
    }
    primary.addStatement(
        "this.runner = $T.of($S, $L, runtime)", RUNNER, model.workflowName(), policies.workflow());
    // Keys naming this workflow but none of its policies are mistakes: refuse them now.
    if (policies.tuned()) {
      primary.addStatement("this.tuning.finish()");
      if (direct) {
        // A policy switched off at run time is absent from the primitives: the in-place calls,
        // written for the declared ones, would still enter it.
        primary.addStatement("this.direct = direct && !this.tuning.switchedOff()");
      }
    } else {
      primary.addStatement("runtime.overrides().tuning($S).finish()", model.workflowName());
      if (direct) {
        primary.addStatement("this.direct = direct");
      }
    }
    type.addMethod(primary.build());

    // run / runAsync / execute.
    addRunMethods(type, model, direct);

    // Step accessors and replacements.
    for (StepModel step : steps) {
      type.addMethod(
          MethodSpec.methodBuilder(step.methodName() + "Step")
              .addModifiers(Modifier.PUBLIC)
              .addJavadoc(
                  "The call of step {@code $L}, without the workflow's wiring.\n\n"
                      + "@return the primitive that calls {@code $L}\n",
                  step.methodName(),
                  step.methodName())
              .returns(callType(step))
              .addStatement("return this.$N", fieldName(step))
              .build());
      CodeBlock.Builder args =
          CodeBlock.builder()
              .add(direct ? "this.steps, this.runtime, false" : "this.steps, this.runtime");
      for (StepModel other : steps) {
        if (other == step) {
          args.add(",$Wreplacement");
        } else {
          args.add(",$Wthis.$N", fieldName(other));
        }
      }
      type.addMethod(
          MethodSpec.methodBuilder("with" + capitalize(step.methodName()))
              .addModifiers(Modifier.PUBLIC)
              .addJavadoc(
                  "A copy of this workflow whose step {@code $L} calls {@code replacement}\n"
                      + "instead of the method (a test double such as a {@code MockPrimitive},"
                      + " say).\n\n"
                      + "@param replacement what the step calls\n"
                      + "@return the new workflow\n",
                  step.methodName())
              .addParameter(callType(step), "replacement")
              .returns(self)
              .addStatement("return new $T($L)", self, args.build())
              .build());
    }

    for (MethodSpec accessor : policies.accessors()) {
      type.addMethod(accessor);
    }

    // Factories for each step's call.
    for (StepModel step : steps) {
      type.addMethod(callFactory(model, step));
    }
    type.addMethod(compose(model, policies));

    if (model.inputRecord() != null) {
      type.addType(record(model.inputRecord()));
    }
    for (RecordModel record : model.records()) {
      type.addType(record(record));
    }
    return finish(self, type.build(), inPackage);
  }

  /**
   * The file of the generated class {@code built}. Its java.lang types go without imports, unless a
   * type of the workflow's package has the same simple name (a user class named Exception, say),
   * which would capture it: those are written qualified. The java.lang types used are those a file
   * with all imports imports.
   */
  static JavaFile finish(ClassName self, TypeSpec built, Predicate<String> inPackage) {
    List<String> captured = new ArrayList<>();
    for (String line : javaFile(self, built, false).toString().split("\n", -1)) {
      if (line.startsWith("import java.lang.") && line.endsWith(";")) {
        String name = line.substring("import java.lang.".length(), line.length() - 1);
        if (inPackage.test(name)) {
          captured.add(name);
        }
      }
    }
    if (!captured.isEmpty()) {
      built = built.toBuilder().alwaysQualify(captured.toArray(new String[0])).build();
    }
    return javaFile(self, built, true);
  }

  private static JavaFile javaFile(ClassName self, TypeSpec type, boolean skipJavaLang) {
    return JavaFile.builder(self.packageName(), type)
        .addFileComment("Generated by $L. Do not edit.", PROCESSOR)
        .skipJavaLangImports(skipJavaLang)
        .indent("  ")
        .build();
  }

  /**
   * The text of {@code file}, its lines within {@link #COLUMNS}. JavaPoet breaks long statements
   * where the writer allows it ({@code $W}), but not declarations (the class's, a field's, a
   * signature's long generic types) or Javadoc, which are broken here: a declaration after a comma
   * or before {@code implements}, continued 4 columns further in; Javadoc between words. A line
   * with a string or character literal is left as it is (a break could fall inside the literal).
   */
  public static String text(JavaFile file) {
    List<String> out = new ArrayList<>();
    for (String line : file.toString().split("\n", -1)) {
      out.addAll(fitted(line));
    }
    return String.join("\n", out);
  }

  private static List<String> fitted(String line) {
    List<String> lines = new ArrayList<>();
    String rest = line;
    boolean continued = false;
    while (rest.length() > COLUMNS && !rest.contains("\"") && !rest.contains("'")) {
      String indent = rest.substring(0, rest.length() - rest.stripLeading().length());
      if (rest.stripLeading().startsWith("* ")) {
        int at = rest.lastIndexOf(' ', COLUMNS);
        if (at <= indent.length() + 2) {
          break;
        }
        lines.add(rest.substring(0, at));
        rest = indent + "* " + rest.substring(at + 1);
        continue;
      }
      int implementsAt = rest.indexOf(" implements ");
      if (implementsAt > 0) {
        lines.add(rest.substring(0, implementsAt));
        rest = indent + "    " + rest.substring(implementsAt + 1);
        continue;
      }
      int at = rest.lastIndexOf(", ", COLUMNS - 1);
      if (at <= indent.length()) {
        break;
      }
      lines.add(rest.substring(0, at + 1));
      // A continuation of a continuation stays at the same depth.
      rest = (continued ? indent : indent + "    ") + rest.substring(at + 2);
      continued = true;
    }
    lines.add(rest);
    return lines;
  }

  static String stagesDescription(WorkflowModel model) {
    List<String> parts = new ArrayList<>();
    for (StageModel stage : model.stages()) {
      if (stage instanceof StageModel.Single single) {
        parts.add("{@code " + single.step().methodName() + "}");
      } else if (stage instanceof StageModel.Parallel parallel) {
        List<String> names = new ArrayList<>();
        for (StepModel step : parallel.branches()) {
          names.add("{@code " + step.methodName() + "}");
        }
        parts.add("parallel(" + String.join(", ", names) + ")");
      } else if (stage instanceof StageModel.ForEach each) {
        parts.add(
            "forEach({@code "
                + each.step().methodName()
                + "}"
                + (each.maxConcurrency() > 0 ? ", at most " + each.maxConcurrency() : "")
                + ")");
      }
    }
    return String.join(" \u2192 ", parts);
  }

  private void addRunMethods(TypeSpec.Builder type, WorkflowModel model, boolean direct) {
    TypeName out = model.outputType();
    List<ParameterSpec> params = new ArrayList<>();
    Set<String> used = new HashSet<>();
    for (WorkflowModel.Param p : model.runParams()) {
      params.add(ParameterSpec.builder(p.type(), p.name()).build());
      used.add(p.name());
    }
    String contextName = unique("context", used);
    CodeBlock input;
    if (model.runParams().isEmpty()) {
      input = CodeBlock.of("null");
    } else if (model.inputRecord() == null) {
      input = CodeBlock.of("$N", model.runParams().get(0).name());
    } else {
      CodeBlock.Builder b = CodeBlock.builder().add("new $T(", model.inputRecord().name());
      for (int i = 0; i < model.runParams().size(); i++) {
        b.add(i == 0 ? "$N" : ", $N", model.runParams().get(i).name());
      }
      input = b.add(")").build();
    }
    TypeName runReturn = model.runReturnType();
    boolean returnsVoid = runReturn.equals(TypeName.VOID);
    String paramDoc = paramDocs(model);
    boolean observed = direct && runsObserved(model);

    MethodSpec.Builder run =
        MethodSpec.methodBuilder("run")
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "Runs the workflow on the caller's thread and waits for the result.\n\n"
                    + paramDoc
                    + (returnsVoid ? "" : "@return the result\n")
                    + "@throws dev.tta.primitives.WorkflowException if a step failed\n")
            .addParameters(params)
            .returns(runReturn);
    CodeBlock names = paramNames(model);
    addRunBody(run, direct, observed, names, input, null, returnsVoid);
    type.addMethod(run.build());

    MethodSpec.Builder runWithContext =
        MethodSpec.methodBuilder("run")
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "Runs the workflow in {@code $L} (its id, metadata and runtime) and waits.\n\n"
                    + paramDoc
                    + "@param $L the run's context\n"
                    + (returnsVoid ? "" : "@return the result\n")
                    + "@throws dev.tta.primitives.WorkflowException if a step failed\n",
                contextName,
                contextName)
            .addParameters(params)
            .addParameter(CONTEXT, contextName)
            .returns(runReturn);
    addRunBody(runWithContext, direct, observed, names, input, contextName, returnsVoid);
    type.addMethod(runWithContext.build());
    if (direct) {
      type.addMethod(runDirectly(model, false));
    }
    if (observed) {
      type.addMethod(runDirectly(model, true));
    }

    type.addMethod(
        MethodSpec.methodBuilder("runAsync")
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "Starts the workflow on the runtime's executor; never blocks the caller.\n\n"
                    + paramDoc
                    + "@return the pending result; cancelling it cancels the run\n")
            .addParameters(params)
            .returns(ParameterizedTypeName.get(FUTURE, out))
            .addStatement("return this.runner.runAsync($L)", input)
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("runAsync")
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "Starts the workflow in {@code $L} on its runtime's executor.\n\n"
                    + paramDoc
                    + "@param $L the run's context\n"
                    + "@return the pending result; cancelling it cancels the run\n",
                contextName,
                contextName)
            .addParameters(params)
            .addParameter(CONTEXT, contextName)
            .returns(ParameterizedTypeName.get(FUTURE, out))
            .addStatement("return this.runner.runAsync($L, $N)", input, contextName)
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("execute")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .addParameter(model.inputType(), "input")
            .addParameter(CONTEXT, "context")
            .returns(ParameterizedTypeName.get(FUTURE, out))
            .addStatement("return this.runner.execute(input, context)")
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("graph")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .addJavadoc(
                "A picture of this workflow: a Mermaid flowchart of its stages and their policies"
                    + "\n(paste it into a Markdown {@code mermaid} block).\n\n"
                    + "@return the chart's text\n")
            .returns(String.class)
            .addStatement("return $S", GraphWriter.graph(model))
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("name")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(String.class)
            .addStatement("return $S", model.workflowName())
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("isBlocking")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(TypeName.BOOLEAN)
            .addStatement("return this.runner.isBlocking()")
            .build());
  }

  /**
   * The body of {@code run(params)} ({@code context} null) or {@code run(params, context)}: the
   * steps in place when the workflow and the runner allow it, else the runner's run.
   */
  private static void addRunBody(
      MethodSpec.Builder run,
      boolean direct,
      boolean observed,
      CodeBlock names,
      CodeBlock input,
      String context,
      boolean returnsVoid) {
    CodeBlock contextArg = context == null ? CodeBlock.of("") : CodeBlock.of("$N", context);
    CodeBlock.Builder args = CodeBlock.builder().add(names);
    args.add(names.isEmpty() ? "" : ", ").add(context == null ? CodeBlock.of("null") : contextArg);
    if (direct) {
      inPlace(run, "canRunDirectly", "runDirectly", contextArg, args.build(), returnsVoid);
    }
    if (observed) {
      inPlace(run, "canRunObserved", "runObserved", contextArg, args.build(), returnsVoid);
    }
    CodeBlock runArgs =
        context == null ? input : CodeBlock.builder().add(input).add(", ").add(contextArg).build();
    run.addStatement(returnsVoid ? "this.runner.run($L)" : "return this.runner.run($L)", runArgs);
  }

  /** {@code if (this.direct && this.runner.<check>(context)) return <method>(args);} */
  private static void inPlace(
      MethodSpec.Builder run,
      String check,
      String method,
      CodeBlock contextArg,
      CodeBlock args,
      boolean returnsVoid) {
    run.beginControlFlow("if (this.direct && this.runner.$N($L))", check, contextArg)
        .addStatement(returnsVoid ? "$N($L)" : "return $N($L)", method, args);
    if (returnsVoid) {
      run.addStatement("return");
    }
    run.endControlFlow();
  }

  /**
   * Whether a workflow that runs directly may also do so observed by interceptors: when none of its
   * steps has a policy that admits calls in place (a breaker, bulkhead or rate limit), whose state
   * changes an observed run must report through the primitives.
   */
  private static boolean runsObserved(WorkflowModel model) {
    for (StageModel stage : model.stages()) {
      StepModel step = ((StageModel.Single) stage).step();
      if (!PolicyWiring.inPlace(model, step, kind -> "permit").isEmpty()) {
        return false;
      }
    }
    return true;
  }

  private static CodeBlock paramNames(WorkflowModel model) {
    CodeBlock.Builder names = CodeBlock.builder();
    for (int i = 0; i < model.runParams().size(); i++) {
      names.add(i == 0 ? "$N" : ", $N", model.runParams().get(i).name());
    }
    return names.build();
  }

  /**
   * Whether {@code run} may call the steps in place: a plain sequence of synchronous steps whose
   * only policy is a retry without a time budget (its first attempt is a plain call anyway), and no
   * policy on the class. Anything else needs the primitives from the first step on.
   */
  private static boolean runsDirectly(WorkflowModel model) {
    if (!model.policies().isEmpty()) {
      return false;
    }
    for (StageModel stage : model.stages()) {
      if (!(stage instanceof StageModel.Single single)
          || single.step().kind() == StepModel.CallKind.ASYNC) {
        return false;
      }
      if (!PolicyWiring.runsDirectly(single.step().policies())) {
        return false;
      }
      for (Arg arg : single.step().args()) {
        if (arg instanceof Arg.FanIn || arg instanceof Arg.Cause) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * {@code runDirectly}: the steps called one after the other, each result in a local of the
   * method's declared type. The first throw hands the run to the runner, which goes on from that
   * stage through the primitives, so retries, later stages and errors are exactly theirs.
   *
   * <p>The body names the user class (a static step's call) and {@code WorkflowContext} (a new
   * context) as qualifiers, which a variable of the same name would obscure: the method being
   * private, its parameters are renamed away from them, and no local takes them either.
   */
  private static MethodSpec runDirectly(WorkflowModel model, boolean observed) {
    Set<String> used = new HashSet<>();
    used.add(model.userClass().topLevelClassName().simpleName());
    used.add(CONTEXT.simpleName());
    // Should JavaPoet have to qualify one of them, its package's first segment must stay free too.
    used.add(firstSegment(model.userClass().packageName()));
    used.add(firstSegment(CONTEXT.packageName()));
    List<ParameterSpec> params = new ArrayList<>();
    Map<String, String> names = new HashMap<>(); // run parameter -> here
    for (WorkflowModel.Param p : model.runParams()) {
      String name = claim(p.name(), used);
      names.put(p.name(), name);
      params.add(ParameterSpec.builder(p.type(), name).build());
    }
    String contextName = claim("context", used);
    CodeBlock runInput;
    if (model.runParams().isEmpty()) {
      runInput = CodeBlock.of("null");
    } else if (model.inputRecord() == null) {
      runInput = CodeBlock.of("$N", names.get(model.runParams().get(0).name()));
    } else {
      CodeBlock.Builder b = CodeBlock.builder().add("new $T(", model.inputRecord().name());
      for (int i = 0; i < model.runParams().size(); i++) {
        b.add(i == 0 ? "$N" : ", $N", names.get(model.runParams().get(i).name()));
      }
      runInput = b.add(")").build();
    }
    boolean needsContext =
        !observed
            && model.steps().stream()
                .anyMatch(step -> step.args().stream().anyMatch(arg -> arg instanceof Arg.Context));
    String own = needsContext ? claim("runContext", used) : contextName;
    String failure = claim("failure", used);
    String observation = observed ? claim("run", used) : null;
    boolean returnsVoid = model.runReturnType().equals(TypeName.VOID);
    MethodSpec.Builder method =
        MethodSpec.methodBuilder(observed ? "runObserved" : "runDirectly")
            .addModifiers(Modifier.PRIVATE)
            .addJavadoc(
                observed
                    ? "{@code runDirectly}, each step call observed by the runtime's interceptors"
                        + " and current\naround its method. The first failure goes on through"
                        + " the primitives under the\nsame observations.\n"
                    : "The steps called in place while they succeed. The first failure goes on"
                        + " through the primitives\n(a retry's next attempts, later stages, the"
                        + " exception naming the step).\n")
            .addParameters(params)
            .addParameter(CONTEXT, contextName)
            .returns(model.runReturnType());
    if (observed) {
      method.addStatement(
          "$T $N = this.runner.observeDirectRun($N)", DIRECT_RUN, observation, contextName);
    }
    if (needsContext) {
      method.addStatement(
          "$T $N = $N == null\n$>$>? $T.create($S, this.runtime)\n: $N.withWorkflowName($S)$<$<",
          CONTEXT,
          own,
          contextName,
          CONTEXT,
          model.workflowName(),
          contextName,
          model.workflowName());
    }
    CodeBlock previous = null; // the local holding the last result; null after a void step
    TypeName previousType = null; // its declared type
    CodeBlock stageInput = runInput;
    int index = 0;
    for (StageModel stage : model.stages()) {
      StepModel step = ((StageModel.Single) stage).step();
      String call = observed ? claim(step.methodName() + "Observation", used) : null;
      CodeBlock.Builder args = CodeBlock.builder();
      for (int i = 0; i < step.args().size(); i++) {
        Arg arg = step.args().get(i);
        args.add(i == 0 ? "" : ", ");
        if (arg instanceof Arg.Whole && index > 0) {
          args.add(passedAs(previous, previousType, step, i));
        } else if (arg instanceof Arg.Whole || arg instanceof Arg.Component) {
          // Only the first stage: a run parameter, of the parameter's own type.
          WorkflowModel.Param param =
              arg instanceof Arg.Component component
                  ? model.runParams().stream()
                      .filter(p -> p.name().equals(component.accessor()))
                      .findFirst()
                      .orElseThrow()
                  : model.runParams().get(0);
          args.add(passedAs(CodeBlock.of("$N", names.get(param.name())), param.type(), step, i));
        } else if (observed) {
          args.add("$N.context()", call);
        } else {
          args.add("$N", own);
        }
      }
      CodeBlock invocation =
          step.isStatic()
              ? CodeBlock.of("$T.$N($L)", model.userClass(), step.methodName(), args.build())
              : CodeBlock.of("this.steps.$N($L)", step.methodName(), args.build());
      boolean isVoid = step.kind() == StepModel.CallKind.VOID;
      // A breaker, bulkhead or rate limit sees the call made in place; one that will not let it
      // happen now (open, full, no permit) hands the stage to the primitives, which refuse or wait.
      List<PolicyKind.InPlace> guards =
          PolicyWiring.inPlace(
              model, step, kind -> claim(step.methodName() + kind.simpleName() + "Permit", used));
      CodeBlock inputHere = stageInput == null ? CodeBlock.of("null") : stageInput;
      for (int g = 0; g < guards.size(); g++) {
        PolicyKind.InPlace guard = guards.get(g);
        if (guard.enter() != null) {
          method.addStatement("$L", guard.enter());
        }
        method.beginControlFlow("if ($L)", guard.refused());
        for (int u = g - 1; u >= 0; u--) {
          if (guards.get(u).undo() != null) {
            method.addStatement("$L", guards.get(u).undo());
          }
        }
        CodeBlock through =
            CodeBlock.of("this.runner.continueAt($L, $L, $N)", index, inputHere, own);
        if (returnsVoid) {
          method.addStatement("$L", through).addStatement("return");
        } else {
          method.addStatement("return $L", through);
        }
        method.endControlFlow();
      }
      String local = isVoid ? null : claim(step.methodName(), used);
      if (!isVoid) {
        method.addStatement("$T $N", step.returnType(), local);
      }
      if (observed) {
        method.addStatement(
            "$T $N = $N.enter($S)", DIRECT_CALL, call, observation, step.stepName());
      }
      method.beginControlFlow("try");
      if (isVoid) {
        method.addStatement("$L", invocation);
      } else {
        method.addStatement("$N = $L", local, invocation);
      }
      method.nextControlFlow("catch ($T $N)", Throwable.class, failure);
      exitGuards(method, guards, CodeBlock.of("$N", failure));
      CodeBlock rest =
          CodeBlock.of(
              "this.runner.afterFailure($L, $L, $N, $N)",
              index,
              stageInput == null ? CodeBlock.of("null") : stageInput,
              failure,
              observed ? call : own);
      if (returnsVoid) {
        method.addStatement("$L", rest).addStatement("return");
      } else {
        method.addStatement("return $L", rest);
      }
      method.endControlFlow();
      exitGuards(method, guards, CodeBlock.of("null"));
      if (observed) {
        method.addStatement("$N.exit()", call);
      }
      previous = isVoid ? null : CodeBlock.of("$N", local);
      previousType = isVoid ? null : step.returnType();
      stageInput = previous;
      index++;
    }
    if (observed) {
      method.addStatement("$N.end()", observation);
    }
    if (!returnsVoid) {
      method.addStatement("return $L", previous);
    }
    return method.build();
  }

  /** Leaves a direct call's policies, innermost first, after it threw {@code failure} (or not). */
  private static void exitGuards(
      MethodSpec.Builder method, List<PolicyKind.InPlace> guards, CodeBlock failure) {
    for (int g = guards.size() - 1; g >= 0; g--) {
      if (guards.get(g).exit() != null) {
        method.addStatement("$L", guards.get(g).exit().apply(failure));
      }
    }
  }

  private static String paramDocs(WorkflowModel model) {
    StringBuilder sb = new StringBuilder();
    for (WorkflowModel.Param p : model.runParams()) {
      sb.append("@param ").append(p.name()).append(" the workflow input\n");
    }
    return sb.toString();
  }

  /** {@code WorkflowPrimitive<? super In, ? extends Out>}: what a step's call may be. */
  static TypeName callType(StepModel step) {
    return ParameterizedTypeName.get(
        PRIMITIVE,
        WildcardTypeName.supertypeOf(step.inputType()),
        WildcardTypeName.subtypeOf(step.valueType()));
  }

  static MethodSpec callFactory(WorkflowModel model, StepModel step) {
    CodeBlock.Builder passed = CodeBlock.builder();
    for (int i = 0; i < step.args().size(); i++) {
      Arg arg = step.args().get(i);
      CodeBlock value = Snippets.arg(arg, "in", "cause", "context");
      // The input, and the Input record's components, are boxed.
      TypeName type =
          arg instanceof Arg.Whole
              ? step.inputType()
              : arg instanceof Arg.Component ? step.paramTypes().get(i).box() : null;
      passed.add(i == 0 ? "" : ",$W").add(type == null ? value : passedAs(value, type, step, i));
    }
    CodeBlock args = passed.build();
    CodeBlock call =
        step.isStatic()
            ? CodeBlock.of("$T.$N($L)", model.userClass(), step.methodName(), args)
            : CodeBlock.of("steps.$N($L)", step.methodName(), args);
    CodeBlock body;
    switch (step.kind()) {
      case VOID ->
          body = CodeBlock.builder().addStatement("$L", call).addStatement("return null").build();
      default -> body = CodeBlock.builder().addStatement("return $L", call).build();
    }
    if (step.wrapsThrowable()) {
      body =
          CodeBlock.builder()
              .beginControlFlow("try")
              .add(body)
              .nextControlFlow("catch ($T | $T e)", Exception.class, Error.class)
              .addStatement("throw e")
              .nextControlFlow("catch ($T t)", Throwable.class)
              .addStatement("throw new $T(t)", COMPLETION_EXCEPTION)
              .endControlFlow()
              .build();
    }
    String factory = step.kind() == StepModel.CallKind.ASYNC ? "ofAsync" : "of";
    MethodSpec.Builder method =
        MethodSpec.methodBuilder(callFactoryName(step))
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
            .returns(ParameterizedTypeName.get(PRIMITIVE, step.inputType(), step.valueType()));
    // A static step needs no instance: no parameter, which would go unused.
    if (!step.isStatic()) {
      method
          .addParameter(model.userClass(), "steps")
          .addStatement("$T.requireNonNull(steps, $S)", OBJECTS, "steps");
    }
    return method
        .addCode(
            "return $T.<$T, $T>$L($S,$W($T in, $T context) -> {\n$>$L$<});\n",
            LAMBDA,
            step.inputType(),
            step.valueType(),
            factory,
            step.stepName(),
            step.inputType(),
            CONTEXT,
            body)
        .build();
  }

  /** {@code compose()}: the stages into a list, one statement each, then the sequence. */
  private static MethodSpec compose(WorkflowModel model, PolicyWiring policies) {
    TypeName anyPrimitive =
        ParameterizedTypeName.get(
            PRIMITIVE,
            WildcardTypeName.subtypeOf(Object.class),
            WildcardTypeName.subtypeOf(Object.class));
    CodeBlock.Builder code =
        CodeBlock.builder()
            .addStatement(
                "$T stages = new $T<>()",
                ParameterizedTypeName.get(LIST, anyPrimitive),
                ARRAY_LIST);
    int index = 0;
    for (StageModel stage : model.stages()) {
      index++;
      if (stage instanceof StageModel.Single single) {
        code.addStatement("stages.add($L)", stepPrimitive(policies, single.step()));
      } else if (stage instanceof StageModel.Parallel parallel) {
        CodeBlock.Builder branches = CodeBlock.builder();
        for (int b = 0; b < parallel.branches().size(); b++) {
          branches.add(
              b == 0 ? "$L" : ",\n$L", stepPrimitive(policies, parallel.branches().get(b)));
        }
        TypeName listOfObject = ParameterizedTypeName.get(LIST, ClassName.get(Object.class));
        CodeBlock.Builder construct = CodeBlock.builder().add("new $T(", parallel.result().name());
        List<RecordModel.Component> components = parallel.result().components();
        for (int c = 0; c < components.size(); c++) {
          construct.add(
              c == 0 ? "($T) r.get($L)" : ",$W($T) r.get($L)", components.get(c).type(), c);
        }
        construct.add(")");
        code.add(
            "stages.add(\n$>$>$T.<$T, $T>of(\n$>$>$L)$<$<\n"
                + ".then($T.<$T, $T>of($S,$W($T r) ->$W$L))$<$<);\n",
            PARALLEL,
            parallel.inputType(),
            Object.class,
            branches.build(),
            LAMBDA,
            listOfObject,
            parallel.result().name(),
            "stage " + index + " results",
            listOfObject,
            construct.build());
      } else if (stage instanceof StageModel.ForEach each) {
        if (each.arrayType() != null) {
          code.addStatement("stages.add($L)", arrayToList(each, index));
        }
        code.addStatement(
            "stages.add($T.forEach($L,$W$L))",
            PARALLEL,
            stepPrimitive(policies, each.step()),
            each.maxConcurrency());
      }
    }
    code.addStatement("return $T.ofUnchecked(stages)", SEQUENTIAL);
    MethodSpec.Builder method = MethodSpec.methodBuilder("compose");
    if (castsUnchecked(model)) {
      method.addAnnotation(suppressWarnings(List.of("unchecked")));
    }
    return method
        .addJavadoc(
            "The stages in order; each step's failures name the step. Policies nest as\n$L.\n",
            PolicyKinds.nesting())
        .addModifiers(Modifier.PRIVATE)
        .returns(ParameterizedTypeName.get(PRIMITIVE, model.inputType(), model.outputType()))
        .addCode(code.build())
        .build();
  }

  static AnnotationSpec suppressWarnings(List<String> tokens) {
    CodeBlock.Builder value = CodeBlock.builder();
    for (int i = 0; i < tokens.size(); i++) {
      value.add(i == 0 ? "$S" : ", $S", tokens.get(i));
    }
    return AnnotationSpec.builder(SuppressWarnings.class)
        .addMember("value", tokens.size() == 1 ? "$L" : "{$L}", value.build())
        .build();
  }

  /**
   * Whether {@code compose()} casts a parallel branch's result (an {@code Object}) to a type that
   * is not reifiable, an unchecked cast.
   */
  private static boolean castsUnchecked(WorkflowModel model) {
    for (StageModel stage : model.stages()) {
      if (stage instanceof StageModel.Parallel parallel) {
        for (RecordModel.Component component : parallel.result().components()) {
          if (!reifiable(component.type())) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** Whether a cast to {@code type} can be checked at run time (JLS 4.7). */
  private static boolean reifiable(TypeName type) {
    if (type instanceof ArrayTypeName array) {
      return reifiable(array.componentType());
    }
    if (type instanceof ParameterizedTypeName parameterized) {
      for (TypeName argument : parameterized.typeArguments()) {
        if (!(argument instanceof WildcardTypeName wildcard)
            || !wildcard.upperBounds().equals(List.of(ClassName.OBJECT))
            || !wildcard.lowerBounds().isEmpty()) {
          return false;
        }
      }
      return true;
    }
    return type.isPrimitive() || type instanceof ClassName;
  }

  /** Step( policies( call )): the step's call in its policies, as far as it has any. */
  private static CodeBlock stepPrimitive(PolicyWiring policies, StepModel step) {
    return CodeBlock.of(
        "$T.<$T, $T>of($S,$W$L)",
        STEP,
        step.inputType(),
        step.valueType(),
        step.stepName(),
        policies.step(step));
  }

  /**
   * {@code value}, of type {@code type}, as the argument for parameter {@code index} of {@code
   * step}'s method: cast to the parameter's declared type when it has another (a box, a narrower
   * type, an array into varargs), so that javac calls the step method itself and not an overload
   * that fits the value's own type better, and reads an array as the varargs array.
   */
  private static CodeBlock passedAs(CodeBlock value, TypeName type, StepModel step, int index) {
    TypeName declared = step.paramTypes().get(index);
    return type.equals(declared) ? value : CodeBlock.of("($T) $L", declared, value);
  }

  private static CodeBlock arrayToList(StageModel.ForEach each, int index) {
    TypeName element = each.step().inputType();
    TypeName array = each.arrayType();
    TypeName component = ((ArrayTypeName) array).componentType();
    TypeName listType = ParameterizedTypeName.get(LIST, element);
    return CodeBlock.of(
        "$T.<$T, $T>of($S, ($T a) -> {\n$>"
            + "$T list = new $T<>(a.length);\n"
            + "for ($T e : a) {\n$>list.add(e);\n$<}\n"
            + "return list;\n$<})",
        LAMBDA,
        array,
        listType,
        "stage " + index + " elements",
        array,
        listType,
        ARRAY_LIST,
        component);
  }

  private static TypeSpec record(RecordModel record) {
    MethodSpec.Builder constructor = MethodSpec.constructorBuilder();
    StringBuilder doc = new StringBuilder(record.javadoc()).append("\n\n");
    for (RecordModel.Component c : record.components()) {
      constructor.addParameter(c.type(), c.name());
      String what = record.name().simpleName().equals("Input") ? "the parameter" : "the result of";
      doc.append("@param ")
          .append(c.name())
          .append(" ")
          .append(what)
          .append(" {@code ")
          .append(c.name())
          .append("}\n");
    }
    return TypeSpec.recordBuilder(record.name())
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .addJavadoc(doc.toString().replace("$", "$$"))
        .recordConstructor(constructor.build())
        .build();
  }

  /** Suffixed so a step named like a member of the class ({@code runner}, say) cannot clash. */
  static String fieldName(StepModel step) {
    return step.methodName() + "Call";
  }

  static String callFactoryName(StepModel step) {
    return "new" + capitalize(step.methodName()) + "Call";
  }

  static String capitalize(String name) {
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }

  private static String firstSegment(String packageName) {
    int dot = packageName.indexOf('.');
    return dot < 0 ? packageName : packageName.substring(0, dot);
  }

  /** {@link #unique}, and takes the name. */
  private static String claim(String name, Set<String> used) {
    String claimed = unique(name, used);
    used.add(claimed);
    return claimed;
  }

  private static String unique(String name, Set<String> used) {
    String candidate = name;
    while (used.contains(candidate)) {
      candidate = candidate + "_";
    }
    return candidate;
  }
}

package dev.tta.primitives.processor.writing;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.tta.primitives.processor.model.DurableModel;
import dev.tta.primitives.processor.model.PolicyModel;
import dev.tta.primitives.processor.model.StageModel;
import dev.tta.primitives.processor.model.StepModel;
import dev.tta.primitives.processor.model.WorkflowModel;
import dev.tta.primitives.processor.policy.FallbackKind;
import dev.tta.primitives.processor.policy.PolicyKind;
import dev.tta.primitives.processor.policy.PolicyKinds;
import dev.tta.primitives.processor.policy.RetryKind;
import dev.tta.primitives.processor.policy.Site;
import dev.tta.primitives.processor.policy.TimeoutKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code <Name>Temporal} for a {@code @Durable} workflow: a Temporal workflow generated from
 * the stages alone (so it is deterministic by construction), an activity per step and per fallback
 * that calls the user's method in the worker, and the client API ({@code register}, {@code run},
 * {@code start}, {@code result}). Only Temporal's typed stubs dispatch: the workflow calls a
 * generated {@code @ActivityInterface}, whose implementation calls the user's methods directly.
 */
public final class TemporalWriter {

  private static final String TEMPORAL = "dev.tta.primitives.temporal";
  private static final ClassName DURABLE_STEP = ClassName.get(TEMPORAL, "DurableStep");
  private static final ClassName DURABLE_ACTIVITY = ClassName.get(TEMPORAL, "DurableActivity");
  private static final ClassName DURABLE_WORKFLOW = ClassName.get(TEMPORAL, "DurableWorkflow");
  private static final ClassName DURABLE_CLIENT = ClassName.get(TEMPORAL, "DurableClient");
  private static final ClassName DURABLE_CAUSE = ClassName.get(TEMPORAL, "DurableCause");
  private static final ClassName CLIENT = ClassName.get("io.temporal.client", "WorkflowClient");
  private static final ClassName CLIENT_FAILURE =
      ClassName.get("io.temporal.client", "WorkflowException");
  private static final ClassName WORKER = ClassName.get("io.temporal.worker", "Worker");
  private static final ClassName WORKFLOW_INTERFACE =
      ClassName.get("io.temporal.workflow", "WorkflowInterface");
  private static final ClassName WORKFLOW_METHOD =
      ClassName.get("io.temporal.workflow", "WorkflowMethod");
  private static final ClassName ACTIVITY_INTERFACE =
      ClassName.get("io.temporal.activity", "ActivityInterface");
  private static final ClassName ACTIVITY_METHOD =
      ClassName.get("io.temporal.activity", "ActivityMethod");
  private static final ClassName ACTIVITY_OPTIONS =
      ClassName.get("io.temporal.activity", "ActivityOptions");
  private static final ClassName TEMPORAL_WORKFLOW =
      ClassName.get("io.temporal.workflow", "Workflow");
  private static final ClassName ASYNC = ClassName.get("io.temporal.workflow", "Async");
  private static final ClassName PROMISE = ClassName.get("io.temporal.workflow", "Promise");
  private static final ClassName APPLICATION_FAILURE =
      ClassName.get("io.temporal.failure", "ApplicationFailure");
  private static final ClassName RUNTIME_TYPE = Snippets.runtime("WorkflowRuntime");
  private static final ClassName PRIMITIVE = Snippets.runtime("WorkflowPrimitive");
  private static final ClassName TUNING =
      ClassName.get(Snippets.RUNTIME, "PolicyOverrides", "Tuning");
  private static final ClassName GENERATED =
      ClassName.get("javax.annotation.processing", "Generated");
  private static final ClassName OBJECTS = ClassName.get("java.util", "Objects");
  private static final ClassName MAP = ClassName.get("java.util", "Map");
  private static final ClassName LIST = ClassName.get("java.util", "List");
  private static final ClassName ARRAY_LIST = ClassName.get("java.util", "ArrayList");

  /** The kinds that apply inside the activity, in the worker; the others map to Temporal's. */
  private static final List<PolicyKind<?>> IN_WORKER =
      List.of(
          PolicyKinds.CIRCUIT_BREAKER,
          PolicyKinds.HEDGE,
          PolicyKinds.RATE_LIMIT,
          PolicyKinds.BULKHEAD);

  private static final Set<String> COVERS_TIMEOUT =
      Set.of("java.lang.Throwable", "java.lang.Exception", "java.util.concurrent.TimeoutException");

  /**
   * Builds the source file of {@code durable}'s Temporal class.
   *
   * @param model the checked workflow
   * @param durable what {@code @Durable} adds
   * @param origin the annotated class
   * @param inPackage whether the workflow's package has a type of a given simple name
   * @return the file
   */
  public JavaFile write(
      WorkflowModel model, DurableModel durable, Element origin, Predicate<String> inPackage) {
    ClassName self = durable.generatedClass();
    ClassName definition = self.nestedClass("Definition");
    ClassName activities = self.nestedClass("Activities");
    TypeSpec.Builder type =
        TypeSpec.classBuilder(self)
            .addOriginatingElement(origin)
            .addAnnotation(
                AnnotationSpec.builder(GENERATED)
                    .addMember("value", "$S", WorkflowWriter.PROCESSOR)
                    .build())
            .addModifiers(Modifier.FINAL)
            .addJavadoc(
                "The workflow of {@link $T} on Temporal, generated from its annotations: each step"
                    + " runs as\nthe activity {@code $L.<step>} on task queue {@code $L}.\n\n"
                    + "<p>Stages: $L.\n\n"
                    + "<p>In each worker process, {@link #register} the steps on a {@code Worker};"
                    + " from any\nprocess, {@link #run} a workflow, or {@link #start} one and"
                    + " later take its {@link #result}.\n",
                model.userClass(),
                model.workflowName(),
                durable.taskQueue(),
                WorkflowWriter.stagesDescription(model));
    if (!model.suppressedWarnings().isEmpty()) {
      type.addAnnotation(WorkflowWriter.suppressWarnings(model.suppressedWarnings()));
    }
    if (model.isPublic()) {
      type.addModifiers(Modifier.PUBLIC);
    }
    type.addField(
        FieldSpec.builder(
                String.class, "WORKFLOW_TYPE", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("The Temporal workflow type: the workflow's name.\n")
            .initializer("$S", model.workflowName())
            .build());
    type.addField(
        FieldSpec.builder(
                String.class, "TASK_QUEUE", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("The task queue the workers of this workflow poll.\n")
            .initializer("$S", durable.taskQueue())
            .build());
    TimeoutKind.Model runTimeout = model.policies().get(PolicyKinds.TIMEOUT);
    type.addField(
        FieldSpec.builder(
                Duration.class, "RUN_TIMEOUT", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("The run's time limit (the class's {@code @Timeout}), or none.\n")
            .initializer(
                runTimeout == null ? CodeBlock.of("null") : Snippets.duration(runTimeout.value()))
            .build());
    for (StepModel step : model.steps()) {
      RetryKind.Model retry = step.policies().get(PolicyKinds.RETRY);
      type.addField(
          FieldSpec.builder(
                  DURABLE_STEP,
                  stepConstant(step),
                  Modifier.PRIVATE,
                  Modifier.STATIC,
                  Modifier.FINAL)
              .initializer(
                  "$T.of($S, $S, $L)",
                  DURABLE_STEP,
                  model.workflowName(),
                  step.stepName(),
                  retry == null ? 1 : retry.max())
              .build());
    }
    type.addField(CLIENT, "client", Modifier.PRIVATE, Modifier.FINAL);
    type.addMethod(
        MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "Runs and attaches to workflows through {@code client}.\n\n"
                    + "@param client the client of the Temporal service the workers poll\n")
            .addParameter(CLIENT, "client")
            .addStatement("this.client = $T.requireNonNull(client, $S)", OBJECTS, "client")
            .build());
    addRegister(type, model);
    addClientMethods(type, model, definition);
    type.addType(definitionInterface(model));
    type.addType(activitiesInterface(model));
    type.addType(implementation(model, definition, activities));
    type.addType(steps(model, activities));
    return WorkflowWriter.finish(self, type.build(), inPackage);
  }

  private static void addRegister(TypeSpec.Builder type, WorkflowModel model) {
    type.addMethod(
        MethodSpec.methodBuilder("register")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .addJavadoc(
                "Registers the workflow and its steps' activities on {@code worker}, the steps"
                    + " running on the\ndefault runtime. Call it before the worker's factory"
                    + " starts.\n\n"
                    + "@param worker a worker polling {@link #TASK_QUEUE}\n"
                    + "@param steps the object whose methods are the steps\n")
            .addParameter(WORKER, "worker")
            .addParameter(model.userClass(), "steps")
            .addStatement("register(worker, steps, $T.defaults())", RUNTIME_TYPE)
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("register")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .addJavadoc(
                "Registers the workflow and its steps' activities on {@code worker}, the steps"
                    + " running on\n{@code runtime} (its executor, scheduler and clock serve the"
                    + " policies that apply in the\nworker: circuit breaker, bulkhead, rate limit,"
                    + " hedge). Call it before the worker's factory\nstarts.\n\n"
                    + "@param worker a worker polling {@link #TASK_QUEUE}\n"
                    + "@param steps the object whose methods are the steps\n"
                    + "@param runtime the runtime the steps' calls run on\n")
            .addParameter(WORKER, "worker")
            .addParameter(model.userClass(), "steps")
            .addParameter(RUNTIME_TYPE, "runtime")
            .addStatement("$T.requireNonNull(worker, $S)", OBJECTS, "worker")
            .addStatement("$T.requireNonNull(steps, $S)", OBJECTS, "steps")
            .addStatement("$T.requireNonNull(runtime, $S)", OBJECTS, "runtime")
            .addStatement(
                "worker.registerWorkflowImplementationFactory(Definition.class,"
                    + " Implementation::new)")
            .addStatement("worker.registerActivitiesImplementations(new Steps(steps, runtime))")
            .build());
  }

  private static void addClientMethods(
      TypeSpec.Builder type, WorkflowModel model, ClassName definition) {
    List<ParameterSpec> params = new ArrayList<>();
    Set<String> used = new HashSet<>();
    StringBuilder paramDocs = new StringBuilder();
    for (WorkflowModel.Param p : model.runParams()) {
      params.add(ParameterSpec.builder(p.type(), p.name()).build());
      used.add(p.name());
      paramDocs.append("@param ").append(p.name()).append(" the workflow input\n");
    }
    String stub = unique("stub", used);
    String failure = unique("failure", used);
    String workflowId = unique("workflowId", used);
    CodeBlock input = input(model);
    // Qualified: a run parameter may be named like a constant.
    ClassName self = definition.enclosingClassName();
    TypeName runReturn = model.runReturnType();
    boolean returnsVoid = runReturn.equals(TypeName.VOID);
    CodeBlock call =
        model.runParams().isEmpty()
            ? CodeBlock.of("$N.run()", stub)
            : CodeBlock.of("$N.run($L)", stub, input);

    MethodSpec.Builder run =
        MethodSpec.methodBuilder("run")
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "Runs the workflow on Temporal under an id Temporal makes up, and waits for its"
                    + " result.\n\n"
                    + paramDocs
                    + (returnsVoid ? "" : "@return the result\n")
                    + "@throws dev.tta.primitives.WorkflowException if a step failed for good (it"
                    + " names the step;\n    its cause is Temporal's failure of the activity) or"
                    + " the run failed\n")
            .addParameters(params)
            .returns(runReturn)
            .addCode(newStub(definition, stub, CodeBlock.of("null")))
            .addCode(
                failingAsWorkflowException(
                    CodeBlock.of(returnsVoid ? "$L;\n" : "return $L;\n", call), failure, self));
    type.addMethod(run.build());

    CodeBlock startCall =
        model.runParams().isEmpty()
            ? CodeBlock.of("$T.start($N::run)", CLIENT, stub)
            : CodeBlock.of("$T.start($N::run,$W$L)", CLIENT, stub, input);
    type.addMethod(
        MethodSpec.methodBuilder("start")
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "Starts the workflow on Temporal under {@code $L} and returns without waiting;"
                    + " {@link #result}\ntakes its result, from this or any other process.\n\n"
                    + paramDocs
                    + "@param $L the run's workflow id\n"
                    + "@return {@code $L}\n"
                    + "@throws dev.tta.primitives.WorkflowException if Temporal refused the start"
                    + " (a run with this\n    id is still open, say)\n",
                workflowId,
                workflowId,
                workflowId)
            .addParameters(params)
            .addParameter(String.class, workflowId)
            .returns(String.class)
            .addStatement("$T.requireNonNull($N, $S)", OBJECTS, workflowId, workflowId)
            .addCode(newStub(definition, stub, CodeBlock.of("$N", workflowId)))
            .addCode(failingAsWorkflowException(CodeBlock.of("$L;\n", startCall), failure, self))
            .addStatement("return $N", workflowId)
            .build());

    CodeBlock attach =
        model.runParams().isEmpty() ? CodeBlock.of("stub.run()") : CodeBlock.of("stub.run(null)");
    MethodSpec.Builder result =
        MethodSpec.methodBuilder("result")
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "Waits for the result of the run started under {@code workflowId}, by {@link"
                    + " #start} in this\nor any other process (its input is not needed"
                    + " again).\n\n"
                    + "@param workflowId the run's workflow id\n"
                    + (returnsVoid ? "" : "@return the result\n")
                    + "@throws dev.tta.primitives.WorkflowException if a step failed for good or"
                    + " the run failed\n")
            .addParameter(String.class, "workflowId")
            .returns(runReturn)
            .addStatement("$T.requireNonNull(workflowId, $S)", OBJECTS, "workflowId")
            // A stub bound to a started run waits for that run's result when its method is called.
            .addStatement(
                "$T stub = this.client.newWorkflowStub($T.class, workflowId)",
                definition,
                definition)
            .addCode(
                failingAsWorkflowException(
                    CodeBlock.of(returnsVoid ? "$L;\n" : "return $L;\n", attach), "failure", self));
    type.addMethod(result.build());
  }

  /** {@code Definition stub = client.newWorkflowStub(...)} with the run's options. */
  private static CodeBlock newStub(ClassName definition, String stub, CodeBlock workflowId) {
    ClassName self = definition.enclosingClassName();
    return CodeBlock.builder()
        .addStatement(
            "$T $N =$W$N.client.newWorkflowStub($T.class,$W$T.options($T.TASK_QUEUE, $L,"
                + " $T.RUN_TIMEOUT))",
            definition,
            stub,
            "this",
            definition,
            DURABLE_CLIENT,
            self,
            workflowId,
            self)
        .build();
  }

  /** {@code body} in a try whose catch turns Temporal's client failure into ours. */
  private static CodeBlock failingAsWorkflowException(
      CodeBlock body, String failure, ClassName self) {
    return CodeBlock.builder()
        .beginControlFlow("try")
        .add(body)
        .nextControlFlow("catch ($T $N)", CLIENT_FAILURE, failure)
        .addStatement("throw $T.failure($T.WORKFLOW_TYPE, $N)", DURABLE_CLIENT, self, failure)
        .endControlFlow()
        .build();
  }

  /** The run's input from {@code run}'s parameters: nothing, the one, or the Input record. */
  private static CodeBlock input(WorkflowModel model) {
    if (model.runParams().isEmpty()) {
      return CodeBlock.of("null");
    }
    if (model.inputRecord() == null) {
      return CodeBlock.of("$N", model.runParams().get(0).name());
    }
    CodeBlock.Builder b = CodeBlock.builder().add("new $T(", model.inputRecord().name());
    for (int i = 0; i < model.runParams().size(); i++) {
      b.add(i == 0 ? "$N" : ", $N", model.runParams().get(i).name());
    }
    return b.add(")").build();
  }

  private static TypeSpec definitionInterface(WorkflowModel model) {
    MethodSpec.Builder run =
        MethodSpec.methodBuilder("run")
            .addModifiers(Modifier.PUBLIC, Modifier.ABSTRACT)
            .addAnnotation(
                AnnotationSpec.builder(WORKFLOW_METHOD)
                    .addMember("name", "$S", model.workflowName())
                    .build())
            .addJavadoc(
                "Runs the stages.\n\n"
                    + (model.runParams().isEmpty() ? "" : "@param input the workflow input\n")
                    + "@return the result\n")
            .returns(model.outputType());
    if (!model.runParams().isEmpty()) {
      run.addParameter(model.inputType(), "input");
    }
    return TypeSpec.interfaceBuilder("Definition")
        .addModifiers(Modifier.PUBLIC)
        .addAnnotation(WORKFLOW_INTERFACE)
        .addJavadoc(
            "The Temporal workflow interface, of type {@link #WORKFLOW_TYPE}; its implementation"
                + " is generated.\n")
        .addMethod(run.build())
        .build();
  }

  private static TypeSpec activitiesInterface(WorkflowModel model) {
    TypeSpec.Builder type =
        TypeSpec.interfaceBuilder("Activities")
            .addModifiers(Modifier.PUBLIC)
            .addAnnotation(ACTIVITY_INTERFACE)
            .addJavadoc(
                "The activities: one per step, named {@code <workflow>.<step>}, and one per"
                    + " fallback, named\n{@code <workflow>.<step>.<fallback method>}.\n");
    for (StepModel step : model.steps()) {
      type.addMethod(
          MethodSpec.methodBuilder(step.methodName())
              .addModifiers(Modifier.PUBLIC, Modifier.ABSTRACT)
              .addAnnotation(activityName(model.workflowName() + "." + step.stepName()))
              .addJavadoc(
                  "Calls step {@code $L}.\n\n@param input what flows in\n@return its value\n",
                  step.stepName())
              .addParameter(step.inputType(), "input")
              .returns(step.valueType())
              .build());
      List<FallbackKind.Model> chain = fallbacks(step);
      for (int k = 0; k < chain.size(); k++) {
        type.addMethod(
            MethodSpec.methodBuilder(fallbackMethod(step, k))
                .addModifiers(Modifier.PUBLIC, Modifier.ABSTRACT)
                .addAnnotation(
                    activityName(
                        model.workflowName() + "." + step.stepName() + "." + chain.get(k).method()))
                .addJavadoc(
                    "Calls fallback {@code $L} of step {@code $L}.\n\n"
                        + "@param input what flows into the step\n"
                        + "@param cause the failure it handles\n"
                        + "@return its value\n",
                    chain.get(k).method(),
                    step.stepName())
                .addParameter(step.inputType(), "input")
                .addParameter(DURABLE_CAUSE, "cause")
                .returns(step.valueType())
                .build());
      }
    }
    return type.build();
  }

  private static AnnotationSpec activityName(String name) {
    return AnnotationSpec.builder(ACTIVITY_METHOD).addMember("name", "$S", name).build();
  }

  /** The workflow implementation: the stages in order, each step an activity call. */
  private static TypeSpec implementation(
      WorkflowModel model, ClassName definition, ClassName activities) {
    TypeName optionsMap =
        ParameterizedTypeName.get(MAP, ClassName.get(String.class), ACTIVITY_OPTIONS);
    CodeBlock.Builder entries = CodeBlock.builder();
    List<StepModel> steps = model.steps();
    for (int i = 0; i < steps.size(); i++) {
      StepModel step = steps.get(i);
      entries.add(
          i == 0 ? "\n$T.entry($S, $L)" : ",\n$T.entry($S, $L)",
          MAP,
          model.workflowName() + "." + step.stepName(),
          activityOptions(step.policies()));
    }
    MethodSpec.Builder run =
        MethodSpec.methodBuilder("run")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(model.outputType());
    String previous = "null";
    if (!model.runParams().isEmpty()) {
      run.addParameter(model.inputType(), "input");
      previous = "input";
    }
    int index = 0;
    for (StageModel stage : model.stages()) {
      index++;
      String result = "s" + index;
      if (stage instanceof StageModel.Single single) {
        run.addStatement(
            "$T $N = $L", single.outputType(), result, stepCall(single.step(), previous));
      } else if (stage instanceof StageModel.Parallel parallel) {
        List<String> branches = new ArrayList<>();
        for (int b = 0; b < parallel.branches().size(); b++) {
          StepModel branch = parallel.branches().get(b);
          String promise = result + "b" + b;
          branches.add(promise);
          run.addStatement(
              "$T $N =$W$T.function(() ->$W$L)",
              ParameterizedTypeName.get(PROMISE, branch.valueType()),
              promise,
              ASYNC,
              stepCall(branch, previous));
        }
        run.addStatement("$T.all($L)", DURABLE_WORKFLOW, String.join(", ", branches));
        CodeBlock.Builder construct = CodeBlock.builder().add("new $T(", parallel.result().name());
        for (int b = 0; b < branches.size(); b++) {
          construct.add(b == 0 ? "$N.get()" : ",$W$N.get()", branches.get(b));
        }
        run.addStatement("$T $N = $L", parallel.outputType(), result, construct.add(")").build());
      } else if (stage instanceof StageModel.ForEach each) {
        String items = previous;
        TypeName element = each.step().inputType();
        if (each.arrayType() != null) {
          run.addStatement(
              "$T.requireInput($N, $N)", DURABLE_WORKFLOW, stepConstant(each.step()), previous);
          items = result + "items";
          run.addStatement(
              "$T $N = new $T<>()", ParameterizedTypeName.get(LIST, element), items, ARRAY_LIST);
          run.beginControlFlow("for ($T item : $N)", element, previous)
              .addStatement("$N.add(item)", items)
              .endControlFlow();
        }
        run.addStatement(
            "$T $N =$W$T.forEach($N,$W$N,$W$L,$W($T e) ->$W$L)",
            each.outputType(),
            result,
            DURABLE_WORKFLOW,
            stepConstant(each.step()),
            items,
            each.maxConcurrency(),
            element,
            stepCall(each.step(), "e"));
      }
      previous = result;
    }
    run.addStatement("return $N", previous);
    return TypeSpec.classBuilder("Implementation")
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .addSuperinterface(definition)
        .addJavadoc(
            "The stages as Temporal workflow code: only activity calls, {@code Async} and {@code"
                + " Promise},\nin an order fixed by the stages, so replaying a run gives the same"
                + " calls.\n")
        .addField(
            FieldSpec.builder(
                    optionsMap, "OPTIONS", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("Each step's activity options, by activity type.\n")
                .initializer("$T.ofEntries($>$L$<)", MAP, entries.build())
                .build())
        .addField(
            FieldSpec.builder(activities, "activities", Modifier.PRIVATE, Modifier.FINAL)
                .initializer(
                    "$T.newActivityStub($T.class,$W$L,$WOPTIONS)",
                    TEMPORAL_WORKFLOW,
                    activities,
                    activityOptions(PolicyModel.NONE))
                .build())
        .addMethod(run.build())
        .build();
  }

  /** {@code DurableWorkflow.<V>call(STEP_X, () -> activities.x(in), fallbacks...)}. */
  private static CodeBlock stepCall(StepModel step, String input) {
    CodeBlock.Builder call =
        CodeBlock.builder()
            .add(
                "$T.<$T>call($N,$W() -> this.activities.$N($N)",
                DURABLE_WORKFLOW,
                step.valueType(),
                stepConstant(step),
                step.methodName(),
                input);
    List<FallbackKind.Model> chain = fallbacks(step);
    for (int k = 0; k < chain.size(); k++) {
      FallbackKind.Model link = chain.get(k);
      boolean onTimeout =
          covers(link.applyOn(), COVERS_TIMEOUT) && !covers(link.skipOn(), COVERS_TIMEOUT);
      call.add(
          ",$W$T.<$T>fallback($L,$Wcause -> this.activities.$N($N, cause))",
          DURABLE_WORKFLOW,
          step.valueType(),
          onTimeout,
          fallbackMethod(step, k),
          input);
    }
    return call.add(")").build();
  }

  /** The activity options of a step's policies: retry options, attempt and total time limits. */
  private static CodeBlock activityOptions(PolicyModel policies) {
    RetryKind.Model retry = policies.get(PolicyKinds.RETRY);
    TimeoutKind.Model timeout = policies.get(PolicyKinds.TIMEOUT);
    CodeBlock retryOptions =
        retry == null
            ? CodeBlock.of("$T.once()", DURABLE_WORKFLOW)
            : CodeBlock.of(
                "$T.retry($L,$W$L,$W$L,$W$L)",
                DURABLE_WORKFLOW,
                retry.max(),
                Snippets.duration(retry.delay()),
                retry.backoff(),
                Snippets.duration(retry.maxDelay()));
    CodeBlock startToClose =
        timeout == null
            ? CodeBlock.of("$T.DEFAULT_START_TO_CLOSE", DURABLE_WORKFLOW)
            : Snippets.duration(timeout.value());
    CodeBlock scheduleToClose =
        retry == null || retry.maxDuration() == null
            ? CodeBlock.of("null")
            : Snippets.duration(retry.maxDuration());
    return CodeBlock.of(
        "$T.activity($L,$W$L,$W$L)", DURABLE_WORKFLOW, startToClose, scheduleToClose, retryOptions);
  }

  /**
   * The activities' implementation: each step's call (the user's method, in the policies that apply
   * in the worker) through {@code DurableActivity}, and each fallback's.
   */
  private static TypeSpec steps(WorkflowModel model, ClassName activities) {
    WorkflowModel inWorker = inWorker(model);
    PolicyWiring policies = new PolicyWiring(inWorker, WorkflowWriter::fieldName);
    TypeSpec.Builder type =
        TypeSpec.classBuilder("Steps")
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
            .addSuperinterface(activities)
            .addJavadoc("The activities, calling the steps' methods in the worker.\n");
    for (FieldSpec constant : policies.constants()) {
      type.addField(constant);
    }
    // The copies keep the originals' order; the fallback chains are read from the originals.
    List<StepModel> originals = model.steps();
    boolean needsSteps = false;
    for (StepModel step : originals) {
      for (FallbackKind.Model link : fallbacks(step)) {
        needsSteps |= !link.isStatic();
      }
    }
    if (needsSteps) {
      type.addField(model.userClass(), "steps", Modifier.PRIVATE, Modifier.FINAL);
    }
    type.addField(RUNTIME_TYPE, "runtime", Modifier.PRIVATE, Modifier.FINAL);
    if (policies.tuned()) {
      type.addField(TUNING, "tuning", Modifier.PRIVATE, Modifier.FINAL);
    }
    for (PolicyWiring.Holder holder : policies.holders()) {
      type.addField(holder.field());
    }
    MethodSpec.Builder constructor =
        MethodSpec.constructorBuilder()
            .addParameter(model.userClass(), "steps")
            .addParameter(RUNTIME_TYPE, "runtime");
    if (needsSteps) {
      constructor.addStatement("this.steps = steps");
    }
    constructor.addStatement("this.runtime = runtime");
    if (policies.tuned()) {
      constructor.addStatement(
          "this.tuning = runtime.overrides().tuning($S)", model.workflowName());
    }
    for (StepModel step : inWorker.steps()) {
      String call = WorkflowWriter.fieldName(step);
      type.addField(WorkflowWriter.callType(step), call, Modifier.PRIVATE, Modifier.FINAL);
      constructor.addStatement(
          step.isStatic() ? "this.$N = $N()" : "this.$N = $N(steps)",
          call,
          WorkflowWriter.callFactoryName(step));
    }
    for (PolicyWiring.Holder holder : policies.holders()) {
      constructor.addStatement("this.$N = $L", holder.field(), holder.initialiser());
    }
    List<String> wiredFields = new ArrayList<>();
    for (StepModel step : inWorker.steps()) {
      String call = WorkflowWriter.fieldName(step);
      CodeBlock wiredCall = policies.step(step);
      if (wiredCall.toString().equals("this." + call)) {
        // No policy applies in the worker: the activity calls the method's primitive itself.
        wiredFields.add(call);
        continue;
      }
      String wired = step.methodName() + "InWorker";
      wiredFields.add(wired);
      type.addField(WorkflowWriter.callType(step), wired, Modifier.PRIVATE, Modifier.FINAL);
      constructor.addStatement("this.$N = $L", wired, wiredCall);
    }
    type.addMethod(constructor.build());
    for (int i = 0; i < originals.size(); i++) {
      StepModel step = inWorker.steps().get(i);
      List<FallbackKind.Model> chain = fallbacks(originals.get(i));
      type.addMethod(
          MethodSpec.methodBuilder(step.methodName())
              .addAnnotation(Override.class)
              .addModifiers(Modifier.PUBLIC)
              .addParameter(step.inputType(), "input")
              .returns(step.valueType())
              .addStatement(
                  "return $T.call($N,$Wthis.$N,$Winput,$Wthis.runtime,$W$L,$W$L)",
                  DURABLE_ACTIVITY,
                  stepConstant(step),
                  wiredFields.get(i),
                  retryable(originals.get(i).policies().get(PolicyKinds.RETRY)),
                  handled(chain.isEmpty() ? null : chain.get(0)))
              .build());
      for (int k = 0; k < chain.size(); k++) {
        type.addMethod(
            fallbackActivity(
                model, step, chain.get(k), k, k + 1 < chain.size() ? chain.get(k + 1) : null));
      }
    }
    for (StepModel step : inWorker.steps()) {
      type.addMethod(WorkflowWriter.callFactory(inWorker, step));
    }
    return type.build();
  }

  private static MethodSpec fallbackActivity(
      WorkflowModel model,
      StepModel step,
      FallbackKind.Model link,
      int k,
      FallbackKind.Model next) {
    CodeBlock args = Snippets.args(link.args(), "in", "received", "context");
    CodeBlock call =
        link.isStatic()
            ? CodeBlock.of("$T.$N($L)", model.userClass(), link.method(), args)
            : CodeBlock.of("this.steps.$N($L)", link.method(), args);
    CodeBlock body =
        step.kind() == StepModel.CallKind.VOID && !link.async()
            ? CodeBlock.of("{\n$>$L;\nreturn null;\n$<}", call)
            : CodeBlock.of("$L", call);
    return MethodSpec.methodBuilder(fallbackMethod(step, k))
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .addParameter(step.inputType(), "input")
        .addParameter(DURABLE_CAUSE, "cause")
        .returns(step.valueType())
        .addStatement("$T received = cause.toFailure()", APPLICATION_FAILURE)
        .addStatement(
            "return $T.call($N,$W$T.<$T, $T>$L($S,$W($T in, $T context) ->$W$L),$Winput,$Wthis.runtime,"
                + "$W$L,$W$L)",
            DURABLE_ACTIVITY,
            stepConstant(step),
            Snippets.LAMBDA,
            step.inputType(),
            step.valueType(),
            link.async() ? "ofAsync" : "of",
            link.method(),
            step.inputType(),
            Snippets.CONTEXT,
            body,
            CodeBlock.of("$T.NEVER", DURABLE_ACTIVITY),
            handled(next))
        .build();
  }

  /**
   * Whether the step's retry options cover a failure: its {@code retryOn} less its {@code abortOn}.
   */
  private static CodeBlock retryable(RetryKind.Model retry) {
    if (retry == null) {
      return CodeBlock.of("$T.NEVER", DURABLE_ACTIVITY);
    }
    return filter(retry.retryOn(), retry.abortOn());
  }

  /** Whether a fallback handles a failure: its {@code applyOn} less its {@code skipOn}. */
  private static CodeBlock handled(FallbackKind.Model fallback) {
    if (fallback == null) {
      return CodeBlock.of("$T.NEVER", DURABLE_ACTIVITY);
    }
    return filter(fallback.applyOn(), fallback.skipOn());
  }

  private static CodeBlock filter(List<TypeName> accepted, List<TypeName> refused) {
    CodeBlock yes = anyOf(accepted);
    if (refused.isEmpty()) {
      return CodeBlock.of("thrown ->$W$L", yes);
    }
    return CodeBlock.of("thrown ->$W($L)$W&& !($L)", yes, anyOf(refused));
  }

  private static CodeBlock anyOf(List<TypeName> types) {
    if (types.isEmpty()) {
      return CodeBlock.of("false");
    }
    CodeBlock.Builder code = CodeBlock.builder();
    for (int i = 0; i < types.size(); i++) {
      if (types.get(i).toString().equals("java.lang.Throwable")) {
        return CodeBlock.of("true");
      }
      code.add(i == 0 ? "thrown instanceof $T" : "$W|| thrown instanceof $T", types.get(i));
    }
    return code.build();
  }

  private static boolean covers(List<TypeName> types, Set<String> names) {
    for (TypeName t : types) {
      if (names.contains(t.toString())) {
        return true;
      }
    }
    return false;
  }

  /** {@code model} with only the policies that apply inside the activity, and none on the class. */
  private static WorkflowModel inWorker(WorkflowModel model) {
    List<StageModel> stages = new ArrayList<>();
    for (StageModel stage : model.stages()) {
      if (stage instanceof StageModel.Single single) {
        stages.add(
            new StageModel.Single(copy(single.step()), single.inputType(), single.outputType()));
      } else if (stage instanceof StageModel.Parallel parallel) {
        List<StepModel> branches = new ArrayList<>();
        for (StepModel branch : parallel.branches()) {
          branches.add(copy(branch));
        }
        stages.add(new StageModel.Parallel(branches, parallel.result(), parallel.inputType()));
      } else if (stage instanceof StageModel.ForEach each) {
        stages.add(
            new StageModel.ForEach(
                copy(each.step()),
                each.maxConcurrency(),
                each.arrayType(),
                each.inputType(),
                each.outputType()));
      }
    }
    return new WorkflowModel(
        model.userClass(),
        model.generatedClass(),
        model.workflowName(),
        model.isPublic(),
        model.inputType(),
        model.runParams(),
        model.inputRecord(),
        stages,
        model.outputType(),
        model.runReturnType(),
        model.records(),
        PolicyModel.NONE,
        model.suppressedWarnings());
  }

  /** {@code step} with only the policies that apply inside the activity. */
  private static StepModel copy(StepModel step) {
    PolicyModel kept = PolicyModel.NONE;
    for (PolicyKind<?> kind : IN_WORKER) {
      kept = keep(kind, step.policies(), kept);
    }
    return new StepModel(
        step.methodName(),
        step.stepName(),
        step.isStatic(),
        step.inputType(),
        step.valueType(),
        step.returnType(),
        step.kind(),
        step.args(),
        step.paramTypes(),
        step.wrapsThrowable(),
        kept);
  }

  private static <M> PolicyModel keep(PolicyKind<M> kind, PolicyModel from, PolicyModel to) {
    M model = from.get(kind);
    return model == null ? to : to.with(kind, model);
  }

  private static List<FallbackKind.Model> fallbacks(StepModel step) {
    List<FallbackKind.Model> chain = new ArrayList<>();
    for (FallbackKind.Model link = step.policies().get(PolicyKinds.FALLBACK);
        link != null;
        link = link.next()) {
      chain.add(link);
    }
    return chain;
  }

  /** {@code stock$fallback}: a {@code $} no step method's name has, so it cannot clash. */
  private static String fallbackMethod(StepModel step, int k) {
    return step.methodName() + "$fallback" + (k == 0 ? "" : String.valueOf(k + 1));
  }

  /**
   * {@code DURABLE_LOAD}: apart from the policies' constants, which all start {@code STEP_}, so a
   * step named like another's policy constant cannot shadow it.
   */
  private static String stepConstant(StepModel step) {
    String prefix = new Site(null, step.methodName(), step.stepName(), null, null).constantPrefix();
    return "DURABLE_" + prefix.substring("STEP_".length());
  }

  private static String unique(String name, Set<String> used) {
    String candidate = name;
    while (used.contains(candidate)) {
      candidate = candidate + "_";
    }
    return candidate;
  }
}

package dev.tta.primitives.processor;

import javax.tools.Diagnostic;

/**
 * Every diagnostic the processor reports: a stable id, a message template ({@link String#format})
 * and a remedy. Users search for the id; tests pin the message.
 */
public enum Problem {
  STEP_OUTSIDE_WORKFLOW(
      "step-outside-workflow",
      "@%s on %s, but its class %s is not annotated @Workflow",
      "annotate the class with @Workflow, or remove the annotation"),
  WORKFLOW_KIND(
      "workflow-kind",
      "@Workflow on %s %s: only a class can be a workflow",
      "put @Workflow on a class whose methods are the steps"),
  WORKFLOW_PRIVATE(
      "workflow-private",
      "@Workflow class %s is private, so the generated class cannot call it",
      "make it package-private or public"),
  WORKFLOW_INNER(
      "workflow-inner",
      "@Workflow class %s is an inner (non-static) class, so the generated class cannot take it",
      "declare it static"),
  WORKFLOW_GENERIC(
      "workflow-generic",
      "@Workflow class %s has type parameters, which workflows do not support",
      "use a concrete class; a generic base class with a concrete @Workflow subclass works"),
  WORKFLOW_NO_STEPS(
      "workflow-no-steps",
      "@Workflow class %s has no @Step or @Parallel method",
      "annotate the methods that make up the workflow"),
  STEP_PRIVATE(
      "step-private",
      "step %s is private, so the generated class cannot call it",
      "make it package-private or public"),
  STEP_TYPE_VARIABLES(
      "step-type-variables",
      "step %s declares its own type variables %s, which steps do not support: the workflow"
          + " could not tell what type flows in or out",
      "use concrete types in the step's signature"),
  STEP_DUPLICATE_NAME(
      "step-duplicate-name",
      "step name \"%s\" is used twice in workflow %s (also by %s)",
      "give one of them another name with @Step(name = ...) or @Parallel(name = ...)"),
  STEP_BAD_NAME(
      "step-name",
      "step name \"%s\" is empty or blank",
      "leave name unset to use the method name, or give a non-blank name"),
  STEP_PARAMETER_COUNT(
      "step-parameter-count",
      "step %s takes %d data parameter(s), but %s",
      "match the parameters to what the previous stage yields"),
  STEP_PARAMETER_TYPE(
      "step-parameter-type",
      "parameter %s of step %s has type %s, which is not assignable from %s, the output of %s",
      "change the parameter type, or the previous step's return type"),
  FAN_IN_TYPE(
      "fan-in-type",
      "parameter %s of step %s collects the parallel branches as %s, but branch %s yields %s",
      "widen the element type so every branch's output fits"),
  FOR_EACH_NOT_ITERABLE(
      "for-each-not-iterable",
      "@Parallel(forEach = true) step %s needs an Iterable or array input, but %s yields %s",
      "return an Iterable (e.g. a List) or an array from the previous step"),
  FOR_EACH_PARAMETERS(
      "for-each-parameters",
      "@Parallel(forEach = true) step %s must take exactly one data parameter (the element),"
          + " but takes %d",
      "take one parameter of the element type"),
  FOR_EACH_FIRST(
      "for-each-first",
      "@Parallel(forEach = true) step %s is the first stage: there is no previous output to"
          + " iterate",
      "add a step before it that yields the collection"),
  MAX_CONCURRENCY_WITHOUT_FOR_EACH(
      "max-concurrency",
      "@Parallel(maxConcurrency = %d) on %s without forEach = true: the bound applies only to"
          + " for-each elements",
      "set forEach = true, or remove maxConcurrency"),
  MAX_CONCURRENCY_NEGATIVE(
      "max-concurrency",
      "@Parallel(maxConcurrency = %d) on %s must be >= 0 (0 = no bound)",
      "use 0 for no bound or a positive bound"),
  STEP_AND_PARALLEL(
      "step-and-parallel",
      "%s has both @Step and @Parallel; @Parallel already makes it a step",
      "keep one of them"),
  PARAMETER_NAME_SWAP(
      "parameter-swap",
      "parameter %s of step %s is bound to branch %s by position, but its name matches branch"
          + " %s: are they swapped?",
      "reorder the parameters, or rename the parameter"),
  WORKFLOW_CONTEXT_TWICE(
      "context-twice",
      "step %s takes more than one WorkflowContext parameter",
      "keep one WorkflowContext parameter"),
  UNRESOLVED_TYPE(
      "unresolved-type",
      "a type used by workflow %s could not be resolved: %s",
      "fix the missing import or dependency; if another annotation processor generates the type,"
          + " make sure it runs in the same compilation"),
  INTERNAL_ERROR(
      "internal-error",
      "the workflow processor failed on %s: %s",
      "please report this with the stack trace below");

  private final String id;
  private final String template;
  private final String remedy;

  Problem(String id, String template, String remedy) {
    this.id = id;
    this.template = template;
    this.remedy = remedy;
  }

  /** The stable id, as shown in brackets: {@code [tta:<id>]}. */
  public String id() {
    return id;
  }

  /** The diagnostic kind: parameter swaps are warnings, everything else errors. */
  public Diagnostic.Kind kind() {
    return this == PARAMETER_NAME_SWAP ? Diagnostic.Kind.WARNING : Diagnostic.Kind.ERROR;
  }

  /** The full message: id, the filled-in template, and the remedy. */
  public String format(Object... args) {
    return "[tta:" + id + "] " + String.format(template, args) + "; " + remedy;
  }
}

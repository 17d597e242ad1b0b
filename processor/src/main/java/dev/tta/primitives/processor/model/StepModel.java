package dev.tta.primitives.processor.model;

import com.palantir.javapoet.TypeName;
import java.util.List;

/**
 * One step: how to call the user's method and what flows in and out.
 *
 * @param methodName the method to call
 * @param stepName the step's name in events and errors
 * @param isStatic whether the method is static
 * @param inputType the boxed type flowing into the step (its primitive's input)
 * @param valueType the boxed type the step yields ({@code Void} for void)
 * @param returnType the method's declared return type (may be primitive or {@code void})
 * @param kind how the method returns
 * @param args how each parameter is filled, in order
 * @param paramTypes each parameter's declared type, in order: calls pass their arguments at these
 *     types, so that javac picks this method over an overload that fits the value's own type better
 * @param wrapsThrowable whether the method declares a {@code Throwable} that is neither an {@code
 *     Exception} nor an {@code Error}, which a lambda cannot rethrow as is
 */
public record StepModel(
    String methodName,
    String stepName,
    boolean isStatic,
    TypeName inputType,
    TypeName valueType,
    TypeName returnType,
    CallKind kind,
    List<Arg> args,
    List<TypeName> paramTypes,
    boolean wrapsThrowable,
    PolicyModel policies) {

  /** How the user's method returns its result. */
  public enum CallKind {
    /** Returns the value. */
    SYNC,
    /** Returns a {@code CompletionStage} of the value. */
    ASYNC,
    /** Returns nothing. */
    VOID
  }

  /** How one parameter is filled. */
  public sealed interface Arg {
    /** The step's whole input. */
    record Whole() implements Arg {}

    /**
     * A component of the input record.
     *
     * @param accessor the accessor to call on the input
     */
    record Component(String accessor) implements Arg {}

    /**
     * Every branch result of a parallel group, as a list.
     *
     * @param elementType the list's element type
     * @param accessors the record accessors, in branch order
     */
    record FanIn(TypeName elementType, List<String> accessors) implements Arg {}

    /** The run's {@code WorkflowContext}. */
    record Context() implements Arg {}

    /**
     * The failure a fallback handles, cast to the parameter's type (the apply-on filter makes the
     * cast safe).
     *
     * @param type the parameter's type
     */
    record Cause(TypeName type) implements Arg {}
  }
}

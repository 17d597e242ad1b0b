package dev.tta.primitives.processor.model;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import java.util.List;

/**
 * Everything the writer needs to generate one workflow class: names and types only, no {@code
 * Element}s, so writing cannot go back to the compiler's model.
 *
 * @param userClass the annotated class
 * @param generatedClass the class to write
 * @param workflowName the name used in events and errors
 * @param isPublic whether the generated class is public
 * @param inputType the boxed type {@code execute} takes: {@code Void}, one type or the {@code
 *     Input} record
 * @param runParams the parameters of {@code run(...)}, as declared by the first stage
 * @param inputRecord the {@code Input} record when the first stage takes several parameters
 * @param stages the stages in order
 * @param outputType the boxed type the workflow yields
 * @param runReturnType what {@code run} returns: the last step's declared type (may be primitive or
 *     {@code void})
 * @param records the records of parallel groups ({@code Output} for a last group)
 * @param policies the policies on the class, which wrap the whole run
 * @param suppressedWarnings the {@code @SuppressWarnings} tokens the generated class needs, sorted:
 *     {@code "deprecation"}, {@code "removal"} and {@code "rawtypes"} when its code names a
 *     deprecated element or a raw type of the user's; a token nothing needs would itself be a
 *     warning under ECJ
 */
public record WorkflowModel(
    ClassName userClass,
    ClassName generatedClass,
    String workflowName,
    boolean isPublic,
    TypeName inputType,
    List<Param> runParams,
    RecordModel inputRecord,
    List<StageModel> stages,
    TypeName outputType,
    TypeName runReturnType,
    List<RecordModel> records,
    PolicyModel policies,
    List<String> suppressedWarnings) {

  /** All steps in source order. */
  public List<StepModel> steps() {
    return stages.stream().flatMap(stage -> stage.steps().stream()).toList();
  }

  /**
   * A parameter of {@code run}.
   *
   * @param name the parameter's name in the first step
   * @param type its declared type
   */
  public record Param(String name, TypeName type) {}
}

package dev.tta.primitives.processor.model;

import com.palantir.javapoet.TypeName;
import java.util.List;

/** One stage of a workflow: a single step, a parallel group, or a for-each. */
public sealed interface StageModel {

  /** The steps of this stage. */
  List<StepModel> steps();

  /** The boxed type flowing into the stage. */
  TypeName inputType();

  /** The boxed type the stage yields. */
  TypeName outputType();

  /**
   * A single step.
   *
   * @param step the step
   * @param inputType what flows in
   * @param outputType what it yields
   */
  record Single(StepModel step, TypeName inputType, TypeName outputType) implements StageModel {
    @Override
    public List<StepModel> steps() {
      return List.of(step);
    }
  }

  /**
   * Consecutive {@code @Parallel} steps on the same input.
   *
   * @param branches the branches in source order
   * @param result the record collecting their results
   * @param inputType what flows in
   */
  record Parallel(List<StepModel> branches, RecordModel result, TypeName inputType)
      implements StageModel {
    @Override
    public List<StepModel> steps() {
      return branches;
    }

    @Override
    public TypeName outputType() {
      return result.name();
    }
  }

  /**
   * A {@code @Parallel(forEach = true)} step over each element of the previous output.
   *
   * @param step the step, whose input is one element
   * @param maxConcurrency the bound, 0 for none
   * @param arrayType the array type flowing in, or {@code null} for an {@code Iterable}
   * @param inputType what flows in
   * @param outputType {@code List<R>}
   */
  record ForEach(
      StepModel step,
      int maxConcurrency,
      TypeName arrayType,
      TypeName inputType,
      TypeName outputType)
      implements StageModel {
    @Override
    public List<StepModel> steps() {
      return List.of(step);
    }
  }
}

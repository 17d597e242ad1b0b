package dev.tta.primitives.processor.model;

import com.palantir.javapoet.ClassName;

/**
 * What a {@code @Durable} workflow adds to its {@link WorkflowModel}: where its Temporal class goes
 * and which task queue its workers poll.
 *
 * @param generatedClass the {@code <Name>Temporal} class to write
 * @param taskQueue the task queue: {@code @Durable(taskQueue)}, else the workflow's name
 */
public record DurableModel(ClassName generatedClass, String taskQueue) {}

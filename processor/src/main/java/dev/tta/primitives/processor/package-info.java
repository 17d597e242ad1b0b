/**
 * The annotation processor that turns {@code @Workflow} classes into generated workflow classes.
 * Internal: not an API. {@link dev.tta.primitives.processor.WorkflowProcessor} hands each class to
 * {@code validation} (checks and builds the model), {@code model} (immutable names and types) and
 * {@code writing} (JavaPoet); {@code policy} has one class per policy kind, which both of them
 * iterate in the policies' one nesting order.
 */
package dev.tta.primitives.processor;

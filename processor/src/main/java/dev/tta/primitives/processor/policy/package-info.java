/**
 * The policy kinds: one class per policy annotation ({@link
 * dev.tta.primitives.processor.policy.RetryKind}, {@link
 * dev.tta.primitives.processor.policy.TimeoutKind}, {@link
 * dev.tta.primitives.processor.policy.CacheKind}, {@link
 * dev.tta.primitives.processor.policy.FallbackKind}), each reading and checking its annotation
 * through mirrors, holding its model and writing its constants and wrapping, and {@link
 * dev.tta.primitives.processor.policy.PolicyKinds#ORDER}, the one order in which they nest.
 *
 * <p>Adding a policy: its annotation, its runtime primitive, a {@code PolicyKind} subclass here
 * placed in {@code PolicyKinds.ORDER}, and their tests. The validator ({@code PolicyValidator}),
 * the orphan checks, the processor's supported annotations and the writer ({@code PolicyWiring})
 * pick it up from the list.
 */
package dev.tta.primitives.processor.policy;

package dev.tta.primitives.processor.model;

import dev.tta.primitives.processor.policy.PolicyKind;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The policies on a step or on the whole workflow, checked and resolved: each present kind with its
 * model (durations parsed, exception types as type names). They wrap the call in the order of
 * {@link dev.tta.primitives.processor.policy.PolicyKinds#ORDER}.
 *
 * @param byKind each present policy's model, by its kind
 */
public record PolicyModel(Map<PolicyKind<?>, Object> byKind) {

  /** No policy at all. */
  public static final PolicyModel NONE = new PolicyModel(Map.of());

  /** A copy of {@code byKind} that keeps its order. */
  public PolicyModel {
    byKind = Collections.unmodifiableMap(new LinkedHashMap<>(byKind));
  }

  /** Whether any policy is present. */
  public boolean isEmpty() {
    return byKind.isEmpty();
  }

  /** The model of {@code kind}, or {@code null} when that policy is absent. */
  @SuppressWarnings("unchecked") // with() stores each model under its own kind
  public <M> M get(PolicyKind<M> kind) {
    return (M) byKind.get(kind);
  }

  /** Whether the policy {@code kind} is present. */
  public boolean has(PolicyKind<?> kind) {
    return byKind.containsKey(kind);
  }

  /** These policies and {@code kind}'s {@code model}. */
  public <M> PolicyModel with(PolicyKind<M> kind, M model) {
    Map<PolicyKind<?>, Object> more = new LinkedHashMap<>(byKind);
    more.put(kind, model);
    return new PolicyModel(more);
  }
}

package dev.tta.primitives.processor.policy;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import dev.tta.primitives.processor.Mirrors;
import dev.tta.primitives.processor.validation.PolicyValidator;
import java.util.List;
import javax.lang.model.element.AnnotationMirror;

/**
 * One kind of policy ({@code @Retry}, {@code @Timeout}, ...): everything the processor knows about
 * it. It reads and checks its annotation through the mirror (reporting each bad value on its
 * attribute), resolves it into its model {@code M}, and writes its part of the generated class: the
 * constants holding its settings and the primitive wrapped around the inner call. {@link
 * PolicyKinds#ORDER} says where it sits among the others.
 *
 * @param <M> the checked, resolved annotation
 */
public abstract class PolicyKind<M> {

  private final String simpleName;

  /** A kind for the annotation {@code dev.tta.primitives.annotations.<simpleName>}. */
  protected PolicyKind(String simpleName) {
    this.simpleName = simpleName;
  }

  /** The annotation's simple name, e.g. {@code Retry}. */
  public final String simpleName() {
    return simpleName;
  }

  /** The annotation's qualified name. */
  public final String annotation() {
    return Mirrors.PACKAGE + "." + simpleName;
  }

  /** Whether the annotation may stand on the workflow class (the whole run), not only a step. */
  public boolean onClass() {
    return true;
  }

  /**
   * Whether the annotation may stand on a fallback method, where it applies to that method (as a
   * fallback's own {@code @Fallback} makes a chain). Any other policy there is an error.
   */
  public boolean onFallbackMethod() {
    return false;
  }

  /**
   * Reads and checks the annotation {@code mirror} on {@code target.element()}, reporting through
   * {@code checks}.
   *
   * @return the model, or {@code null} when the policy cannot apply (an error was reported)
   */
  public abstract M read(
      AnnotationMirror mirror, PolicyValidator.Target target, PolicyValidator checks);

  /**
   * Whether a step with this policy may still be called in place by {@code run} (its first attempt
   * being a plain call): no, unless the kind says so.
   */
  public boolean runsDirectly(M model) {
    return false;
  }

  /**
   * How a direct run calls the step in place under this policy, for a kind whose {@link
   * #runsDirectly} is true and whose primitive must still see the call (a breaker counts it, a
   * bulkhead holds a slot); {@code null} when the call needs nothing (a retry's first attempt).
   *
   * @param model the policy
   * @param site the step
   * @param permit a free local name for what entering returns
   */
  public InPlace inPlace(M model, Site site, String permit) {
    return null;
  }

  /** The static constants holding the policy's settings at {@code site}, in order. */
  public List<FieldSpec> constants(M model, Site site) {
    return List.of();
  }

  /**
   * Whether the wrapped primitive lives in a field of the workflow object (its state outlives a
   * run, as a cache's entries do), and under what name; {@code null} when it is written inline.
   */
  public Held held(M model, Site site) {
    return null;
  }

  /**
   * The expression wrapping {@code inner}, the policies inside this one around the call, in this
   * policy's primitive. For a {@link #held} policy, the initialiser of its field.
   */
  public abstract CodeBlock wrap(M model, Site site, CodeBlock inner);

  @Override
  public String toString() {
    return "@" + simpleName;
  }

  /**
   * A policy's part in a direct run's call of a step: entering it before the call (or finding that
   * it will not let the call happen in place, which hands the stage to the primitives), and leaving
   * it after.
   *
   * @param enter a statement before the check, or {@code null}
   * @param refused the condition under which the call must go through the primitives
   * @param undo a statement giving back what entering took, when a later policy refuses; or {@code
   *     null}
   * @param exit the statement after the call, given what it threw ({@code null} on success); or
   *     {@code null} for none
   */
  public record InPlace(
      CodeBlock enter,
      CodeBlock refused,
      CodeBlock undo,
      java.util.function.Function<CodeBlock, CodeBlock> exit) {}

  /**
   * A primitive that the workflow object holds in a field, built in its constructor.
   *
   * @param type the field's type
   * @param field the field's name
   * @param accessors the public methods that show the held primitive's state
   */
  public record Held(TypeName type, String field, List<MethodSpec> accessors) {}
}

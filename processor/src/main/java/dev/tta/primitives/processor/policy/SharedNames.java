package dev.tta.primitives.processor.policy;

import java.util.HashMap;
import java.util.Map;

/**
 * The shared policy names declared so far in this compilation, with their settings, so that two
 * declarations of one name with different settings fail at compile time rather than when the second
 * workflow is constructed. One instance lives as long as the processor (every round).
 */
public final class SharedNames {

  private record Declared(Object settings, String where) {}

  private final Map<String, Declared> declared = new HashMap<>();

  /**
   * Records that {@code where} declares the policy {@code kind} named {@code name} with {@code
   * settings}.
   *
   * @return where the same name was first declared with other settings, or {@code null} when this
   *     is the first declaration or the settings match
   */
  public String conflict(PolicyKind<?> kind, String name, Object settings, String where) {
    Declared first =
        declared.putIfAbsent(kind.simpleName() + "\u0000" + name, new Declared(settings, where));
    return first == null || first.settings().equals(settings) ? null : first.where();
  }
}

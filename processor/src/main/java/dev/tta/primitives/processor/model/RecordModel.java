package dev.tta.primitives.processor.model;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import java.util.List;

/**
 * A record the generated class declares: the workflow's {@code Input}, or the results of a parallel
 * group.
 *
 * @param name the record's class name (nested in the generated class)
 * @param components its components in order
 * @param javadoc what it holds
 */
public record RecordModel(ClassName name, List<Component> components, String javadoc) {

  /**
   * One component.
   *
   * @param name the accessor name
   * @param type the component type
   */
  public record Component(String name, TypeName type) {}
}

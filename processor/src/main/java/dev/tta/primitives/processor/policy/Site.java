package dev.tta.primitives.processor.policy;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import java.util.Locale;

/**
 * Where policies apply in the generated class: one step, or the whole run.
 *
 * @param userClass the annotated class, whose static fallback and key methods are called on it
 * @param methodName the step's method, or {@code null} for the whole run
 * @param stepName the step's name in events and errors, or {@code null} for the whole run
 * @param in the boxed type flowing in
 * @param out the boxed type flowing out
 */
public record Site(
    ClassName userClass, String methodName, String stepName, TypeName in, TypeName out) {

  /** The whole run. */
  public static Site workflow(ClassName userClass, TypeName in, TypeName out) {
    return new Site(userClass, null, null, in, out);
  }

  /** Whether this is the whole run rather than a step. */
  public boolean isWorkflow() {
    return methodName == null;
  }

  /** The prefix of the site's constants: {@code STEP_LOAD_ALL}, or {@code WORKFLOW}. */
  public String constantPrefix() {
    return isWorkflow()
        ? "WORKFLOW"
        : "STEP_" + methodName.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
  }

  /** How Javadoc names the site: {@code step load}, or {@code the whole run}. */
  public String description() {
    return isWorkflow() ? "the whole run" : "step " + stepName;
  }
}

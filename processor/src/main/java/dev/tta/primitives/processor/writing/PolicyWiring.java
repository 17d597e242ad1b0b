package dev.tta.primitives.processor.writing;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import dev.tta.primitives.processor.model.PolicyModel;
import dev.tta.primitives.processor.model.StepModel;
import dev.tta.primitives.processor.model.WorkflowModel;
import dev.tta.primitives.processor.policy.PolicyKind;
import dev.tta.primitives.processor.policy.PolicyKinds;
import dev.tta.primitives.processor.policy.Site;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.lang.model.element.Modifier;

/**
 * The policies of one workflow as the generated class writes them, site by site (each step, then
 * the whole run): their constants, the fields holding the primitives that keep state, those fields'
 * initialisation in the constructor with their accessors, and each site's call wrapped in its
 * policies, innermost first ({@link PolicyKinds#INSIDE_OUT}).
 */
final class PolicyWiring {

  /** A field holding a policy's primitive, and its initialiser. */
  record Holder(FieldSpec field, CodeBlock initialiser) {}

  private final List<FieldSpec> constants = new ArrayList<>();
  private final List<Holder> holders = new ArrayList<>();
  private final List<MethodSpec> accessors = new ArrayList<>();
  private final Map<StepModel, CodeBlock> steps = new IdentityHashMap<>();
  private final CodeBlock workflow;
  private int lambdas; // names each policy's lambda parameter apart from the enclosing ones

  /**
   * Wires {@code model}'s policies; {@code callField} names the field holding a step's call.
   *
   * @param model the workflow
   * @param callField a step's call field
   */
  PolicyWiring(WorkflowModel model, Function<StepModel, String> callField) {
    for (StepModel step : model.steps()) {
      Site site = site(model, step);
      String field = callField.apply(step);
      // The constructor builds held primitives from its parameter; compose() reads the field.
      steps.put(
          step,
          wire(step.policies(), site, CodeBlock.of("$N", field), CodeBlock.of("this.$N", field)));
    }
    Site whole = Site.workflow(model.userClass(), model.inputType(), model.outputType());
    CodeBlock compose = CodeBlock.of("compose()");
    workflow = wire(model.policies(), whole, compose, compose);
  }

  /** Whether any site has a policy, so that the class reads the run-time overrides. */
  boolean tuned() {
    return !constants.isEmpty() || !holders.isEmpty() || lambdas > 0;
  }

  /** Where step {@code step}'s policies apply. */
  static Site site(WorkflowModel model, StepModel step) {
    return new Site(
        model.userClass(), step.methodName(), step.stepName(), step.inputType(), step.valueType());
  }

  /**
   * The parts of step {@code step}'s policies in a direct run's call of it, in {@link
   * PolicyKinds#IN_PLACE} order; {@code permit} names a local for each, from its kind.
   */
  static List<PolicyKind.InPlace> inPlace(
      WorkflowModel model, StepModel step, Function<PolicyKind<?>, String> permit) {
    List<PolicyKind.InPlace> parts = new ArrayList<>();
    for (PolicyKind<?> kind : PolicyKinds.IN_PLACE) {
      PolicyKind.InPlace part = inPlace(kind, step.policies(), site(model, step), permit);
      if (part != null) {
        parts.add(part);
      }
    }
    return parts;
  }

  private static <M> PolicyKind.InPlace inPlace(
      PolicyKind<M> kind, PolicyModel policies, Site site, Function<PolicyKind<?>, String> permit) {
    M model = policies.get(kind);
    return model == null ? null : kind.inPlace(model, site, permit.apply(kind));
  }

  /** The static constants of every site's policies. */
  List<FieldSpec> constants() {
    return constants;
  }

  /** The fields holding policy primitives, with their initialisers for the constructor. */
  List<Holder> holders() {
    return holders;
  }

  /** The public methods showing the held primitives' state. */
  List<MethodSpec> accessors() {
    return accessors;
  }

  /** Step {@code step}'s call in its policies, as {@code compose()} writes it. */
  CodeBlock step(StepModel step) {
    return steps.get(step);
  }

  /** The whole run ({@code compose()}) in the class's policies, as the runner gets it. */
  CodeBlock workflow() {
    return workflow;
  }

  /**
   * Whether {@code policies} let {@code run} call the step in place: every one present allows it.
   */
  static boolean runsDirectly(PolicyModel policies) {
    for (PolicyKind<?> kind : PolicyKinds.ORDER) {
      if (!runsDirectly(kind, policies)) {
        return false;
      }
    }
    return true;
  }

  private static <M> boolean runsDirectly(PolicyKind<M> kind, PolicyModel policies) {
    M model = policies.get(kind);
    return model == null || kind.runsDirectly(model);
  }

  /**
   * Wraps the call of {@code site} in its policies, innermost first. {@code constructed} is the
   * call as the constructor names it, {@code composed} as the rest of the class does; a held
   * policy's field is named alike in both.
   */
  private CodeBlock wire(
      PolicyModel policies, Site site, CodeBlock constructed, CodeBlock composed) {
    CodeBlock[] code = {constructed, composed};
    for (PolicyKind<?> kind : PolicyKinds.INSIDE_OUT) {
      wireOne(kind, policies, site, code);
    }
    return code[1];
  }

  private <M> void wireOne(PolicyKind<M> kind, PolicyModel policies, Site site, CodeBlock[] code) {
    M model = policies.get(kind);
    if (model == null) {
      return;
    }
    constants.addAll(kind.constants(model, site));
    PolicyKind.Held held = kind.held(model, site);
    if (held == null) {
      // An override may switch the policy off: the tuning applies it, or leaves the call bare.
      String p = "p" + lambdas++;
      for (int i = 0; i < code.length; i++) {
        code[i] =
            CodeBlock.of(
                "this.tuning.<$T,$W$T>wrap($S,$W$S,$W$L,$W$N ->$W$L)",
                site.in(),
                site.out(),
                site.stepName(),
                kind.simpleName(),
                code[i],
                p,
                kind.wrap(model, site, CodeBlock.of("$N", p)));
      }
      return;
    }
    FieldSpec field =
        FieldSpec.builder(held.type(), held.field(), Modifier.PRIVATE, Modifier.FINAL).build();
    holders.add(new Holder(field, kind.wrap(model, site, code[0])));
    accessors.addAll(held.accessors());
    // The held primitive exists either way, for its accessors; switched off, it is not called.
    code[1] =
        CodeBlock.of(
            "this.tuning.<$T,$W$T>choose($S,$W$S,$W$L,$Wthis.$N)",
            site.in(),
            site.out(),
            site.stepName(),
            kind.simpleName(),
            code[1],
            held.field());
    code[0] = code[1];
  }
}

package dev.tta.primitives.processor.policy;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.tta.primitives.processor.writing.Snippets;

/** How the kinds whose primitive may be shared by name write it. */
final class Sharing {

  private Sharing() {}

  /**
   * {@code Primitive.of(inner, POLICY)} for a policy of the site's own, {@code
   * Primitive.shared(inner, POLICY, "name", runtime)} for one shared by {@code name}; the policy as
   * the run-time overrides tune it ({@code tuningMethod}).
   */
  static CodeBlock wrap(
      ClassName primitive,
      String name,
      Site site,
      CodeBlock inner,
      String constant,
      String tuningMethod) {
    CodeBlock policy = Snippets.tuned(CodeBlock.of("$N", constant), tuningMethod, site);
    if (name.isEmpty()) {
      return CodeBlock.of(
          "$T.<$T, $T>of($L,$W$L)", primitive, site.in(), site.out(), inner, policy);
    }
    return CodeBlock.of(
        "$T.<$T, $T>shared($L,$W$L,$W$S,$Wruntime)",
        primitive,
        site.in(),
        site.out(),
        inner,
        policy,
        name);
  }
}

package dev.tta.primitives.processor.policy;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;

/** How the kinds whose primitive may be shared by name write it. */
final class Sharing {

  private Sharing() {}

  /**
   * {@code Primitive.of(inner, POLICY)} for a policy of the site's own, {@code
   * Primitive.shared(inner, POLICY, "name", runtime)} for one shared by {@code name}.
   */
  static CodeBlock wrap(
      ClassName primitive, String name, Site site, CodeBlock inner, String constant) {
    if (name.isEmpty()) {
      return CodeBlock.of(
          "$T.<$T, $T>of($L,$W$N)", primitive, site.in(), site.out(), inner, constant);
    }
    return CodeBlock.of(
        "$T.<$T, $T>shared($L,$W$N,$W$S,$Wruntime)",
        primitive,
        site.in(),
        site.out(),
        inner,
        constant,
        name);
  }
}

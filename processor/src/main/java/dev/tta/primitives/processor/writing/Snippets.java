package dev.tta.primitives.processor.writing;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import dev.tta.primitives.processor.model.StepModel.Arg;
import dev.tta.primitives.processor.policy.Site;
import java.util.List;

/** Pieces of generated code that the writer and the policy kinds share. */
public final class Snippets {

  /** The runtime's package. */
  public static final String RUNTIME = "dev.tta.primitives";

  /** {@code WorkflowContext}. */
  public static final ClassName CONTEXT = runtime("WorkflowContext");

  /** {@code LambdaPrimitive}. */
  public static final ClassName LAMBDA = runtime("LambdaPrimitive");

  /** {@code java.time.Duration}. */
  public static final ClassName DURATION = ClassName.get("java.time", "Duration");

  /** {@code CompletableFuture}. */
  public static final ClassName FUTURE = ClassName.get("java.util.concurrent", "CompletableFuture");

  /** {@code CompletionException}. */
  public static final ClassName COMPLETION_EXCEPTION =
      ClassName.get("java.util.concurrent", "CompletionException");

  private static final ClassName ARRAYS = ClassName.get("java.util", "Arrays");

  private Snippets() {}

  /** The runtime's class {@code simpleName}. */
  public static ClassName runtime(String simpleName) {
    return ClassName.get(RUNTIME, simpleName);
  }

  /**
   * {@code value} as the run-time overrides may tune it: {@code this.tuning.method("step", value)}
   * (the step {@code null} for the whole run).
   */
  public static CodeBlock tuned(CodeBlock value, String method, Site site) {
    return CodeBlock.of("this.tuning.$L($S,$W$L)", method, site.stepName(), value);
  }

  /** A ready {@code Duration} constant in the largest exact unit. */
  public static CodeBlock duration(java.time.Duration d) {
    long nanos = d.toNanos();
    if (nanos % 1_000_000_000L == 0) {
      long seconds = d.getSeconds();
      if (seconds != 0 && seconds % 86_400 == 0) {
        return CodeBlock.of("$T.ofDays($L)", DURATION, seconds / 86_400);
      }
      if (seconds != 0 && seconds % 3_600 == 0) {
        return CodeBlock.of("$T.ofHours($L)", DURATION, seconds / 3_600);
      }
      if (seconds != 0 && seconds % 60 == 0) {
        return CodeBlock.of("$T.ofMinutes($L)", DURATION, seconds / 60);
      }
      return CodeBlock.of("$T.ofSeconds($L)", DURATION, seconds);
    }
    if (nanos % 1_000_000L == 0) {
      return CodeBlock.of("$T.ofMillis($L)", DURATION, nanos / 1_000_000L);
    }
    return CodeBlock.of("$T.ofNanos($LL)", DURATION, nanos);
  }

  /** A builder call {@code .method(A.class, B.class)} on a new line; nothing for no types. */
  public static CodeBlock filters(String method, List<TypeName> types) {
    if (types.isEmpty()) {
      return CodeBlock.of("");
    }
    CodeBlock.Builder code = CodeBlock.builder().add("\n.$L(", method);
    for (int i = 0; i < types.size(); i++) {
      code.add(i == 0 ? "$T.class" : ", $T.class", types.get(i));
    }
    return code.add(")").build();
  }

  /** The arguments of a call, from the input, the cause and the context. */
  public static CodeBlock args(List<Arg> args, String in, String cause, String context) {
    CodeBlock.Builder code = CodeBlock.builder();
    for (int i = 0; i < args.size(); i++) {
      if (i > 0) {
        code.add(",$W");
      }
      code.add(arg(args.get(i), in, cause, context));
    }
    return code.build();
  }

  /** One argument of a call, from the input, the cause and the context. */
  public static CodeBlock arg(Arg arg, String in, String cause, String context) {
    if (arg instanceof Arg.Whole) {
      return CodeBlock.of("$N", in);
    } else if (arg instanceof Arg.Component component) {
      return CodeBlock.of("$N.$N()", in, component.accessor());
    } else if (arg instanceof Arg.FanIn fanIn) {
      CodeBlock.Builder code =
          CodeBlock.builder().add("$T.<$T>asList(", ARRAYS, fanIn.elementType());
      for (int a = 0; a < fanIn.accessors().size(); a++) {
        code.add(a == 0 ? "$N.$N()" : ", $N.$N()", in, fanIn.accessors().get(a));
      }
      return code.add(")").build();
    } else if (arg instanceof Arg.Cause c) {
      return c.type().equals(ClassName.get(Throwable.class))
          ? CodeBlock.of("$N", cause)
          : CodeBlock.of("($T) $N", c.type(), cause);
    } else {
      return CodeBlock.of("$N", context);
    }
  }
}

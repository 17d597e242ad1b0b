package dev.tta.primitives.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.processor.TwoCompilers.Message;
import dev.tta.primitives.processor.TwoCompilers.Result;
import dev.tta.primitives.processor.TwoCompilers.Tool;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The generated Temporal class of the tests' {@code Orders} under javac and ECJ: it compiles with
 * no warning on the generated code (javac {@code -Xlint:all}, ECJ's defaults), and the ECJ-built
 * classes run on the test server. The source is the tests' own, moved to a package of its own so
 * that its classes come from the compiled copy. (Test code: it loads the copy reflectively.)
 */
class DurableCompilersTest {

  private static final String PACKAGE = "copied.durable";

  private static Map<String, String> sources() throws IOException {
    Path dir = Path.of("src/test/java/dev/tta/primitives/temporal");
    String orders =
        Files.readString(dir.resolve("Orders.java"), StandardCharsets.UTF_8)
            .replace("package dev.tta.primitives.temporal;", "package " + PACKAGE + ";");
    return Map.of(PACKAGE + ".Orders", orders);
  }

  @ParameterizedTest
  @EnumSource(Tool.class)
  void theGeneratedTemporalClassCompilesWithoutWarningsAndRuns(Tool tool, @TempDir Path dir)
      throws Exception {
    Result result =
        TwoCompilers.compile(
            tool,
            dir,
            sources(),
            true,
            tool == Tool.JAVAC ? "-Xlint:all,-processing" : "-warn:+unused");

    assertTrue(result.success(), result.messages().toString());
    List<Message> generated = new ArrayList<>();
    for (Message m : result.messages()) {
      if ("OrdersTemporal.java".equals(m.file()) || "OrdersWorkflow.java".equals(m.file())) {
        generated.add(m);
      }
    }
    assertEquals(List.of(), generated);
    assertEquals(List.of(), result.processorMessages());
    assertTrue(
        result.generatedSource(PACKAGE + ".OrdersTemporal").contains("class OrdersTemporal"));

    try (URLClassLoader loader = result.loader();
        TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      Class<?> orders = loader.loadClass(PACKAGE + ".Orders");
      Class<?> temporal = loader.loadClass(PACKAGE + ".OrdersTemporal");
      Object steps = orders.getDeclaredConstructor().newInstance();
      Worker worker = env.newWorker("Orders");
      Method register = temporal.getMethod("register", Worker.class, orders);
      register.invoke(null, worker, steps);
      env.start();
      Constructor<?> client = temporal.getConstructor(WorkflowClient.class);
      Object receipt =
          temporal
              .getMethod("run", String.class)
              .invoke(client.newInstance(env.getWorkflowClient()), "o-9");

      assertTrue(
          receipt.toString().contains("packed o-9-line1 at 400 stock -1"), receipt.toString());
    }
  }
}

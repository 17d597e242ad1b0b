package dev.tta.primitives.examples.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.testserver.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code durable} on Temporal's embedded test server: the in-process report, five activities. */
class DurableCommandTest {

  private static final Pattern ACTIVITY =
      Pattern.compile("^  (DurableValidation\\.\\w+) +attempt (\\d+) +(\\w+) +\\d+ ms  on \\S+$");

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private static String printed(Report report) {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    ValidateCommand.print(report, new PrintStream(text, true, StandardCharsets.UTF_8));
    return text.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theSampleTreeValidatesDurablyAsItDoesInProcess() {
    Path tree = ValidateCommand.sampleTree();

    int status = DurableCommand.run(List.of(tree.toString()), out, Map.of());

    String output = bytes.toString(StandardCharsets.UTF_8);
    Report inProcess = new PackageValidationWorkflow(new PackageValidation()).run(tree);
    assertEquals(inProcess.passed() ? 0 : 1, status, output);
    assertTrue(output.contains(printed(inProcess)), output);
    List<String> activities = new ArrayList<>();
    for (String line : output.split("\n")) {
      Matcher m = ACTIVITY.matcher(line);
      if (m.matches()) {
        assertEquals("1", m.group(2), line);
        assertEquals("completed", m.group(3), line);
        activities.add(m.group(1));
      }
    }
    // scan first and report last; the three checks in between in any order.
    assertEquals(5, activities.size(), output);
    assertEquals("DurableValidation.scan", activities.get(0));
    assertEquals("DurableValidation.report", activities.get(4));
    assertEquals(
        List.of("DurableValidation.compile", "DurableValidation.javadoc", "DurableValidation.lint"),
        activities.subList(1, 4).stream().sorted().toList());
  }

  @Test
  void withTemporalAddressItRunsOnTheClusterThere() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    // Temporal's test server behind a real gRPC port, as a cluster of start-dev would be.
    TestServer.PortBoundTestServer cluster = TestServer.createPortBoundServer(port);
    try {
      int status =
          DurableCommand.run(
              List.of(ValidateCommand.sampleTree().toString()),
              out,
              Map.of(DurableCommand.ADDRESS, "127.0.0.1:" + port));

      String output = bytes.toString(StandardCharsets.UTF_8);
      assertEquals(0, status, output);
      assertTrue(
          output.contains("on Temporal at 127.0.0.1:" + port + ", namespace default"), output);
      assertTrue(output.contains("DurableValidation.report"), output);
    } finally {
      cluster.close();
    }
  }

  @Test
  void aTreeThatDoesNotCompileFailsItsValidation(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("Broken.java"), "class Broken { int x = ; }\n");

    int status = DurableCommand.run(List.of(dir.toString()), out, Map.of());

    String output = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(1, status, output);
    assertTrue(output.contains("compile  FAILED"), output);
  }
}

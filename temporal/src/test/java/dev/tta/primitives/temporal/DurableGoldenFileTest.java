package dev.tta.primitives.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The Temporal class generated for the tests' {@code Orders} (by this module's own test compile),
 * against its golden file. After a deliberate change of the writer, rewrite it with {@code mvn -pl
 * temporal test -Dtest=DurableGoldenFileTest -Dgolden.update=true} and read the diff.
 */
class DurableGoldenFileTest {

  @Test
  void ordersTemporalIsAsExpected() throws IOException {
    Path generated =
        Path.of(
            "target/generated-test-sources/test-annotations/dev/tta/primitives/temporal/"
                + "OrdersTemporal.java");
    Path golden = Path.of("src/test/resources/golden/OrdersTemporal.java.txt");
    String actual = Files.readString(generated, StandardCharsets.UTF_8);
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(golden, actual, StandardCharsets.UTF_8);
    }
    assertEquals(Files.readString(golden, StandardCharsets.UTF_8), actual);
  }
}

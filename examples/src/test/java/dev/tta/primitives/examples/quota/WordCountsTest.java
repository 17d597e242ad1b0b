package dev.tta.primitives.examples.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.CircuitState;
import dev.tta.primitives.PolicyOverrides;
import dev.tta.primitives.WorkflowRuntime;
import dev.tta.primitives.examples.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The word counts through the metered API: within its quota, through its outage. */
class WordCountsTest {

  private static void files(Path dir, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      Files.writeString(dir.resolve("file-" + i + ".txt"), "word ".repeat(i * 7 + 1) + "end\n");
    }
  }

  @Test
  void everyFileIsCountedWithinTheQuotaAndTheBreakerSparesTheServerDuringTheOutage(
      @TempDir Path dir) throws Exception {
    files(dir, 8);
    // Down from its 3rd request, while the first four calls are in flight, for 600 ms.
    WordCountServer api =
        WordCountServer.start(4, Duration.ofMillis(600), 3, Duration.ofMillis(600));
    WorkflowRuntime runtime =
        WorkflowRuntime.builder()
            .overrides(
                PolicyOverrides.of(
                    Map.of(
                        "WordCounts.count.Retry.delay", "100ms",
                        "WordCounts.count.Retry.max", "60")))
            .build();
    WordCounts steps = new WordCounts(api.uri(), 100);
    WordCountsWorkflow workflow = new WordCountsWorkflow(steps, runtime);
    WordCounts.Report report;
    try {
      report = workflow.run(dir);
    } finally {
      assertTrue(api.stop(), "the port refuses connections once stopped");
      runtime.close();
    }

    assertEquals(8, report.counts().size());
    assertTrue(report.allRight(), report.toString());
    assertEquals(
        List.of(2, 9, 16, 23, 30, 37, 44, 51),
        report.counts().stream().map(WordCounts.Count::words).toList());
    WordCountServer.Counts seen = api.counts();
    assertEquals(0, seen.overQuota(), "the rate limit kept every call within the quota");
    assertTrue(seen.unavailable() >= 1, "the outage was met: " + seen);
    assertEquals(steps.requestsSent(), seen.received());
    assertEquals(8, seen.answered());
    // Retried every 100 ms while the breaker stays open 1 s: retries were refused, not sent.
    assertTrue(
        workflow.countCircuitBreaker().rejectedCalls() > 0,
        workflow.countCircuitBreaker().toString());
    assertEquals(CircuitState.CLOSED, workflow.countCircuitBreaker().state());
  }

  @Test
  void theCommandPrintsWhatTheServerSaw(@TempDir Path dir) throws Exception {
    files(dir, 6);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int status =
        Main.run(
            List.of("quota", "6", dir.toString()),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, status, printed + err.toString(StandardCharsets.UTF_8));
    assertTrue(printed.contains("6 files in "), printed);
    assertTrue(printed.contains(", 0 over the quota (429)"), printed);
    assertTrue(printed.contains("its port refuses connections: true"), printed);
    assertTrue(printed.contains("it is CLOSED now"), printed);
  }
}

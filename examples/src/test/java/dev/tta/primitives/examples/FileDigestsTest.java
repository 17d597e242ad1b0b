package dev.tta.primitives.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.WorkflowException;
import dev.tta.primitives.WorkflowRuntime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDigestsTest {

  @Test
  void findsFilesWithTheSameContent(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("a/b"));
    Files.writeString(root.resolve("one.txt"), "same bytes");
    Files.writeString(root.resolve("a/b/copy.txt"), "same bytes");
    Files.writeString(root.resolve("a/other.txt"), "different");
    Files.writeString(root.resolve(".hidden"), "same bytes");

    FileDigests.Report report = FileDigests.workflow(WorkflowRuntime.defaults()).run(root);

    assertEquals(3, report.files());
    assertEquals("same bytes".length() * 2 + "different".length(), report.bytes());
    assertEquals(1, report.duplicates().size());
    assertEquals(
        List.of(root.resolve("a/b/copy.txt"), root.resolve("one.txt")),
        report.duplicates().values().iterator().next());
  }

  @Test
  void digestIsTheRealSha256(@TempDir Path root) throws Exception {
    Path file = Files.writeString(root.resolve("abc"), "abc");

    // The published SHA-256 test vector for "abc".
    assertEquals(
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        FileDigests.digest(file).sha256());
  }

  @Test
  void aMissingDirectoryFailsNamingTheStep(@TempDir Path root) {
    WorkflowException e =
        assertThrows(
            WorkflowException.class,
            () -> FileDigests.workflow(WorkflowRuntime.defaults()).run(root.resolve("nope")));

    assertEquals("FileDigests", e.workflow());
    assertEquals("list", e.step());
  }

  @Test
  void mainPrintsProgressResultAndTimeline(@TempDir Path root) throws Exception {
    Files.writeString(root.resolve("x.txt"), "x");
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      FileDigests.main(new String[] {root.toString()});
    } finally {
      System.setOut(original);
    }
    String output = buffer.toString(StandardCharsets.UTF_8);

    assertTrue(output.contains("FileDigests started"), output);
    assertTrue(output.contains("FileDigests finished in "), output);
    assertTrue(output.contains(": 3/3 steps, retries 0"), output);
    assertTrue(output.contains("Hashed 1 files, 1 bytes"), output);
    assertTrue(output.contains("(times in ms from the run's start)"), output);
    assertTrue(output.contains("  digest |"), output);
  }
}

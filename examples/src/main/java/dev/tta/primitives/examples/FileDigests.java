package dev.tta.primitives.examples;

import dev.tta.primitives.LambdaPrimitive;
import dev.tta.primitives.ParallelPrimitive;
import dev.tta.primitives.RetryPolicy;
import dev.tta.primitives.RetryPrimitive;
import dev.tta.primitives.StepPrimitive;
import dev.tta.primitives.TimeoutPrimitive;
import dev.tta.primitives.WorkflowPrimitive;
import dev.tta.primitives.WorkflowRunner;
import dev.tta.primitives.WorkflowRuntime;
import dev.tta.primitives.listeners.ProgressListener;
import dev.tta.primitives.listeners.Timeline;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds duplicate files in a directory tree by content, built by hand from the runtime primitives:
 * list the files, hash each one in parallel (bounded, each read under a timeout and retried), then
 * report. Usage: {@code FileDigests [DIR]} (default: the current directory).
 */
public final class FileDigests {

  /** The digest of one file. */
  public record Digest(Path file, long size, String sha256) {}

  /** What the run found. */
  public record Report(int files, long bytes, Map<String, List<Path>> duplicates) {}

  private static final int MAX_CONCURRENT_READS = 4;

  private FileDigests() {}

  /**
   * The workflow: {@code list >> forEach(digest) >> report}.
   *
   * @param runtime where it runs
   * @return the runnable workflow
   */
  public static WorkflowRunner<Path, Report> workflow(WorkflowRuntime runtime) {
    WorkflowPrimitive<Path, List<Path>> list =
        StepPrimitive.of("list", LambdaPrimitive.of("list", FileDigests::listFiles));
    WorkflowPrimitive<Path, Digest> digestOne =
        RetryPrimitive.of(
            TimeoutPrimitive.of(
                LambdaPrimitive.of("digest", FileDigests::digest), Duration.ofSeconds(30)),
            RetryPolicy.builder()
                .maxAttempts(3)
                .delay(Duration.ofMillis(50))
                .abortOn(NoSuchFileException.class)
                .build());
    WorkflowPrimitive<Iterable<? extends Path>, List<Digest>> digestAll =
        StepPrimitive.of("digest", ParallelPrimitive.forEach(digestOne, MAX_CONCURRENT_READS));
    WorkflowPrimitive<List<Digest>, Report> report =
        StepPrimitive.of("report", LambdaPrimitive.of("report", FileDigests::report));
    return WorkflowRunner.of("FileDigests", list.then(digestAll).then(report), runtime);
  }

  static List<Path> listFiles(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      return paths
          .filter(Files::isRegularFile)
          .filter(p -> !isHidden(root.relativize(p)))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  private static boolean isHidden(Path relative) {
    for (Path part : relative) {
      String name = part.toString();
      if (name.startsWith(".") || name.equals("target")) {
        return true;
      }
    }
    return false;
  }

  static Digest digest(Path file) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    long size = 0;
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        sha.update(buffer, 0, n);
        size += n;
      }
    }
    return new Digest(file, size, HexFormat.of().formatHex(sha.digest()));
  }

  static Report report(List<Digest> digests) {
    Map<String, List<Path>> byContent = new LinkedHashMap<>();
    long bytes = 0;
    for (Digest d : digests) {
      bytes += d.size();
      if (d.size() > 0) {
        byContent.computeIfAbsent(d.sha256(), k -> new ArrayList<>()).add(d.file());
      }
    }
    byContent.values().removeIf(paths -> paths.size() < 2);
    return new Report(digests.size(), bytes, byContent);
  }

  /**
   * Runs the workflow on a directory and prints progress, the result and a timeline.
   *
   * @param args optional directory
   */
  public static void main(String[] args) {
    Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
    PrintStream out = System.out;
    Timeline timeline = new Timeline();
    WorkflowRuntime runtime =
        WorkflowRuntime.builder().listener(ProgressListener.to(out)).listener(timeline).build();
    Report report = workflow(runtime).run(root);
    out.printf("%nHashed %d files, %,d bytes under %s%n", report.files(), report.bytes(), root);
    if (report.duplicates().isEmpty()) {
      out.println("No duplicate files.");
    } else {
      out.printf("Groups of identical files: %d%n", report.duplicates().size());
      report.duplicates().values().stream()
          .sorted(Comparator.comparing((List<Path> g) -> g.get(0)))
          .forEach(
              group -> {
                out.println("  " + root.relativize(group.get(0)));
                group.stream().skip(1).forEach(p -> out.println("    = " + root.relativize(p)));
              });
    }
    out.printf("%n%s", timeline.text());
  }
}

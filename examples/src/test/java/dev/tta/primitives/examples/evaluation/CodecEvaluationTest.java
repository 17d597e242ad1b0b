package dev.tta.primitives.examples.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.CacheStats;
import dev.tta.primitives.examples.Main;
import dev.tta.primitives.testing.MockPrimitive;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodecEvaluationTest {

  private static final Codec FAST = new Codec("deflate-1", 1, Deflater.DEFAULT_STRATEGY, false);
  private static final Codec STORE = new Codec("store", 0, Deflater.DEFAULT_STRATEGY, false);

  /** Eight files of word salad (compressible) and one of random bytes (not), in path order. */
  static List<byte[]> corpus(Path dir) throws Exception {
    Random random = new Random(42);
    String[] words = new String[64];
    for (int i = 0; i < words.length; i++) {
      words[i] = Integer.toString(random.nextInt(1 << 20), 36);
    }
    List<byte[]> files = new ArrayList<>();
    for (int f = 0; f < 8; f++) {
      StringBuilder text = new StringBuilder();
      while (text.length() < 8_000) {
        text.append(words[random.nextInt(words.length)])
            .append(random.nextInt(9) == 0 ? "\n" : " ");
      }
      byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
      Files.write(dir.resolve("text-" + f + ".txt"), bytes);
      files.add(bytes);
    }
    byte[] noise = new byte[12_000];
    random.nextBytes(noise);
    Files.write(dir.resolve("zz-noise.bin"), noise);
    files.add(noise);
    Files.createDirectories(dir.resolve("target"));
    Files.writeString(dir.resolve("target/ignored.txt"), "build output is not part of the corpus");
    return files;
  }

  @Test
  void ranksTheSettingsByTheirMeasuredOutputSize(@TempDir Path dir) throws Exception {
    List<byte[]> files = corpus(dir);

    Ranking ranking = new CodecEvaluationWorkflow(new CodecEvaluation()).run(dir);

    assertEquals(files.size(), ranking.files());
    assertEquals(files.stream().mapToLong(f -> f.length).sum(), ranking.bytes());
    assertEquals(Codec.CANDIDATES.size(), ranking.rows().size());
    Map<String, Codec> byName =
        Codec.CANDIDATES.stream().collect(Collectors.toMap(Codec::name, Function.identity()));
    long previous = 0;
    for (Measurement m : ranking.rows()) {
      assertTrue(m.measured(), m.toString());
      // Each size is what the setting really produces on these files...
      Codec codec = byName.get(m.codec());
      long expected = codec.compressAll(codec.units(files)).stream().mapToLong(b -> b.length).sum();
      assertEquals(expected, m.compressedBytes(), m.codec());
      // ...and the rows are in the order of those sizes.
      assertTrue(m.compressedBytes() >= previous, ranking.rows().toString());
      previous = m.compressedBytes();
      assertTrue(m.compressMBps() > 0 && m.decompressMBps() > 0, m.toString());
      assertTrue(m.repetitions() >= 5, m.toString());
    }
    Measurement last = ranking.rows().get(ranking.rows().size() - 1);
    assertEquals("store", last.codec());
    assertTrue(last.ratio() > 1.0, last.toString()); // storing adds block headers
    assertTrue(ranking.rows().get(0).ratio() < 0.6, ranking.rows().toString());
  }

  @Test
  void evaluatingUnchangedFilesAgain_isServedFromTheCache(@TempDir Path dir) throws Exception {
    corpus(dir);
    CodecEvaluationWorkflow workflow =
        new CodecEvaluationWorkflow(new CodecEvaluation(List.of(FAST, STORE)));

    Ranking first = workflow.run(dir);
    Ranking second = workflow.run(dir);

    assertEquals(first, second);
    CacheStats once = workflow.measureCacheStats();
    assertEquals(2, once.hits());
    assertEquals(2, once.misses());

    Files.writeString(dir.resolve("text-0.txt"), "changed");
    Ranking third = workflow.run(dir);

    CacheStats stats = workflow.measureCacheStats();
    assertEquals(2, stats.hits());
    assertEquals(4, stats.misses());
    assertTrue(third.bytes() < first.bytes());
  }

  @Test
  void aMeasurementThatStaysNoisy_isRetried_thenKeptWithANote_andNotCached(@TempDir Path dir)
      throws Exception {
    corpus(dir);
    Measurement noisy = new Measurement("deflate-1", 9, 1000, 500, 10, 100, 5, 0.9, "");
    MockPrimitive<Trial, Measurement> measure =
        MockPrimitive.failing(new NoisyMeasurementException(noisy));
    CodecEvaluationWorkflow workflow =
        new CodecEvaluationWorkflow(new CodecEvaluation(List.of(FAST))).withMeasure(measure);

    Ranking ranking = workflow.run(dir);

    assertEquals(3, measure.calls()); // @Retry(max = 3)
    assertEquals(List.of(noisy.withNote("noisy")), ranking.rows());

    workflow.run(dir);

    assertEquals(6, measure.calls()); // a fallback row is never cached
  }

  @Test
  void mainEvaluate_printsARankedTableAndTheCacheAtWork(@TempDir Path dir) throws Exception {
    long bytes = corpus(dir).stream().mapToLong(f -> f.length).sum();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int status =
        Main.run(
            List.of("evaluate", dir.toString()),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    String output = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, status, output + err);
    assertTrue(output.contains(String.format("Corpus: 9 files, %,d bytes", bytes)), output);
    assertTrue(output.contains("   7  store"), output);
    assertTrue(output.contains("measure cache: 7 hits, 7 misses; same ranking: yes"), output);
    // A timeline after each evaluation: the second's calls are cache hits.
    assertTrue(output.contains("  measure #7 |"), output);
    assertTrue(output.contains("cache hits 0, cache misses 7"), output);
    assertTrue(output.contains("cache hits 7, cache misses 0"), output);
  }
}

package dev.tta.primitives.examples.evaluation;

import dev.tta.primitives.annotations.Cached;
import dev.tta.primitives.annotations.Fallback;
import dev.tta.primitives.annotations.Parallel;
import dev.tta.primitives.annotations.Retry;
import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Timeout;
import dev.tta.primitives.annotations.Workflow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.DataFormatException;

/**
 * Ranks compression settings on a corpus of real files: {@code load} reads the files, {@code
 * measure} runs for every setting, two at a time, and {@code rank} orders the results.
 *
 * <p>{@code measure} compresses and decompresses the whole corpus, checks that every byte comes
 * back, and times repetitions on the measuring thread's CPU clock. Its policies, outermost first:
 *
 * <ul>
 *   <li>{@code @Fallback}: a measurement that stayed noisy, or timed out, still gets a row, with a
 *       note;
 *   <li>{@code @Cached}: keyed by the setting and the corpus's SHA-256, so evaluating unchanged
 *       files again costs nothing, and a fallback row is never cached;
 *   <li>{@code @Retry}: a noisy measurement (repetitions that disagree because the machine was
 *       busy) is measured again;
 *   <li>{@code @Timeout}: a setting gets a minute per attempt.
 * </ul>
 *
 * <p>The processor turns this class into {@code CodecEvaluationWorkflow}.
 */
@Workflow
public class CodecEvaluation {

  /** Files larger than this are left out of the corpus. */
  public static final long MAX_FILE_BYTES = 1 << 20;

  /** The corpus stops growing at this size. */
  public static final long MAX_CORPUS_BYTES = 8 << 20;

  /** A measurement whose slowest repetition is this far above the median is noisy. */
  public static final double MAX_SPREAD = 0.5;

  private static final int WARM_UP_ROUNDS = 2;
  private static final int MIN_REPETITIONS = 5;
  private static final int MAX_REPETITIONS = 25;
  private static final long TARGET_CPU_NANOS = 150_000_000L;

  private final List<Codec> candidates;

  /** Evaluates {@link Codec#CANDIDATES}. */
  public CodecEvaluation() {
    this(Codec.CANDIDATES);
  }

  /**
   * Evaluates the given settings.
   *
   * @param candidates the settings, with distinct names
   */
  public CodecEvaluation(List<Codec> candidates) {
    this.candidates = List.copyOf(candidates);
    if (this.candidates.isEmpty()) {
      throw new IllegalArgumentException("no settings to evaluate");
    }
  }

  /**
   * Reads the corpus: the regular files under {@code dir} up to {@value #MAX_FILE_BYTES} bytes
   * each, in path order, skipping hidden directories and {@code target}, until the corpus reaches
   * {@value #MAX_CORPUS_BYTES} bytes. Then pairs it with every setting.
   *
   * @param dir the directory
   * @return one trial per setting
   * @throws IOException if a file cannot be read
   */
  @Step
  List<Trial> load(Path dir) throws IOException {
    Path root = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw new NotDirectoryException(root + " (not a directory)");
    }
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths =
          walk.filter(Files::isRegularFile)
              .filter(p -> !hidden(root.relativize(p)))
              .sorted()
              .collect(Collectors.toList());
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    MessageDigest sha = sha256();
    List<byte[]> files = new ArrayList<>();
    long total = 0;
    for (Path path : paths) {
      long size = Files.size(path);
      if (size == 0 || size > MAX_FILE_BYTES || total + size > MAX_CORPUS_BYTES) {
        continue;
      }
      byte[] content = Files.readAllBytes(path);
      sha.update(root.relativize(path).toString().getBytes(StandardCharsets.UTF_8));
      sha.update(content);
      files.add(content);
      total += content.length;
    }
    if (files.isEmpty()) {
      throw new IOException("no files to compress under " + root);
    }
    Corpus corpus = new Corpus(root, files, total, HexFormat.of().formatHex(sha.digest()));
    return candidates.stream().map(c -> new Trial(c, corpus)).collect(Collectors.toList());
  }

  private static boolean hidden(Path relative) {
    for (Path part : relative) {
      String name = part.toString();
      if (name.startsWith(".") || name.equals("target")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Measures one setting: compresses the corpus, checks the round trip, then times compression and
   * decompression on this thread's CPU clock until the repetitions add up to about 150 ms (5 to 25
   * of them) and takes the medians.
   *
   * @param trial the setting and the corpus
   * @return the numbers
   * @throws NoisyMeasurementException if the repetitions disagree by more than {@value #MAX_SPREAD}
   *     of the median
   * @throws DataFormatException if the setting's output does not decompress (a bug, not retried)
   */
  @Parallel(forEach = true, maxConcurrency = 2)
  @Fallback(
      value = "withNote",
      applyOn = {NoisyMeasurementException.class, TimeoutException.class})
  @Cached(ttl = "1h", maxSize = 1000, key = "trialKey")
  @Retry(max = 3, delay = "200ms", retryOn = NoisyMeasurementException.class)
  @Timeout("60s")
  Measurement measure(Trial trial) throws NoisyMeasurementException, DataFormatException {
    Codec codec = trial.codec();
    List<byte[]> units = codec.units(trial.corpus().files());
    List<byte[]> compressed = null;
    for (int i = 0; i < WARM_UP_ROUNDS; i++) {
      compressed = codec.compressAll(units);
    }
    List<byte[]> back = Codec.decompressAll(compressed, units);
    long compressedBytes = 0;
    for (int i = 0; i < units.size(); i++) {
      if (!Arrays.equals(back.get(i), units.get(i))) {
        throw new IllegalStateException(codec.name() + " did not give back the original bytes");
      }
      compressedBytes += compressed.get(i).length;
    }
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    List<Long> compressTimes = new ArrayList<>();
    List<Long> decompressTimes = new ArrayList<>();
    long spent = 0;
    while (compressTimes.size() < MIN_REPETITIONS
        || (spent < TARGET_CPU_NANOS && compressTimes.size() < MAX_REPETITIONS)) {
      long start = cpu.getCurrentThreadCpuTime();
      codec.compressAll(units);
      long middle = cpu.getCurrentThreadCpuTime();
      Codec.decompressAll(compressed, units);
      long end = cpu.getCurrentThreadCpuTime();
      compressTimes.add(middle - start);
      decompressTimes.add(end - middle);
      spent += end - start;
      if (Thread.currentThread().isInterrupted()) {
        break; // the deadline passed; the result is discarded anyway
      }
    }
    long medianCompress = median(compressTimes);
    long slowest = compressTimes.stream().mapToLong(Long::longValue).max().orElse(medianCompress);
    double spread = (double) (slowest - medianCompress) / Math.max(1, medianCompress);
    long bytes = trial.corpus().bytes();
    Measurement m =
        new Measurement(
            codec.name(),
            trial.corpus().files().size(),
            bytes,
            compressedBytes,
            megabytesPerSecond(bytes, medianCompress),
            megabytesPerSecond(bytes, median(decompressTimes)),
            compressTimes.size(),
            spread,
            "");
    if (spread > MAX_SPREAD) {
      throw new NoisyMeasurementException(m);
    }
    return m;
  }

  /**
   * The fallback of {@code measure}: the last noisy numbers with a note, or a row saying the
   * setting timed out. Never cached, so the next evaluation measures again.
   *
   * @param trial the setting and the corpus
   * @param cause a {@link NoisyMeasurementException} or a {@link TimeoutException}
   * @return the row
   */
  Measurement withNote(Trial trial, Exception cause) {
    if (cause instanceof NoisyMeasurementException noisy) {
      return noisy.measurement().withNote("noisy");
    }
    return Measurement.notMeasured(
        trial.codec().name(),
        trial.corpus().files().size(),
        trial.corpus().bytes(),
        "not measured: " + cause.getMessage());
  }

  /**
   * The cache key of {@code measure}: the setting and the corpus's fingerprint, since the corpus's
   * arrays compare by identity.
   *
   * @param trial the setting and the corpus
   * @return the key
   */
  String trialKey(Trial trial) {
    return trial.codec() + "@" + trial.corpus().fingerprint();
  }

  /**
   * Ranks the settings: smallest output first, then the fastest compression; settings without
   * numbers last.
   *
   * @param measurements one per setting
   * @return the ranking
   */
  @Step
  Ranking rank(List<Measurement> measurements) {
    List<Measurement> rows = new ArrayList<>(measurements);
    rows.sort(
        Comparator.comparing((Measurement m) -> !m.measured())
            .thenComparingLong(Measurement::compressedBytes)
            .thenComparing(Comparator.comparingDouble(Measurement::compressMBps).reversed()));
    Measurement first = Objects.requireNonNull(rows.get(0));
    return new Ranking(first.files(), first.originalBytes(), rows);
  }

  private static long median(List<Long> values) {
    long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
    return sorted[sorted.length / 2];
  }

  private static double megabytesPerSecond(long bytes, long nanos) {
    return nanos <= 0 ? Double.POSITIVE_INFINITY : bytes * 1e3 / nanos;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}

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

  /**
   * A measurement whose samples' interquartile range exceeds this fraction of the median is noisy.
   */
  public static final double MAX_SPREAD = 0.5;

  private static final int MIN_SAMPLES = 5;
  private static final int MAX_SAMPLES = 25;
  private static final long MIN_SAMPLE_NANOS = 10_000_000L;
  private static final long TARGET_CPU_NANOS = 100_000_000L;

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
   * decompression on this thread's CPU clock, in samples of at least 10 ms until they add up to
   * about 100 ms (5 to 25 samples), and takes the medians.
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
    List<byte[]> compressed = codec.compressAll(units);
    List<byte[]> back = Codec.decompressAll(compressed, units);
    long compressedBytes = 0;
    for (int i = 0; i < units.size(); i++) {
      if (!Arrays.equals(back.get(i), units.get(i))) {
        throw new IllegalStateException(codec.name() + " did not give back the original bytes");
      }
      compressedBytes += compressed.get(i).length;
    }
    Timer compressing = new Timer(() -> codec.compressAll(units));
    Timer decompressing = new Timer(() -> Codec.decompressAll(compressed, units));
    List<Double> compressTimes = compressing.samples();
    List<Double> decompressTimes = decompressing.samples();
    double medianCompress = quantile(compressTimes, 0.5);
    double spread =
        (quantile(compressTimes, 0.75) - quantile(compressTimes, 0.25)) / medianCompress;
    long bytes = trial.corpus().bytes();
    Measurement m =
        new Measurement(
            codec.name(),
            trial.corpus().files().size(),
            bytes,
            compressedBytes,
            megabytesPerSecond(bytes, medianCompress),
            megabytesPerSecond(bytes, quantile(decompressTimes, 0.5)),
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

  /** A value below which a fraction {@code q} of the values lie (nearest rank). */
  private static double quantile(List<Double> values, double q) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
  }

  private static double megabytesPerSecond(long bytes, double nanos) {
    return nanos <= 0 ? Double.POSITIVE_INFINITY : bytes * 1e3 / nanos;
  }

  /** Work to time: one pass over the corpus. */
  @FunctionalInterface
  private interface Pass {
    void run() throws DataFormatException;
  }

  /**
   * Times a pass on the current thread's CPU clock. A sample repeats the pass enough times to take
   * at least {@value #MIN_SAMPLE_NANOS} ns, so that a fast setting on a small corpus is not
   * measured at the clock's granularity; samples are taken until they add up to {@value
   * #TARGET_CPU_NANOS} ns ({@value #MIN_SAMPLES} to {@value #MAX_SAMPLES} of them).
   */
  private static final class Timer {
    private final ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    private final Pass pass;

    Timer(Pass pass) {
      this.pass = pass;
    }

    private long time(int passes) throws DataFormatException {
      long start = cpu.getCurrentThreadCpuTime();
      for (int i = 0; i < passes; i++) {
        pass.run();
      }
      return cpu.getCurrentThreadCpuTime() - start;
    }

    /** The CPU time of one pass, in ns, per sample. */
    List<Double> samples() throws DataFormatException {
      int passes = 1;
      while (time(passes) < MIN_SAMPLE_NANOS && passes < (1 << 20)) {
        passes *= 2;
      }
      List<Double> samples = new ArrayList<>();
      long spent = 0;
      while (samples.size() < MIN_SAMPLES
          || (spent < TARGET_CPU_NANOS && samples.size() < MAX_SAMPLES)) {
        long nanos = time(passes);
        samples.add((double) nanos / passes);
        spent += nanos;
        if (Thread.currentThread().isInterrupted()) {
          break; // the deadline passed; the result is discarded anyway
        }
      }
      return samples;
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}

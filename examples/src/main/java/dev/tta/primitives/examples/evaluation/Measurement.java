package dev.tta.primitives.examples.evaluation;

/**
 * What one setting did on the corpus. Speeds are in MB (10^6 bytes) of original data per second of
 * the measuring thread's CPU time, the median of several samples.
 *
 * @param codec the setting's name
 * @param files the number of files in the corpus
 * @param originalBytes the corpus's size
 * @param compressedBytes the size after compression, every stream included; -1 when not measured
 * @param compressMBps compression speed
 * @param decompressMBps decompression speed
 * @param repetitions how many timed samples the medians are taken over
 * @param spread the interquartile range of the compression samples, as a fraction of their median
 * @param note empty, or why the numbers are less trustworthy (noisy, timed out)
 */
public record Measurement(
    String codec,
    int files,
    long originalBytes,
    long compressedBytes,
    double compressMBps,
    double decompressMBps,
    int repetitions,
    double spread,
    String note) {

  /**
   * A setting that could not be measured.
   *
   * @param codec the setting's name
   * @param files the number of files in the corpus
   * @param originalBytes the corpus's size
   * @param why what went wrong
   * @return a measurement without numbers
   */
  public static Measurement notMeasured(String codec, int files, long originalBytes, String why) {
    return new Measurement(codec, files, originalBytes, -1, 0, 0, 0, 0, why);
  }

  /**
   * Whether there are numbers.
   *
   * @return false for {@link #notMeasured}
   */
  public boolean measured() {
    return compressedBytes >= 0;
  }

  /**
   * The compressed size as a fraction of the original: smaller is better.
   *
   * @return compressed / original
   */
  public double ratio() {
    return originalBytes == 0 ? 1.0 : (double) compressedBytes / originalBytes;
  }

  /**
   * The same numbers with a note.
   *
   * @param why the note
   * @return the annotated measurement
   */
  public Measurement withNote(String why) {
    return new Measurement(
        codec,
        files,
        originalBytes,
        compressedBytes,
        compressMBps,
        decompressMBps,
        repetitions,
        spread,
        why);
  }
}

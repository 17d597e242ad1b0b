package dev.tta.primitives.examples.evaluation;

import java.nio.file.Path;
import java.util.List;

/**
 * The files a setting is measured on.
 *
 * @param root the directory they were read from
 * @param files their contents, in path order
 * @param bytes their total size
 * @param fingerprint the SHA-256 of their names and contents, in hex: equal fingerprints, equal
 *     corpus
 */
public record Corpus(Path root, List<byte[]> files, long bytes, String fingerprint) {

  /**
   * A corpus.
   *
   * @param root the directory
   * @param files the contents, copied (the arrays are shared, not copied)
   * @param bytes the total size
   * @param fingerprint the SHA-256 of names and contents
   */
  public Corpus {
    files = List.copyOf(files);
  }
}

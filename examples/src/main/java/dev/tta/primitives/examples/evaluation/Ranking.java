package dev.tta.primitives.examples.evaluation;

import java.util.List;

/**
 * The settings from best to worst: smallest output first, then fastest compression; settings that
 * could not be measured come last.
 *
 * @param files the number of files in the corpus
 * @param bytes the corpus's size
 * @param rows one measurement per setting, best first
 */
public record Ranking(int files, long bytes, List<Measurement> rows) {

  /**
   * A ranking.
   *
   * @param files the number of files
   * @param bytes the corpus's size
   * @param rows the measurements, best first, copied
   */
  public Ranking {
    rows = List.copyOf(rows);
  }
}

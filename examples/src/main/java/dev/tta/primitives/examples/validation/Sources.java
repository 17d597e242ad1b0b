package dev.tta.primitives.examples.validation;

import java.nio.file.Path;
import java.util.List;

/**
 * The tree being validated: every {@code .java} file under a root, in path order.
 *
 * @param root the root directory
 * @param files the source files
 */
public record Sources(Path root, List<SourceFile> files) {

  /**
   * The tree.
   *
   * @param root the root directory
   * @param files the source files, copied
   */
  public Sources {
    files = List.copyOf(files);
  }

  /**
   * The number of lines in all files.
   *
   * @return the line count
   */
  public int lines() {
    return files.stream().mapToInt(f -> f.lines().size()).sum();
  }
}

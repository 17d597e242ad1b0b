package dev.tta.primitives.examples.validation;

import java.nio.file.Path;
import java.util.List;

/**
 * A Java source file of the tree being validated, read once by the {@code load} step.
 *
 * @param path the file
 * @param name the path relative to the root, with {@code /} separators, as reports show it
 * @param lines the file's lines, without line terminators
 */
public record SourceFile(Path path, String name, List<String> lines) {

  /**
   * A source file.
   *
   * @param path the file
   * @param name the path relative to the root, with {@code /} separators
   * @param lines the file's lines, copied
   */
  public SourceFile {
    lines = List.copyOf(lines);
  }
}

package dev.tta.primitives.examples.evaluation;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A compression setting to evaluate: the JDK's DEFLATE ({@code java.util.zip}) with a level and a
 * strategy, applied to each file on its own (like zip) or to all files as one stream (solid, like
 * tar.gz).
 *
 * @param name the name in the ranking
 * @param level 0 (store) to 9 (smallest)
 * @param strategy {@link Deflater#DEFAULT_STRATEGY}, {@link Deflater#FILTERED} or {@link
 *     Deflater#HUFFMAN_ONLY}
 * @param solid whether all files are compressed as one stream
 */
public record Codec(String name, int level, int strategy, boolean solid) {

  /** The settings {@code evaluate} compares. */
  public static final List<Codec> CANDIDATES =
      List.of(
          new Codec("store", Deflater.NO_COMPRESSION, Deflater.DEFAULT_STRATEGY, false),
          new Codec("huffman-only", 6, Deflater.HUFFMAN_ONLY, false),
          new Codec("deflate-1", Deflater.BEST_SPEED, Deflater.DEFAULT_STRATEGY, false),
          new Codec("deflate-6", 6, Deflater.DEFAULT_STRATEGY, false),
          new Codec("deflate-6-filtered", 6, Deflater.FILTERED, false),
          new Codec("deflate-9", Deflater.BEST_COMPRESSION, Deflater.DEFAULT_STRATEGY, false),
          new Codec("deflate-9-solid", Deflater.BEST_COMPRESSION, Deflater.DEFAULT_STRATEGY, true));

  /**
   * Checks the fields.
   *
   * @param name the name
   * @param level 0 to 9
   * @param strategy a {@link Deflater} strategy
   * @param solid whether all files are one stream
   */
  public Codec {
    if (level < 0 || level > 9) {
      throw new IllegalArgumentException(name + ": level " + level + " is not 0 to 9");
    }
  }

  /**
   * The units this setting compresses: each file, or one concatenation of all files.
   *
   * @param files the corpus's files
   * @return the inputs of {@link #compress(byte[])}
   */
  public List<byte[]> units(List<byte[]> files) {
    if (!solid) {
      return files;
    }
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    files.forEach(all::writeBytes);
    return List.of(all.toByteArray());
  }

  /**
   * Compresses one unit into a raw DEFLATE stream.
   *
   * @param input the bytes
   * @return the compressed bytes
   */
  public byte[] compress(byte[] input) {
    return compressAll(List.of(input)).get(0);
  }

  /**
   * Compresses every unit, each into its own raw DEFLATE stream, with one {@link Deflater} reset
   * between units as an archiver would.
   *
   * @param units the inputs
   * @return the outputs, in the same order
   */
  public List<byte[]> compressAll(List<byte[]> units) {
    Deflater deflater = new Deflater(level, true);
    try {
      deflater.setStrategy(strategy);
      byte[] buffer = new byte[64 * 1024];
      List<byte[]> outputs = new ArrayList<>(units.size());
      for (byte[] input : units) {
        deflater.reset();
        deflater.setInput(input);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream(input.length / 2 + 64);
        while (!deflater.finished()) {
          out.write(buffer, 0, deflater.deflate(buffer));
        }
        outputs.add(out.toByteArray());
      }
      return outputs;
    } finally {
      deflater.end();
    }
  }

  /**
   * Decompresses what {@link #compressAll(List)} made, with one {@link Inflater}.
   *
   * @param compressed the compressed streams
   * @param originals the original units, for their lengths
   * @return the decompressed units, in the same order
   * @throws DataFormatException if a stream is corrupt or ends early
   */
  public static List<byte[]> decompressAll(List<byte[]> compressed, List<byte[]> originals)
      throws DataFormatException {
    Inflater inflater = new Inflater(true);
    try {
      List<byte[]> outputs = new ArrayList<>(compressed.size());
      for (int i = 0; i < compressed.size(); i++) {
        inflater.reset();
        inflater.setInput(compressed.get(i));
        byte[] out = new byte[originals.get(i).length];
        int n = 0;
        while (n < out.length && !inflater.finished()) {
          int got = inflater.inflate(out, n, out.length - n);
          if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
            throw new DataFormatException("stream " + i + " ended after " + n + " bytes");
          }
          n += got;
        }
        outputs.add(out);
      }
      return outputs;
    } finally {
      inflater.end();
    }
  }
}

package dev.tta.primitives.temporal.crash;

import dev.tta.primitives.annotations.Durable;
import dev.tta.primitives.annotations.Retry;
import dev.tta.primitives.annotations.Step;
import dev.tta.primitives.annotations.Timeout;
import dev.tta.primitives.annotations.Workflow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A durable shipment of five sequential steps: {@code weigh} → {@code price} → {@code pack} →
 * {@code label} → {@code dispatch}. Every call of every step appends a line {@code <step> <worker>
 * <attempt>} to {@value #CALLS} in the directory it is given, so calls can be counted across
 * processes sharing that directory.
 *
 * <p>{@code pack} is slow on its first attempt when {@code firstPackHold} is not zero: it writes
 * {@value #PACK_IN_FLIGHT} naming its worker and then waits that long, so that a test can kill the
 * worker while the step runs. Its {@code @Timeout} is what lets Temporal notice that attempt is
 * gone (the activity sends no heartbeat), and its {@code @Retry} runs a second attempt, which does
 * not wait.
 */
@Workflow(name = "Shipment")
@Durable
public class Shipment {

  /** The file in the calls directory every step call appends a line to. */
  public static final String CALLS = "calls.log";

  /** The file {@code pack} writes, holding its worker's name, when its first attempt waits. */
  public static final String PACK_IN_FLIGHT = "pack.in-flight";

  /** One line of an order. */
  public record Item(String sku, int grams) {}

  /** The order's items, weighed. */
  public record Parcel(String order, List<Item> items, int grams) {}

  /** A parcel with its price. */
  public record Quote(Parcel parcel, long cents) {}

  /** A priced parcel in its box, with the checksum of its packing list. */
  public record Packed(Quote quote, String box, String manifest) {}

  /** What goes on the box. */
  public record Label(String order, String tracking, String box, long cents) {}

  /** What the run yields. */
  public record Dispatched(String tracking, String order, String box, long cents, String depot) {}

  private final Path callsDir;
  private final String worker;
  private final Duration firstPackHold;

  /**
   * The steps of one process.
   *
   * @param callsDir the directory of {@value #CALLS} and {@value #PACK_IN_FLIGHT}
   * @param worker the name this process writes in its lines
   * @param firstPackHold how long the first attempt of {@code pack} waits; zero for no wait
   */
  public Shipment(Path callsDir, String worker, Duration firstPackHold) {
    this.callsDir = Objects.requireNonNull(callsDir, "callsDir");
    this.worker = Objects.requireNonNull(worker, "worker");
    this.firstPackHold = Objects.requireNonNull(firstPackHold, "firstPackHold");
  }

  @Step
  public Parcel weigh(String order) {
    append("weigh");
    List<Item> items = new ArrayList<>();
    int grams = 0;
    for (int i = 1; i <= 3; i++) {
      String sku = order + "-sku" + i;
      // String.hashCode is specified, so every process weighs the same.
      int weight = 100 + Math.floorMod(sku.hashCode(), 900);
      items.add(new Item(sku, weight));
      grams += weight;
    }
    return new Parcel(order, items, grams);
  }

  @Step
  public Quote price(Parcel parcel) {
    append("price");
    long cents = 499 + 2L * parcel.grams() + 50L * parcel.items().size();
    return new Quote(parcel, cents);
  }

  @Step
  @Timeout("5s")
  @Retry(max = 3, delay = "100ms")
  public Packed pack(Quote quote) throws IOException, InterruptedException {
    int attempt = append("pack");
    if (attempt == 1 && !firstPackHold.isZero()) {
      Path marker = callsDir.resolve(PACK_IN_FLIGHT);
      Path partial = callsDir.resolve(PACK_IN_FLIGHT + "." + worker);
      Files.writeString(partial, worker);
      // Moved into place whole, so that a reader never sees an empty marker.
      Files.move(partial, marker, StandardCopyOption.ATOMIC_MOVE);
      Thread.sleep(firstPackHold.toMillis());
    }
    int grams = quote.parcel().grams();
    String box = grams < 1200 ? "S" : grams < 2000 ? "M" : "L";
    StringBuilder list = new StringBuilder();
    for (Item item : quote.parcel().items()) {
      list.append(item.sku()).append(':').append(item.grams()).append('\n');
    }
    return new Packed(quote, box, sha256(list.toString()));
  }

  @Step
  public Label label(Packed packed) {
    append("label");
    String order = packed.quote().parcel().order();
    String tracking = "TT" + sha256(order + "/" + packed.manifest()).substring(0, 12).toUpperCase();
    return new Label(order, tracking, packed.box(), packed.quote().cents());
  }

  @Step
  public Dispatched dispatch(Label label) {
    append("dispatch");
    String[] depots = {"north", "south", "east", "west"};
    String depot = depots[Math.floorMod(label.tracking().hashCode(), depots.length)];
    return new Dispatched(label.tracking(), label.order(), label.box(), label.cents(), depot);
  }

  /**
   * Appends this call's line and returns its attempt: one more than the lines of {@code step}
   * already there (steps run one at a time, so no two processes append for one step at once).
   */
  private int append(String step) {
    Path calls = callsDir.resolve(CALLS);
    try {
      int attempt = 1;
      if (Files.exists(calls)) {
        for (String line : Files.readAllLines(calls)) {
          if (line.startsWith(step + " ")) {
            attempt++;
          }
        }
      }
      // One short write with O_APPEND: lines of two processes never interleave.
      Files.write(
          calls,
          (step + " " + worker + " " + attempt + "\n").getBytes(StandardCharsets.UTF_8),
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      return attempt;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is in every JDK", e);
    }
  }
}

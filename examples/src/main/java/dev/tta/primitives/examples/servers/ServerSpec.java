package dev.tta.primitives.examples.servers;

import java.util.ArrayList;
import java.util.List;

/**
 * A server to start.
 *
 * @param name its name, unique in the fleet
 * @param port the port on 127.0.0.1, or 0 for an ephemeral port chosen by the system
 * @param sieveLimit the server computes the primes below this number before it reports ready, at
 *     least {@link ServerStartup#PROBE_BELOW}
 */
public record ServerSpec(String name, int port, int sieveLimit) {

  /**
   * The sieve of the first server of {@link #fleet(int)}; server {@code k} sieves k times as far.
   */
  public static final int BASE_SIEVE_LIMIT = 2_500_000;

  /**
   * Checks the fields.
   *
   * @param name its name
   * @param port the port, or 0
   * @param sieveLimit the sieve's bound
   */
  public ServerSpec {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a server needs a name");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(name + ": port " + port + " is out of range");
    }
    if (sieveLimit < ServerStartup.PROBE_BELOW) {
      throw new IllegalArgumentException(
          name + ": sieve limit " + sieveLimit + " is below " + ServerStartup.PROBE_BELOW);
    }
  }

  /**
   * {@code count} servers on ephemeral ports, {@code server-1} to {@code server-<count>}; server
   * {@code k} sieves below {@code k * }{@value #BASE_SIEVE_LIMIT}, so they get ready one after
   * another.
   *
   * @param count how many, 1 to 64
   * @return the specs
   */
  public static List<ServerSpec> fleet(int count) {
    if (count < 1 || count > 64) {
      throw new IllegalArgumentException("the number of servers must be 1 to 64, not " + count);
    }
    List<ServerSpec> specs = new ArrayList<>();
    for (int k = 1; k <= count; k++) {
      specs.add(new ServerSpec("server-" + k, 0, k * BASE_SIEVE_LIMIT));
    }
    return specs;
  }
}

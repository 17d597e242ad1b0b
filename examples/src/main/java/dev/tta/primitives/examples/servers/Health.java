package dev.tta.primitives.examples.servers;

import java.time.Duration;

/**
 * What the health check of one server found.
 *
 * @param server the server's name
 * @param port its port
 * @param warmUp how long its warm-up took, as the server reported it
 * @param healthRequests how many {@code /health} requests the server answered, 503s included
 * @param primesBelowProbe the server's answer to {@code /primes?below=}{@value
 *     ServerStartup#PROBE_BELOW}
 * @param latency the round trip of that request
 */
public record Health(
    String server,
    int port,
    Duration warmUp,
    int healthRequests,
    long primesBelowProbe,
    Duration latency) {

  /**
   * Whether the server's answer is right: there are 78,498 primes below one million.
   *
   * @return true when the answer is right
   */
  public boolean correct() {
    return primesBelowProbe == ServerStartup.PRIMES_BELOW_PROBE;
  }
}

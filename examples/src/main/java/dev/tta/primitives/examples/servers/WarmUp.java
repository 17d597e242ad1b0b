package dev.tta.primitives.examples.servers;

import java.util.BitSet;

/** What a server computes after it starts listening and before it reports ready. */
@FunctionalInterface
public interface WarmUp {

  /** The real work: the sieve of Eratosthenes below the spec's limit. */
  WarmUp SIEVE = spec -> Primes.sieve(spec.sieveLimit());

  /**
   * Computes the primes the server answers questions about.
   *
   * @param spec the server
   * @return the primes below {@link ServerSpec#sieveLimit()}, one bit per number
   * @throws InterruptedException if the server stops while it warms up
   */
  BitSet sieve(ServerSpec spec) throws InterruptedException;
}

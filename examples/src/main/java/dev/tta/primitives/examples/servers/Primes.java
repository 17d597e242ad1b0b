package dev.tta.primitives.examples.servers;

import java.util.BitSet;

/** The sieve of Eratosthenes: the work a server does before it reports ready. */
public final class Primes {

  private Primes() {}

  /**
   * The primes below {@code limit}: bit {@code i} is set when {@code i} is prime.
   *
   * @param limit the exclusive upper bound, at least 2
   * @return the sieve
   * @throws InterruptedException if the thread is interrupted (a server stopped while warming up)
   */
  public static BitSet sieve(int limit) throws InterruptedException {
    BitSet composite = new BitSet(limit);
    for (int p = 2; (long) p * p < limit; p = composite.nextClearBit(p + 1)) {
      if (Thread.interrupted()) {
        throw new InterruptedException("sieve below " + limit + " interrupted at " + p);
      }
      for (int multiple = p * p; multiple < limit; multiple += p) {
        composite.set(multiple);
      }
    }
    BitSet primes = new BitSet(limit);
    primes.set(2, limit);
    primes.andNot(composite);
    return primes;
  }
}

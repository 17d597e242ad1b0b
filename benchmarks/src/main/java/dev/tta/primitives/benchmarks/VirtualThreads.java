package dev.tta.primitives.benchmarks;

import java.util.concurrent.ExecutorService;

/**
 * The release-17 stand-in for the class in {@code src/main/java21}: on a JDK 21+ run of a jar built
 * on JDK 21+, the multi-release jar loads that one instead, which has virtual threads.
 */
final class VirtualThreads {
  private VirtualThreads() {}

  /**
   * Whether this JVM and jar have virtual threads.
   *
   * @return false here
   */
  static boolean available() {
    return false;
  }

  /**
   * A virtual-thread-per-task executor.
   *
   * @return never
   */
  static ExecutorService newPerTaskExecutor() {
    throw new UnsupportedOperationException(
        "virtual threads need a JDK 21+ run of a jar built on JDK 21+");
  }
}

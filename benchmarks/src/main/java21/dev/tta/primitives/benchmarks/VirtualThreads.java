package dev.tta.primitives.benchmarks;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Virtual threads, compiled with release 21 into {@code META-INF/versions/21} of the multi-release
 * jar: a JDK 21+ run loads this class instead of the release-17 one of the same name.
 */
final class VirtualThreads {
  private VirtualThreads() {}

  /**
   * Whether this JVM and jar have virtual threads.
   *
   * @return true here
   */
  static boolean available() {
    return true;
  }

  /**
   * A virtual-thread-per-task executor.
   *
   * @return a new executor
   */
  static ExecutorService newPerTaskExecutor() {
    return Executors.newVirtualThreadPerTaskExecutor();
  }
}

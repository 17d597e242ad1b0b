package dev.tta.primitives.examples.servers;

import java.util.List;

/**
 * The servers that started and passed their health check, in the order they were planned.
 *
 * @param servers one health report per server
 */
public record Fleet(List<Health> servers) {

  /**
   * A fleet.
   *
   * @param servers one health report per server, copied
   */
  public Fleet {
    servers = List.copyOf(servers);
  }

  /**
   * Whether every server answered correctly.
   *
   * @return true when all answers are right
   */
  public boolean allCorrect() {
    return servers.stream().allMatch(Health::correct);
  }
}

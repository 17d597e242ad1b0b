package dev.tta.primitives.examples.servers;

import java.io.IOException;

/** A server answered its health check with something other than 200; worth asking again. */
public final class ServerNotReadyException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * The exception.
   *
   * @param message the server and what it answered
   */
  public ServerNotReadyException(String message) {
    super(message);
  }
}

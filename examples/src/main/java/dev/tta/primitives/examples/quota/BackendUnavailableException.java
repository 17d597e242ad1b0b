package dev.tta.primitives.examples.quota;

import java.io.IOException;

/** The API answered 503: down for now, worth trying again later. */
public final class BackendUnavailableException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * An outage answer.
   *
   * @param message what the server said
   */
  public BackendUnavailableException(String message) {
    super(message);
  }
}

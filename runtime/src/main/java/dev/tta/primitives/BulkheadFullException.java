package dev.tta.primitives;

import java.util.Objects;

/** A call refused by a full bulkhead (no slot, no room in its queue, or its wait ran out). */
public final class BulkheadFullException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The bulkhead's name. */
  private final String bulkhead;

  /**
   * A refusal by {@code bulkhead}.
   *
   * @param bulkhead the bulkhead's name
   * @param why what was full, e.g. "10 calls in flight and 5 waiting"
   */
  public BulkheadFullException(String bulkhead, String why) {
    super(
        "bulkhead '"
            + Objects.requireNonNull(bulkhead, "bulkhead")
            + "' is full: "
            + Objects.requireNonNull(why, "why")
            + "; the call did not run");
    this.bulkhead = bulkhead;
  }

  /**
   * The bulkhead that refused the call.
   *
   * @return its name: the step's, or the shared name it was given
   */
  public String bulkhead() {
    return bulkhead;
  }
}

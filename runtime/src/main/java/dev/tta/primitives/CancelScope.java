package dev.tta.primitives;

/**
 * A node of a run's cancellation tree: the run itself, an isolated call (a step under a deadline, a
 * blocking branch or element), a parallel stage, a for-each, a blocking run nested in a step. Work
 * carries the scope it runs in in its {@link WorkflowContext}; every primitive asks {@link
 * #isCancelled(CancelScope)} before it starts more work (a step, a branch, an element, an attempt,
 * a retry), so a cancel takes effect at once even while the future that would carry it down the
 * tree is not published yet (its primitive is still starting work on another thread).
 *
 * <p>A node is stopped by a cancel, a deadline or a failed sibling; a node that merely finished is
 * not: work it left running (a detached call, a nested {@code runAsync}) goes on.
 */
interface CancelScope {

  /**
   * Whether this node itself was stopped.
   *
   * @return true once stopped; never false again
   */
  boolean isStopped();

  /**
   * The scope this one is nested in.
   *
   * @return the parent, or {@code null} at the top
   */
  CancelScope parent();

  /**
   * The scope whose blocking run may run this scope's queued work itself ({@link Waiter}): the
   * parent, unless this scope is a run of its own or shared work.
   *
   * @return the scope to look in for a waiter, or {@code null}
   */
  default CancelScope helpedBy() {
    return parent();
  }

  /**
   * Whether work in {@code scope} must start nothing more: it or a scope it is nested in was
   * stopped. Cheap: a field read for work outside any scope, a few volatile reads otherwise.
   *
   * @param scope the scope of the work, or {@code null}
   * @return true if cancelled
   */
  static boolean isCancelled(CancelScope scope) {
    for (CancelScope s = scope; s != null; s = s.parent()) {
      if (s.isStopped()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Runs {@code announcement} unless work in {@code scope} is cancelled, such that a cancel of any
   * isolated call of the chain either is seen here or returns only once the announcement is over:
   * for what must never follow a {@code cancel()} that has returned, such as an {@code onRetry}
   * event. No lock is held while the announcement runs, and a cancel made from inside one (a
   * listener cancelling its run) never waits for another, so two at once cannot deadlock.
   *
   * @param scope the scope of the work, or {@code null}
   * @param announcement what to run; quick, e.g. telling the listeners
   * @return false if cancelled, and the announcement was not made
   */
  static boolean announceUnlessCancelled(CancelScope scope, Runnable announcement) {
    for (CancelScope s = scope; s != null; s = s.parent()) {
      if (s instanceof IsolatedCall) {
        ((IsolatedCall<?, ?>) s).announcementBegins();
      }
    }
    try {
      if (isCancelled(scope)) {
        return false;
      }
      IsolatedCall.announcing(announcement);
      return true;
    } finally {
      for (CancelScope s = scope; s != null; s = s.parent()) {
        if (s instanceof IsolatedCall) {
          ((IsolatedCall<?, ?>) s).announcementEnds();
        }
      }
    }
  }
}

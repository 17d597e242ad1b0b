/**
 * The runtime primitives that generated workflows are composed of, usable by hand as well: {@link
 * dev.tta.primitives.SequentialPrimitive}, {@link dev.tta.primitives.ParallelPrimitive} (and its
 * for-each form), {@link dev.tta.primitives.RetryPrimitive}, {@link
 * dev.tta.primitives.TimeoutPrimitive}, {@link dev.tta.primitives.CachePrimitive}, {@link
 * dev.tta.primitives.FallbackPrimitive}, run as a named workflow by {@link
 * dev.tta.primitives.WorkflowRunner} on a {@link dev.tta.primitives.WorkflowRuntime}.
 *
 * <h2>Cancellation, deadlines and threads</h2>
 *
 * <p>One model holds for every primitive:
 *
 * <ul>
 *   <li><b>One cancellation scope per run</b>, inherited by every step, parallel branch, for-each
 *       element, retry attempt and nested workflow (a workflow whose {@code run} or {@code
 *       runAsync} is called from inside a step). A scope is cancelled by cancelling the future of
 *       {@code runAsync} or {@code execute}, by the deadline of an enclosing {@code @Timeout} (step
 *       or class), or by a failed sibling in a parallel stage or for-each. Every primitive consults
 *       the same scope <em>before</em> it starts a step, a branch, an element or an attempt, and
 *       before it schedules a retry; work in flight is cancelled (a blocking step's thread is
 *       interrupted unless the timeout says {@code interrupt = false}). After {@code cancel()}
 *       returns, no step body starts that had not already been entered, no retry is scheduled (no
 *       {@code onRetry} event) and pending waits stop. The last look at the scope is taken just
 *       before the step's method is called ({@link dev.tta.primitives.LambdaPrimitive}) and just
 *       before listeners hear of a retry: "already entered" means that a thread was past it, a few
 *       instructions from the method's (or the listener's) first line. A listener may cancel the
 *       run it is told about. Cached work shared by several runs stops once every run waiting for
 *       it is cancelled; a run that asks for it afterwards starts it afresh.
 *   <li><b>Deadlines never need a free executor thread.</b> On the default scheduler a deadline
 *       fires on the runtime's timer thread, which stops the late call and completes the caller's
 *       future with the {@link java.util.concurrent.TimeoutException} there: a saturated or bounded
 *       pool delays work, never a deadline. A fallback after a timeout runs on the executor, not on
 *       the timer thread; dependents that a caller attaches to a future without {@code *Async} may
 *       run on the timer thread, so keep them short.
 *   <li><b>No deadlock on bounded pools.</b> A blocking {@code run()} called on one of the
 *       runtime's threads (a step calling another workflow) runs its own parallel branches and
 *       for-each elements that no executor thread has started yet, instead of waiting for them
 *       behind itself; blocking steps under a deadline are never run that way (the waiting thread
 *       would be the one the deadline must release), they wait for a thread or their deadline.
 *   <li><b>Listeners are isolated.</b> Whatever a {@link dev.tta.primitives.WorkflowListener}
 *       throws, checked exceptions included, is logged through {@link System.Logger} {@code
 *       dev.tta.primitives} (the first failure of each listener as a warning, later ones at debug
 *       level) and ignored: it never changes a run's outcome or leaves a future pending.
 *   <li><b>Rejection</b> by the executor fails the affected run with a {@link
 *       dev.tta.primitives.WorkflowException} naming the workflow and step, whose cause is the
 *       {@link java.util.concurrent.RejectedExecutionException}; a rejection is not retried.
 *   <li><b>Failures name user steps</b>, or the workflow for a failure of the whole run (a
 *       class-level policy, a run the executor refused): never an internal primitive such as
 *       "sequence".
 *   <li><b>Randomness is part of the runtime</b>, like its clock and scheduler: retry jitter draws
 *       from the runtime's random source ({@link
 *       dev.tta.primitives.WorkflowRuntime.Builder#random}); a {@link
 *       dev.tta.primitives.testing.VirtualTime}'s runtime is seeded, so a virtual-time test is
 *       reproducible with the default jitter.
 *   <li><b>Lifecycle.</b> A {@link dev.tta.primitives.WorkflowRuntime} is {@link AutoCloseable}:
 *       runs started after {@code close()} fail with a {@link
 *       dev.tta.primitives.WorkflowException}; it never shuts down an executor it was given. The
 *       default threads are daemons that end when idle or interrupted, so they never delay a JVM's
 *       exit, {@code mvn exec:java}'s included.
 * </ul>
 */
package dev.tta.primitives;

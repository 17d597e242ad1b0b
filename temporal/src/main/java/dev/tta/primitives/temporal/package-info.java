/**
 * Runs {@code @Durable} workflows on Temporal: the support code the generated {@code
 * <Name>Temporal} classes call. Users call the generated class ({@code register}, {@code run},
 * {@code start}, {@code result}); the classes here are public so that generated code in any package
 * can reach them, and are not meant to be called by hand.
 *
 * <p>How a run is carried out: the generated workflow class calls only Temporal's workflow API
 * (activity stubs, {@code Async}, {@code Promise}, {@code Workflow.await}) in an order fixed by the
 * stages, so it is deterministic by construction; every step runs as an activity in a worker, where
 * {@link dev.tta.primitives.temporal.DurableActivity} calls the user's method through the runtime's
 * primitives (with the step's breaker, bulkhead, rate limit and hedge) and turns its failure into
 * an {@code ApplicationFailure} that says whether Temporal may retry it and whether the step's
 * fallback handles it.
 */
package dev.tta.primitives.temporal;

/**
 * Ready-made {@link dev.tta.primitives.WorkflowListener}s: {@link
 * dev.tta.primitives.listeners.ProgressListener} shows runs' progress as they happen (one line
 * redrawn on a terminal, rate-limited lines elsewhere), {@link
 * dev.tta.primitives.listeners.Timeline} draws the last finished run as a per-step chart, in text
 * or as a Mermaid Gantt diagram. Both take their time from the runtime's {@link
 * dev.tta.primitives.WorkflowClock}, so they are exact on a {@link
 * dev.tta.primitives.testing.VirtualTime}, and both are thread-safe.
 *
 * <pre>{@code
 * Timeline timeline = new Timeline();
 * WorkflowRuntime runtime =
 *     WorkflowRuntime.builder()
 *         .listener(ProgressListener.to(System.out))
 *         .listener(timeline)
 *         .build();
 * Report report = new PackageValidationWorkflow(new PackageValidation(), runtime).run(root);
 * System.out.print(timeline.text());
 * }</pre>
 */
package dev.tta.primitives.listeners;

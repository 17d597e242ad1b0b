/**
 * The annotation processor that turns {@code @Workflow} classes into generated workflow classes
 * (internal; not an API). It is built in the processor issue; this module holds its build set-up.
 */
package dev.tta.primitives.processor;

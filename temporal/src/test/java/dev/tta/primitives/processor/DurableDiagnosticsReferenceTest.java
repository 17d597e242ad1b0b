package dev.tta.primitives.processor;

/**
 * The diagnostics reference test with the Temporal module on the class path: it compiles the
 * examples of the {@code @Durable} checks that need it (the processor module's run compiles the
 * rest).
 */
class DurableDiagnosticsReferenceTest extends DiagnosticsReferenceTest {}

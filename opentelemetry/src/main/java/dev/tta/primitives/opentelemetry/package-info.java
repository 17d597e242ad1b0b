/**
 * OpenTelemetry for workflow runs: {@link dev.tta.primitives.opentelemetry.OpenTelemetryTracing}
 * makes a span tree of every run (a span per run, a child per step call) and {@link
 * dev.tta.primitives.opentelemetry.OpenTelemetryMetrics} records durations and counts through the
 * OpenTelemetry metrics API. Both are {@link dev.tta.primitives.WorkflowInterceptor}s, added with
 * {@link dev.tta.primitives.WorkflowRuntime.Builder#interceptor}. The module depends on {@code
 * opentelemetry-api} alone; the application brings the SDK and its exporters.
 */
package dev.tta.primitives.opentelemetry;

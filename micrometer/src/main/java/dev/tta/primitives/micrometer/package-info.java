/**
 * Micrometer for workflow runs: {@link dev.tta.primitives.micrometer.MicrometerMetrics} records
 * timers and counters in a {@code MeterRegistry}, and {@link
 * dev.tta.primitives.micrometer.MicrometerObservations} makes an {@code Observation} of every run
 * and step call, so the application's own handlers (metrics, traces, logs; Spring Boot's among
 * them) see them. Both are {@link dev.tta.primitives.WorkflowInterceptor}s, added with {@link
 * dev.tta.primitives.WorkflowRuntime.Builder#interceptor}. The module depends on {@code
 * micrometer-core} alone.
 */
package dev.tta.primitives.micrometer;

package dev.tta.primitives;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The immutable context of one workflow run, passed to every step: the workflow's name and run id,
 * free-form metadata (for tracing, tenants, request ids) and the {@link WorkflowRuntime} the run
 * uses. The {@code with...} methods return modified copies.
 */
public final class WorkflowContext {

  private static final AtomicLong SEQUENCE = new AtomicLong();

  private final String workflowName;
  // The id is built on first use: most runs never ask, and the string costs more than the run.
  private final String idPrefix;
  private final long idNumber;
  private String workflowId; // benign race: every thread computes the same string
  private final Map<String, String> metadata;
  private final WorkflowRuntime runtime;
  // Where the work that receives this context runs: its cancellation scope (null at the top).
  private final CancelScope scope;
  // The interceptors' observation of the run or step call this context is passed in (null when
  // the runtime has no interceptor), and the for-each element a step call is for (-1: none).
  private final Observed observed;
  private final int element;

  private WorkflowContext(
      String workflowName,
      String idPrefix,
      long idNumber,
      Map<String, String> metadata,
      WorkflowRuntime runtime,
      CancelScope scope,
      Observed observed,
      int element) {
    this.workflowName = workflowName;
    this.idPrefix = idPrefix;
    this.idNumber = idNumber;
    this.metadata = metadata;
    this.runtime = runtime;
    this.scope = scope;
    this.observed = observed;
    this.element = element;
  }

  /**
   * A new context for a run of {@code workflowName} on the {@linkplain WorkflowRuntime#defaults()
   * default runtime}, with a fresh run id.
   *
   * @param workflowName the workflow's name, used in events and errors
   * @return the context
   */
  public static WorkflowContext create(String workflowName) {
    return create(workflowName, WorkflowRuntime.defaults());
  }

  /**
   * A new context for a run of {@code workflowName} on {@code runtime}, with a fresh run id.
   *
   * @param workflowName the workflow's name, used in events and errors
   * @param runtime the executor, scheduler, clock and listeners the run uses
   * @return the context
   */
  public static WorkflowContext create(String workflowName, WorkflowRuntime runtime) {
    return create(workflowName, runtime, null);
  }

  /** A new run's context whose work runs in {@code scope} (the enclosing run's, when nested). */
  static WorkflowContext create(String workflowName, WorkflowRuntime runtime, CancelScope scope) {
    Objects.requireNonNull(workflowName, "workflowName");
    Objects.requireNonNull(runtime, "runtime");
    // A counter, not a UUID: unique within the JVM and free of SecureRandom on the hot path.
    return new WorkflowContext(
        workflowName, workflowName, SEQUENCE.incrementAndGet(), Map.of(), runtime, scope, null, -1);
  }

  /**
   * The name of the workflow running; nested workflows see their own name.
   *
   * @return the name
   */
  public String workflowName() {
    return workflowName;
  }

  /**
   * The id of this run, shared by nested workflows of the same run.
   *
   * @return the id
   */
  public String workflowId() {
    String id = workflowId;
    if (id == null) {
      id = idPrefix + "-" + idNumber;
      workflowId = id;
    }
    return id;
  }

  /**
   * Metadata attached to this run.
   *
   * @return an unmodifiable map in insertion order
   */
  public Map<String, String> metadata() {
    return metadata;
  }

  /**
   * The runtime this run uses.
   *
   * @return the runtime
   */
  public WorkflowRuntime runtime() {
    return runtime;
  }

  /**
   * A copy with one more metadata entry (replacing an entry with the same key).
   *
   * @param key the key
   * @param value the value
   * @return the new context
   */
  public WorkflowContext withMetadata(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Map<String, String> copy = new LinkedHashMap<>(metadata);
    copy.put(key, value);
    return new WorkflowContext(
        workflowName,
        idPrefix,
        idNumber,
        Collections.unmodifiableMap(copy),
        runtime,
        scope,
        observed,
        element);
  }

  /**
   * A copy for a nested workflow: same run id, metadata and runtime, another name.
   *
   * @param name the nested workflow's name
   * @return this context if the name is the same, else the new context
   */
  public WorkflowContext withWorkflowName(String name) {
    Objects.requireNonNull(name, "name");
    return name.equals(workflowName)
        ? this
        : new WorkflowContext(
            name, idPrefix, idNumber, metadata, runtime, scope, observed, element);
  }

  /**
   * A copy that runs on another runtime.
   *
   * @param newRuntime the runtime
   * @return the new context
   */
  public WorkflowContext withRuntime(WorkflowRuntime newRuntime) {
    Objects.requireNonNull(newRuntime, "runtime");
    return new WorkflowContext(
        workflowName, idPrefix, idNumber, metadata, newRuntime, scope, observed, element);
  }

  /** The cancellation scope of the work this context is passed to, or {@code null}. */
  CancelScope scope() {
    return scope;
  }

  /** A copy for work that runs in {@code newScope}, nested in this context's scope. */
  WorkflowContext withScope(CancelScope newScope) {
    return newScope == scope
        ? this
        : new WorkflowContext(
            workflowName, idPrefix, idNumber, metadata, runtime, newScope, observed, element);
  }

  /** The interceptors' observation of the run or step call this context belongs to, or null. */
  Observed observed() {
    return observed;
  }

  /** A copy for the work of the run or step call {@code newObserved}, for no for-each element. */
  WorkflowContext withObserved(Observed newObserved) {
    return new WorkflowContext(
        workflowName, idPrefix, idNumber, metadata, runtime, scope, newObserved, -1);
  }

  /** The for-each element the next step call is for, or -1. */
  int element() {
    return element;
  }

  /** A copy for the call of for-each element {@code index}. */
  WorkflowContext withElement(int index) {
    return new WorkflowContext(
        workflowName, idPrefix, idNumber, metadata, runtime, scope, observed, index);
  }

  @Override
  public String toString() {
    return "WorkflowContext{" + workflowName + ", id=" + workflowId() + ", " + metadata + "}";
  }
}

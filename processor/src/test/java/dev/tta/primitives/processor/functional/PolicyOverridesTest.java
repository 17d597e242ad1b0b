package dev.tta.primitives.processor.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tta.primitives.CircuitState;
import dev.tta.primitives.PolicyOverrides;
import dev.tta.primitives.RateLimitExceededException;
import dev.tta.primitives.WorkflowException;
import dev.tta.primitives.WorkflowRuntime;
import dev.tta.primitives.testing.VirtualTime;
import java.io.IOException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Run-time overrides of policy values through generated workflows. */
class PolicyOverridesTest {

  private static WorkflowRuntime runtime(Map<String, String> overrides) {
    return new VirtualTime().runtime().toBuilder().overrides(PolicyOverrides.of(overrides)).build();
  }

  /** What constructing the two-per-minute workflow with one override {@code key=value} throws. */
  private static IllegalArgumentException refused(String key, String value) {
    return assertThrows(
        IllegalArgumentException.class,
        () ->
            new MorePolicies_TwoPerMinuteWorkflow(
                new MorePolicies.TwoPerMinute(), runtime(Map.of(key, value))));
  }

  @Test
  void anOverrideReplacesTheAnnotationsValue() {
    MorePolicies_TwoPerMinuteWorkflow workflow =
        new MorePolicies_TwoPerMinuteWorkflow(
            new MorePolicies.TwoPerMinute(),
            runtime(Map.of("TwoPerMinute.call.RateLimit.permits", "3")));

    for (String in : new String[] {"a", "b", "c"}) {
      assertEquals("ok:" + in, workflow.run(in));
    }
    WorkflowException e = assertThrows(WorkflowException.class, () -> workflow.run("d"));
    assertInstanceOf(RateLimitExceededException.class, e.getCause());
  }

  @Test
  void overridesComeFromProperties() {
    Properties properties = new Properties();
    properties.setProperty("Flaky.call.Retry.max", "2");
    MorePolicies.Flaky steps = new MorePolicies.Flaky();
    WorkflowRuntime runtime =
        WorkflowRuntime.builder().overrides(PolicyOverrides.fromProperties(properties)).build();

    WorkflowException e =
        assertThrows(
            WorkflowException.class, () -> new MorePolicies_FlakyWorkflow(steps, runtime).run("x"));

    assertInstanceOf(IOException.class, e.getCause());
    assertEquals(2, steps.calls.get(), "two attempts instead of the annotation's three");
  }

  @Test
  void aTimeoutOverrideShortensTheDeadline() {
    WorkflowRuntime runtime =
        WorkflowRuntime.builder()
            .overrides(PolicyOverrides.of(Map.of("Patient.call.Timeout.value", "50ms")))
            .build();

    WorkflowException e =
        assertThrows(
            WorkflowException.class,
            () -> new MorePolicies_PatientWorkflow(new MorePolicies.Patient(), runtime).run("x"));

    assertInstanceOf(TimeoutException.class, e.getCause());
  }

  @Test
  void enabledFalseSwitchesAPolicyOff() {
    MorePolicies_TwoPerMinuteWorkflow limitless =
        new MorePolicies_TwoPerMinuteWorkflow(
            new MorePolicies.TwoPerMinute(),
            runtime(Map.of("TwoPerMinute.call.RateLimit.enabled", "false")));
    for (int i = 0; i < 5; i++) {
      assertEquals("ok:" + i, limitless.run(String.valueOf(i)));
    }

    MorePolicies.Flaky steps = new MorePolicies.Flaky();
    WorkflowException e =
        assertThrows(
            WorkflowException.class,
            () ->
                new MorePolicies_FlakyWorkflow(
                        steps, runtime(Map.of("Flaky.call.Retry.enabled", "false")))
                    .run("x"));
    assertInstanceOf(IOException.class, e.getCause());
    assertEquals(1, steps.calls.get(), "no retry");
  }

  @Test
  void aSwitchedOffBreakerNeverOpens() {
    MorePolicies.Breaker steps = new MorePolicies.Breaker();
    MorePolicies_BreakerWorkflow workflow =
        new MorePolicies_BreakerWorkflow(
            steps, runtime(Map.of("Breaker.call.CircuitBreaker.enabled", "false")));

    for (int i = 0; i < 6; i++) {
      WorkflowException e = assertThrows(WorkflowException.class, () -> workflow.run("fail"));
      assertInstanceOf(IOException.class, e.getCause());
    }
    assertEquals(6, steps.calls.get());
    assertEquals(CircuitState.CLOSED, workflow.callCircuitBreaker().state());
  }

  @Test
  void aClassLevelPolicyIsTunedWithoutAStep() {
    MorePolicies.WholeBreaker steps = new MorePolicies.WholeBreaker();
    MorePolicies_WholeBreakerWorkflow workflow =
        new MorePolicies_WholeBreakerWorkflow(
            steps,
            runtime(
                Map.of(
                    "WholeBreaker.CircuitBreaker.window", "3",
                    "WholeBreaker.CircuitBreaker.minimumCalls", "3")));

    assertThrows(WorkflowException.class, () -> workflow.run("a"));
    assertThrows(WorkflowException.class, () -> workflow.run("b"));
    assertEquals(CircuitState.CLOSED, workflow.circuitBreaker().state(), "three calls needed now");
    assertThrows(WorkflowException.class, () -> workflow.run("c"));
    assertEquals(CircuitState.OPEN, workflow.circuitBreaker().state());
  }

  @Test
  void anUnknownStepFailsConstructionNamingTheKeyAndThePolicies() {
    IllegalArgumentException e = refused("TwoPerMinute.cal.RateLimit.permits", "3");

    assertTrue(e.getMessage().contains("TwoPerMinute.cal.RateLimit.permits=3"), e.getMessage());
    assertTrue(e.getMessage().contains("declares no policy cal.RateLimit"), e.getMessage());
    assertTrue(e.getMessage().contains("[call.RateLimit]"), e.getMessage());
  }

  @Test
  void anUnknownAttributeFailsConstruction() {
    IllegalArgumentException e = refused("TwoPerMinute.call.RateLimit.name", "api");

    assertEquals(
        "policy override TwoPerMinute.call.RateLimit.name=api: @RateLimit has no attribute name"
            + " that can be overridden",
        e.getMessage());
  }

  @Test
  void aPolicyTheSourceDoesNotDeclareCannotBeAdded() {
    IllegalArgumentException e = refused("TwoPerMinute.call.Retry.max", "3");

    assertTrue(e.getMessage().contains("declares no policy call.Retry"), e.getMessage());
  }

  @Test
  void aValueOutOfRangeFailsWithTheRule() {
    IllegalArgumentException e = refused("TwoPerMinute.call.RateLimit.permits", "0");

    assertTrue(
        e.getMessage().startsWith("policy override TwoPerMinute.call.RateLimit.permits=0: "),
        e.getMessage());
    assertTrue(e.getMessage().contains("must be >= 1"), e.getMessage());
  }

  @Test
  void aValueThatDoesNotParseFailsWithTheRule() {
    IllegalArgumentException e = refused("TwoPerMinute.call.RateLimit.per", "soon");

    assertTrue(
        e.getMessage()
            .startsWith(
                "policy override TwoPerMinute.call.RateLimit.per=soon: not a" + " duration"),
        e.getMessage());
  }

  @Test
  void aCrossAttributeRuleNamesTheOverrides() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new MorePolicies_BreakerWorkflow(
                    new MorePolicies.Breaker(),
                    runtime(Map.of("Breaker.call.CircuitBreaker.minimumCalls", "9"))));

    assertTrue(
        e.getMessage().startsWith("policy override Breaker.call.CircuitBreaker.minimumCalls=9: "),
        e.getMessage());
    assertTrue(e.getMessage().contains("window"), e.getMessage());
  }

  @Test
  void keysOfOtherWorkflowsAreNotChecked() {
    MorePolicies_TwoPerMinuteWorkflow workflow =
        new MorePolicies_TwoPerMinuteWorkflow(
            new MorePolicies.TwoPerMinute(),
            runtime(Map.of("SomeOtherWorkflow.step.Retry.typo", "x")));

    assertEquals("ok:a", workflow.run("a"));
  }
}

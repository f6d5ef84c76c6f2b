package io.modeldeploy.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** How a new revision (any change to the model or the runtime) replaces the serving one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.strategy) || self.strategy != 'Canary' || (has(self.steps) && size(self.steps) > 0)",
        message = "a Canary rollout needs at least one step in rollout.steps")
@ValidationRule(value = "!has(self.steps) || !self.steps.exists(s, has(s.shadow) && s.shadow) "
        + "|| (has(self.steps[0].shadow) && self.steps[0].shadow "
        + "&& self.steps.filter(s, has(s.shadow) && s.shadow).size() == 1)", fieldPath = ".steps",
        message = "a shadow step comes first, and there is at most one")
@JsonIgnoreProperties(ignoreUnknown = true)
public record RolloutSpec(
        @JsonPropertyDescription("RollingUpdate replaces the pods in place; Canary runs the new revision beside the "
                + "stable one, steps its traffic up and rolls it back when its health checks fail")
        @Default("RollingUpdate") Strategy strategy,
        @JsonPropertyDescription("The canary steps, in order: a traffic weight, then a pause (none: wait for a promote)")
        @Size(max = 20) List<CanaryStepSpec> steps,
        @JsonPropertyDescription("How the canary's health is checked at every step")
        @Default("{}") AnalysisSpec analysis,
        @JsonPropertyDescription("How traffic is split between stable and canary: ReplicaRatio (default) or GatewayAPI")
        @Default("{}") TrafficSpec traffic) {

    /** Whether a step is a shadow step (its pods get a copy of the stable pods' requests). */
    public boolean hasShadowStep() {
        return steps != null && steps.stream().anyMatch(CanaryStepSpec::shadowStep);
    }

    /** Whether an HTTPRoute of the Gateway API splits the traffic (otherwise the replica ratio does). */
    public boolean routedByGateway() {
        return traffic != null && traffic.routedByGateway();
    }

    /** The rollout strategy. */
    public enum Strategy {
        RollingUpdate, Canary
    }
}

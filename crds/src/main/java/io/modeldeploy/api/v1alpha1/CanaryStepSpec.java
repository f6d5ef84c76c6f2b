package io.modeldeploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** One canary step. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.pause) || self.pause.matches('^[0-9]+(s|m|h)$')", fieldPath = ".pause",
        message = "a step's pause is a duration such as 30s, 5m or 1h")
@ValidationRule(value = "!has(self.shadow) || !self.shadow || self.weight == 0", fieldPath = ".weight",
        message = "a shadow step gives the canary a copy of the traffic and no share of it: its weight is 0")
@JsonIgnoreProperties(ignoreUnknown = true)
public record CanaryStepSpec(
        @JsonPropertyDescription("Percent of the traffic the canary gets in this step")
        @Required @Min(0) @Max(100) Integer weight,
        @JsonPropertyDescription("How long the step lasts when the canary stays healthy, e.g. 60s; "
                + "omitted: the step waits for a promote")
        @Size(max = 16) String pause,
        @JsonPropertyDescription("A shadow step (weight 0, the first step): the stable pods send "
                + "the canary a copy of every prediction request they answer and compare its answers with theirs; "
                + "clients get only the stable version's answers, with either traffic provider")
        Boolean shadow) {

    /** A step with a traffic weight. */
    public CanaryStepSpec(Integer weight, String pause) {
        this(weight, pause, null);
    }

    /** Whether this is a shadow step. */
    public boolean shadowStep() {
        return Boolean.TRUE.equals(shadow);
    }
}

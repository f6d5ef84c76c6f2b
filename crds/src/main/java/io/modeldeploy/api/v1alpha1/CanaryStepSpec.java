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
@JsonIgnoreProperties(ignoreUnknown = true)
public record CanaryStepSpec(
        @JsonPropertyDescription("Percent of the traffic the canary gets in this step")
        @Required @Min(0) @Max(100) Integer weight,
        @JsonPropertyDescription("How long the step lasts when the canary stays healthy, e.g. 60s; "
                + "omitted: the step waits for a promote")
        @Size(max = 16) String pause) {
}

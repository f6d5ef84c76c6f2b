package io.modeldeploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * The acceptance gate: what a new version must show on the bundle's reference rows (reference.json beside
 * model.json) before its pods report ready and take any traffic.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(value = "has(self.minAccuracy) || has(self.maxAbsoluteError)",
        message = "model.acceptance needs minAccuracy (classifiers) or maxAbsoluteError (regressors)")
public record AcceptanceSpec(
        @JsonPropertyDescription("The least share (0 to 1) of reference rows whose predicted label must equal the "
                + "expected label, e.g. 0.95")
        @Min(0) @Max(1) Double minAccuracy,
        @JsonPropertyDescription("The largest difference allowed between a regressor's first output and a reference "
                + "row's expected value")
        @Min(0) Double maxAbsoluteError) {
}

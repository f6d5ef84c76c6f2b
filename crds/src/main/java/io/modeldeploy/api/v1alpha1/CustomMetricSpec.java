package io.modeldeploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * A per-pod metric served by a custom metrics adapter (e.g. prometheus-adapter).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record CustomMetricSpec(
        @JsonPropertyDescription("The metric's name, e.g. modeldeploy_requests_per_second")
        @Required @Size(min = 1, max = 253) String name,
        @JsonPropertyDescription("The per-pod average to keep, e.g. \"100\" or \"500m\"")
        @Required Quantity targetAverageValue) {
}

package io.modeldeploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * A per-pod metric served by a custom metrics adapter (e.g. prometheus-adapter).
 *
 * @param name the metric's name, e.g. modeldeploy_requests_per_second
 * @param targetAverageValue the per-pod average to keep, e.g. "100" or "500m"
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CustomMetricSpec(
        @Required @Size(min = 1, max = 253) String name,
        @Required Quantity targetAverageValue) {
}

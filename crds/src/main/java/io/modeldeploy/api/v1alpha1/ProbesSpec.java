package io.modeldeploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;

/**
 * Health probes of the runtime container. Readiness is true only once the model is loaded and a warm-up
 * prediction succeeded; liveness does not depend on the model.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProbesSpec(
        @JsonPropertyDescription("The readiness probe; failing pods get no traffic")
        @Default("{\"path\":\"/v2/health/ready\",\"periodSeconds\":5,\"timeoutSeconds\":2,\"failureThreshold\":3}")
        ProbeSpec readiness,
        @JsonPropertyDescription("The liveness probe; failing containers are restarted")
        @Default("{\"path\":\"/v2/health/live\",\"periodSeconds\":10,\"timeoutSeconds\":2,\"failureThreshold\":3}")
        ProbeSpec liveness) {
}

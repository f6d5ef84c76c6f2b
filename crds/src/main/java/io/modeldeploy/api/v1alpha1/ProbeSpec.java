package io.modeldeploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * An HTTP GET probe against the runtime.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.path.startsWith('/')", fieldPath = ".path", message = "a probe path must start with '/'")
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProbeSpec(
        @JsonPropertyDescription("The HTTP path probed")
        @Required @Size(min = 1, max = 256) String path,
        @JsonPropertyDescription("Seconds after the container starts before the first probe")
        @Min(0) @Max(3600) Integer initialDelaySeconds,
        @JsonPropertyDescription("Seconds between probes")
        @Required @Min(1) @Max(3600) Integer periodSeconds,
        @JsonPropertyDescription("Seconds after which a probe fails")
        @Required @Min(1) @Max(3600) Integer timeoutSeconds,
        @JsonPropertyDescription("Consecutive failures before the probe counts as failed")
        @Required @Min(1) @Max(100) Integer failureThreshold) {
}

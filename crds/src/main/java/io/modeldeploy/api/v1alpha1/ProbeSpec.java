package io.modeldeploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * An HTTP GET probe against the runtime.
 *
 * @param path the HTTP path probed
 * @param initialDelaySeconds seconds after the container starts before the first probe
 * @param periodSeconds seconds between probes
 * @param timeoutSeconds seconds after which a probe fails
 * @param failureThreshold consecutive failures before the probe counts as failed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.path.startsWith('/')", fieldPath = ".path", message = "a probe path must start with '/'")
public record ProbeSpec(
        @Required @Size(min = 1, max = 256) String path,
        @Min(0) @Max(3600) Integer initialDelaySeconds,
        @Required @Min(1) @Max(3600) Integer periodSeconds,
        @Required @Min(1) @Max(3600) Integer timeoutSeconds,
        @Required @Min(1) @Max(100) Integer failureThreshold) {
}

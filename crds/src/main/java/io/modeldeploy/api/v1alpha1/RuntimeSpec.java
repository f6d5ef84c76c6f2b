package io.modeldeploy.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/**
 * The serving runtime container.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RuntimeSpec(
        @JsonPropertyDescription("The serving runtime image; the operator's configured default when omitted")
        @Size(max = 512) String image,
        @JsonPropertyDescription("Always, IfNotPresent or Never")
        ImagePullPolicy imagePullPolicy,
        @JsonPropertyDescription("The HTTP port the runtime listens on (not below 1024: the runtime runs as non-root)")
        @Default("8080") @Min(1024) @Max(65535) Integer port,
        @JsonPropertyDescription("CPU and memory requests and limits of the runtime container")
        ResourceRequirements resources,
        @JsonPropertyDescription("Extra environment variables for the runtime container")
        List<EnvVar> env,
        @JsonPropertyDescription("Dynamic batching of concurrent predictions")
        @Default("{}") BatchingSpec batching) {

    /** When the kubelet pulls the runtime image. */
    public enum ImagePullPolicy {
        Always, IfNotPresent, Never
    }
}

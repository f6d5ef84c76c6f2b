package io.modeldeploy.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/**
 * The serving runtime container.
 *
 * @param image the serving runtime image; the operator's configured default when omitted
 * @param imagePullPolicy Always, IfNotPresent or Never
 * @param port the HTTP port the runtime listens on (not below 1024: the runtime runs as non-root)
 * @param resources CPU and memory requests and limits of the runtime container
 * @param env extra environment variables for the runtime container
 * @param batching dynamic batching of concurrent predictions
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuntimeSpec(
        @Size(max = 512) String image,
        ImagePullPolicy imagePullPolicy,
        @Default("8080") @Min(1024) @Max(65535) Integer port,
        ResourceRequirements resources,
        List<EnvVar> env,
        @Default("{}") BatchingSpec batching) {

    /** When the kubelet pulls the runtime image. */
    public enum ImagePullPolicy {
        Always, IfNotPresent, Never
    }
}

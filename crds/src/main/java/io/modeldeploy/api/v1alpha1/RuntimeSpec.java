package io.modeldeploy.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/**
 * The serving runtime container.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.port) || !has(self.grpcPort) || self.port != self.grpcPort",
        message = "runtime.port and runtime.grpcPort must differ: the runtime serves REST and gRPC on two ports")
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
        @Default("{}") BatchingSpec batching,
        @JsonPropertyDescription("The port of the runtime's Open Inference Protocol gRPC service; the Services "
                + "expose it as 'grpc' (appProtocol kubernetes.io/h2c) on the same number")
        @Default("8081") @Min(1024) @Max(65535) Integer grpcPort) {
    /** The gRPC port when the spec names none (the CRD's default). */
    public static final int DEFAULT_GRPC_PORT = 8081;

    /** The gRPC port: the spec's, else the default (the API server fills it in; objects built in code may not). */
    @JsonIgnore
    public int grpcPortOrDefault() {
        return grpcPort == null ? DEFAULT_GRPC_PORT : grpcPort;
    }

    public RuntimeSpec(String image, ImagePullPolicy imagePullPolicy, Integer port, ResourceRequirements resources,
            List<EnvVar> env, BatchingSpec batching) {
        this(image, imagePullPolicy, port, resources, env, batching, null);
    }

    /** When the kubelet pulls the runtime image. */
    public enum ImagePullPolicy {
        Always, IfNotPresent, Never
    }
}

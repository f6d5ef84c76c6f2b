package io.modeldeploy.api.v1alpha1;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;

/**
 * What to serve and how.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelDeploymentSpec(
        @JsonPropertyDescription("The trained model to serve")
        @Required ModelSpec model,
        @JsonPropertyDescription("The serving runtime container: image, port, resources, environment, batching")
        @Default("{}") RuntimeSpec runtime,
        @JsonPropertyDescription("Serving pods, split between stable and canary during a canary; with autoscaling the HorizontalPodAutoscaler sets it, within its bounds, through the scale subresource")
        @SpecReplicas @Default("1") @Min(0) @Max(1000) Integer replicas,
        @JsonPropertyDescription("Scale between min and max replicas on CPU utilization or a custom metric")
        AutoscalingSpec autoscaling,
        @JsonPropertyDescription("Health probes against the runtime's health endpoints")
        @Default("{}") ProbesSpec probes,
        @JsonPropertyDescription("Where the serving pods may run")
        SchedulingSpec scheduling,
        @JsonPropertyDescription("The pods' security context; restricted (non-root, RuntimeDefault seccomp) when omitted")
        PodSecurityContext securityContext,
        @JsonPropertyDescription("Annotations added to every serving pod")
        Map<String, String> podAnnotations,
        @JsonPropertyDescription("Seconds a new revision may take to become ready before it counts as stalled")
        @Default("600") @Min(1) @Max(86400) Integer progressDeadlineSeconds,
        @JsonPropertyDescription("How a new revision replaces the serving one: RollingUpdate (default) or Canary")
        @Default("{\"strategy\":\"RollingUpdate\"}") RolloutSpec rollout) {
}

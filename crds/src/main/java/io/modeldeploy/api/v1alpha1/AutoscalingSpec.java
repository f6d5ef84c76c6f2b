package io.modeldeploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Horizontal autoscaling of the serving pods. While set, a HorizontalPodAutoscaler scales the ModelDeployment
 * through its scale subresource: it measures all serving pods and sets spec.replicas, which the operator splits
 * between the stable and canary tracks during a canary, with either traffic provider.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.minReplicas <= self.maxReplicas",
        message = "autoscaling.minReplicas must not exceed autoscaling.maxReplicas")
@JsonIgnoreProperties(ignoreUnknown = true)
public record AutoscalingSpec(
        @JsonPropertyDescription("The fewest serving pods")
        @Default("1") @Min(1) @Max(1000) Integer minReplicas,
        @JsonPropertyDescription("The most serving pods")
        @Required @Min(1) @Max(1000) Integer maxReplicas,
        @JsonPropertyDescription("Average CPU utilization, in percent of the CPU request, to keep the pods at")
        @Default("80") @Min(1) @Max(100) Integer targetCPUUtilizationPercentage,
        @JsonPropertyDescription("An additional per-pod custom metric to scale on")
        CustomMetricSpec metric) {
}

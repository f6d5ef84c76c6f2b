package io.modeldeploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Horizontal autoscaling of the serving pods. While set, the HorizontalPodAutoscaler owns the replica count and
 * spec.replicas is not applied.
 *
 * @param minReplicas the fewest serving pods
 * @param maxReplicas the most serving pods
 * @param targetCPUUtilizationPercentage average CPU utilization (of requests) to keep the pods at
 * @param metric an additional per-pod custom metric to scale on
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.minReplicas <= self.maxReplicas",
        message = "autoscaling.minReplicas must not exceed autoscaling.maxReplicas")
public record AutoscalingSpec(
        @Default("1") @Min(1) @Max(1000) Integer minReplicas,
        @Required @Min(1) @Max(1000) Integer maxReplicas,
        @Default("80") @Min(1) @Max(100) Integer targetCPUUtilizationPercentage,
        CustomMetricSpec metric) {
}

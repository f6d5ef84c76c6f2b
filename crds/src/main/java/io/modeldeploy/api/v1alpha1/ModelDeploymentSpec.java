package io.modeldeploy.api.v1alpha1;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;

/**
 * What to serve and how.
 *
 * @param model the trained model to serve
 * @param runtime the serving runtime container: image, port, resources, environment, batching
 * @param replicas serving pods when autoscaling is off; with autoscaling the HorizontalPodAutoscaler owns the count
 * @param autoscaling scale between min and max replicas on CPU utilization or a custom metric
 * @param probes health probes against the runtime's health endpoints
 * @param scheduling where the serving pods may run
 * @param securityContext the pods' security context; restricted (non-root, RuntimeDefault seccomp) when omitted
 * @param podAnnotations annotations added to every serving pod
 * @param progressDeadlineSeconds seconds a new revision may take to become ready before it counts as stalled
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelDeploymentSpec(
        @Required ModelSpec model,
        @Default("{}") RuntimeSpec runtime,
        @SpecReplicas @Default("1") @Min(0) @Max(1000) Integer replicas,
        AutoscalingSpec autoscaling,
        @Default("{}") ProbesSpec probes,
        SchedulingSpec scheduling,
        PodSecurityContext securityContext,
        Map<String, String> podAnnotations,
        @Default("600") @Min(1) @Max(86400) Integer progressDeadlineSeconds) {
}

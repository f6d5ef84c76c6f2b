package io.modeldeploy.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;

/**
 * What the operator observed when it last reconciled the ModelDeployment.
 *
 * @param observedGeneration the metadata.generation this status describes
 * @param phase Pending, Progressing, Ready or Stalled; the Ready condition says why
 * @param replicas serving pods wanted now (the HorizontalPodAutoscaler's choice while autoscaling)
 * @param readyReplicas serving pods that pass their readiness probe
 * @param selector label selector of the serving pods, for the scale subresource
 * @param url in-cluster URL of the model service
 * @param modelVersion the model version the Ready pods serve
 * @param revision hash of the pod template of the serving revision
 * @param conditions Ready, Reconciling and Stalled, in the shape kstatus, Flux and Argo CD read
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelDeploymentStatus(
        Long observedGeneration,
        String phase,
        @StatusReplicas Integer replicas,
        Integer readyReplicas,
        @LabelSelector String selector,
        String url,
        String modelVersion,
        String revision,
        List<Condition> conditions) {
}

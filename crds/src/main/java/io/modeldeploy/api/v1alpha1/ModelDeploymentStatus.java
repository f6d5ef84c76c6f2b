package io.modeldeploy.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;

/**
 * What the operator observed when it last reconciled the ModelDeployment.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelDeploymentStatus(
        @JsonPropertyDescription("The metadata.generation this status describes")
        Long observedGeneration,
        @JsonPropertyDescription("Pending, Progressing, Ready, Stalled, Canary, Paused or RolledBack; the Ready condition says why")
        String phase,
        @JsonPropertyDescription("Serving pods wanted now (the HorizontalPodAutoscaler's choice while autoscaling)")
        @StatusReplicas Integer replicas,
        @JsonPropertyDescription("Serving pods that pass their readiness probe")
        Integer readyReplicas,
        @JsonPropertyDescription("Label selector of the serving pods, for the scale subresource")
        @LabelSelector String selector,
        @JsonPropertyDescription("In-cluster URL of the model service")
        String url,
        @JsonPropertyDescription("The model version the Ready pods serve")
        String modelVersion,
        @JsonPropertyDescription("Hash of the pod template of the serving revision")
        String revision,
        @JsonPropertyDescription("Ready, Reconciling, Stalled and Degraded, in the shape kstatus, Flux and Argo CD read")
        List<Condition> conditions,
        @JsonPropertyDescription("Where a canary rollout stands (Canary strategy)")
        RolloutStatus rollout,
        @JsonPropertyDescription("The last rollout transitions, newest last")
        List<RolloutEvent> history,
        @JsonPropertyDescription("Which spec the serving revision was chosen from, and a revision held after an operator upgrade")
        TemplateStatus template,
        @JsonPropertyDescription("The digest an oci:// model.uri's tag was pinned to")
        ResolvedModelStatus resolvedModel) {

    /** The same status with the rollout's part replaced. */
    public ModelDeploymentStatus withRollout(RolloutStatus newRollout, List<RolloutEvent> newHistory) {
        return new ModelDeploymentStatus(observedGeneration, phase, replicas, readyReplicas, selector, url,
                modelVersion, revision, conditions, newRollout, newHistory, template, resolvedModel);
    }

    /** The same status with the template's part replaced. */
    public ModelDeploymentStatus withTemplate(TemplateStatus newTemplate) {
        return new ModelDeploymentStatus(observedGeneration, phase, replicas, readyReplicas, selector, url,
                modelVersion, revision, conditions, rollout, history, newTemplate, resolvedModel);
    }

    /** The same status with the resolved model replaced. */
    public ModelDeploymentStatus withResolvedModel(ResolvedModelStatus newResolvedModel) {
        return new ModelDeploymentStatus(observedGeneration, phase, replicas, readyReplicas, selector, url,
                modelVersion, revision, conditions, rollout, history, template, newResolvedModel);
    }
}

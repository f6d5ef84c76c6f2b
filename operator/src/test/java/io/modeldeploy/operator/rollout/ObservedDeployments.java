package io.modeldeploy.operator.rollout;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.modeldeploy.operator.resources.Labels;

/** Deployments as the operator observes them, for the rollout's pure tests. */
final class ObservedDeployments {
    private ObservedDeployments() {
    }

    /** A Deployment {@code name} of two replicas of {@code revision}, rolled out: all updated and available. */
    static Deployment rolledOut(String name, String revision) {
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).withGeneration(1L).withCreationTimestamp("2026-12-03T05:00:00Z")
                .endMetadata()
                .withNewSpec().withReplicas(2)
                .withNewTemplate().withNewMetadata().addToLabels(Labels.REVISION, revision).endMetadata().endTemplate()
                .endSpec()
                .withNewStatus().withObservedGeneration(1L).withReplicas(2).withUpdatedReplicas(2).withReadyReplicas(2)
                .withAvailableReplicas(2).endStatus()
                .build();
    }
}

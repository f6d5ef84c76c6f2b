package io.modeldeploy.operator.status;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.modeldeploy.operator.resources.Labels;

/**
 * What the operator reads off an observed Deployment: the revision it runs, whether it has finished rolling out,
 * whether it passed its progress deadline. One place for the status rules and the rollout plan alike.
 */
public final class DeploymentProgress {
    private DeploymentProgress() {
    }

    /** The revision hash of the Deployment's pod template. */
    public static String revision(Deployment deployment) {
        return deployment.getSpec().getTemplate().getMetadata().getLabels().get(Labels.REVISION);
    }

    /**
     * The controller observed the Deployment's latest generation and all {@code replicas} pods are updated and
     * available, with no old pods left.
     */
    public static boolean rolledOut(Deployment deployment, int replicas) {
        DeploymentStatus status = deployment.getStatus();
        return status != null
                && status.getObservedGeneration() != null
                && status.getObservedGeneration() >= deployment.getMetadata().getGeneration()
                && orZero(status.getUpdatedReplicas()) == replicas
                && orZero(status.getReplicas()) == replicas
                && orZero(status.getAvailableReplicas()) == replicas;
    }

    /** The Deployment controller reports Progressing=False with reason ProgressDeadlineExceeded. */
    public static boolean deadlineExceeded(Deployment deployment) {
        return deployment.getStatus() != null && deployment.getStatus().getConditions() != null
                && deployment.getStatus().getConditions().stream().anyMatch(c -> "Progressing".equals(c.getType())
                        && Conditions.FALSE.equals(c.getStatus())
                        && Conditions.PROGRESS_DEADLINE_EXCEEDED.equals(c.getReason()));
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }
}

package io.modeldeploy.operator.resources;

import java.util.Optional;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.modeldeploy.api.v1alpha1.AutoscalingSpec;
import io.modeldeploy.api.v1alpha1.ModelDeployment;

/**
 * The Deployment that runs a ModelDeployment's serving pods. Rolling updates never take a ready pod away before its
 * replacement is ready. While autoscaling is on, the HorizontalPodAutoscaler chooses the replica count: the
 * Deployment starts at minReplicas and afterwards keeps whatever count the autoscaler set (within min and max).
 */
public final class ServingDeployment {
    private ServingDeployment() {
    }

    public static String name(ModelDeployment md) {
        return md.getMetadata().getName();
    }

    /** The Deployment of a track: the stable one is named after the ModelDeployment, others get a suffix. */
    public static String name(ModelDeployment md, String track) {
        return Labels.TRACK_STABLE.equals(track) ? name(md) : name(md) + "-" + track;
    }

    /**
     * The stable Deployment running the spec's revision.
     *
     * @param currentReplicas the replica count of the existing Deployment, if there is one
     */
    public static Deployment desired(ModelDeployment md, String defaultImage, Optional<Integer> currentReplicas) {
        return desired(md, Labels.TRACK_STABLE, ServingPodTemplate.desired(md, Labels.TRACK_STABLE, defaultImage),
                stableReplicas(md, currentReplicas));
    }

    /** The Deployment of one track running the given pod template (labelled for that track) with the replicas. */
    public static Deployment desired(ModelDeployment md, String track, PodTemplateSpec template, int replicas) {
        var spec = md.getSpec();
        return new DeploymentBuilder()
                .withMetadata(Owner.childMetadata(md, name(md, track)))
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector().withMatchLabels(Labels.track(md, track)).endSelector()
                .withTemplate(template)
                .withProgressDeadlineSeconds(spec.progressDeadlineSeconds())
                .withRevisionHistoryLimit(3)
                .withNewStrategy()
                .withType("RollingUpdate")
                .withNewRollingUpdate()
                .withMaxUnavailable(new IntOrString(0))
                .withMaxSurge(new IntOrString("25%"))
                .endRollingUpdate()
                .endStrategy()
                .endSpec()
                .build();
    }

    /**
     * The stable track's replica count now: spec.replicas, or with autoscaling the autoscaler's current choice
     * (within min and max; minReplicas before there is a Deployment).
     *
     * @param currentReplicas the replica count of the existing stable Deployment, if there is one
     */
    public static int stableReplicas(ModelDeployment md, Optional<Integer> currentReplicas) {
        AutoscalingSpec autoscaling = md.getSpec().autoscaling();
        if (autoscaling == null) {
            return md.getSpec().replicas();
        }
        int current = currentReplicas.orElse(autoscaling.minReplicas());
        return Math.max(autoscaling.minReplicas(), Math.min(autoscaling.maxReplicas(), current));
    }
}

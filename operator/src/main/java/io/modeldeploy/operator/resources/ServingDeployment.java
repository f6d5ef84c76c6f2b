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
 * replacement is ready. While autoscaling is on, the HorizontalPodAutoscaler chooses the replica count: the operator
 * creates the stable Deployment at minReplicas and afterwards leaves spec.replicas out of what it applies, so that
 * it never writes back a count the autoscaler has since changed.
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
                appliedStableReplicas(md, currentReplicas, stableReplicas(md, currentReplicas)));
    }

    /**
     * The Deployment of one track running the given pod template (labelled for that track).
     *
     * @param replicas its spec.replicas, or null to leave the count to its owner (the autoscaler)
     */
    public static Deployment desired(ModelDeployment md, String track, PodTemplateSpec template, Integer replicas) {
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

    /**
     * The spec.replicas the operator applies to the stable Deployment: {@code replicas}, except with autoscaling
     * once the Deployment exists, when the HorizontalPodAutoscaler owns the count and the operator applies none.
     * Writing back the count it last observed would race the autoscaler: a scale landing between the observation
     * and the apply would be undone.
     *
     * @param currentReplicas the replica count of the existing stable Deployment, if there is one
     * @return the count to apply, or null for none
     */
    public static Integer appliedStableReplicas(ModelDeployment md, Optional<Integer> currentReplicas, int replicas) {
        return md.getSpec().autoscaling() != null && currentReplicas.isPresent() ? null : replicas;
    }
}

package io.modeldeploy.operator.resources;

import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.modeldeploy.api.v1alpha1.AutoscalingSpec;
import io.modeldeploy.api.v1alpha1.ModelDeployment;

/**
 * The Deployment that runs a ModelDeployment's serving pods. Rolling updates never take a ready pod away before its
 * replacement is ready. While autoscaling is on, the HorizontalPodAutoscaler scales the ModelDeployment itself
 * (its scale subresource, so spec.replicas is its choice), and the operator splits that count between the tracks.
 */
public final class ServingDeployment {
    private ServingDeployment() {
    }

    public static String name(ModelDeployment md) {
        return md.getMetadata().getName();
    }

    /** The names of a ModelDeployment's Deployments: the stable and the canary track's. */
    public static List<String> names(ModelDeployment md) {
        return List.of(name(md, Labels.TRACK_STABLE), name(md, Labels.TRACK_CANARY));
    }

    /** The Deployment of a track: the stable one is named after the ModelDeployment, others get a suffix. */
    public static String name(ModelDeployment md, String track) {
        return Labels.TRACK_STABLE.equals(track) ? name(md) : name(md) + "-" + track;
    }

    /**
     * The stable Deployment running the spec's revision.
     *
     * @param replicas its spec.replicas, or null to leave the count to its owner (see {@link #replicas})
     */
    public static Deployment desired(ModelDeployment md, String defaultImage, Integer replicas) {
        return desired(md, Labels.TRACK_STABLE, ServingPodTemplate.desired(md, Labels.TRACK_STABLE, defaultImage),
                replicas);
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
     * The serving pods wanted now, across both tracks: spec.replicas, within autoscaling's bounds while autoscaling
     * (the HorizontalPodAutoscaler sets spec.replicas through the ModelDeployment's scale subresource). An autoscaler
     * made by an earlier operator version scales the stable Deployment instead: until it is moved to the ModelDeployment,
     * the count it gave the Deployment stands.
     *
     * @param scaledByDeploymentAutoscaler the stable Deployment's replicas while such an autoscaler scales it
     */
    public static int replicas(ModelDeployment md, Optional<Integer> scaledByDeploymentAutoscaler) {
        AutoscalingSpec autoscaling = md.getSpec().autoscaling();
        if (autoscaling == null) {
            return md.getSpec().replicas();
        }
        int wanted = scaledByDeploymentAutoscaler.orElse(md.getSpec().replicas());
        return Math.max(autoscaling.minReplicas(), Math.min(autoscaling.maxReplicas(), wanted));
    }
}

package io.modeldeploy.operator.dependents;

import java.util.Optional;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.resources.Labels;
import io.modeldeploy.operator.resources.Owner;
import io.modeldeploy.operator.resources.ServingAutoscaler;
import io.modeldeploy.operator.resources.ServingDeployment;

/** The serving replicas wanted now ({@link ServingDeployment#replicas}), from what the reconcile observed. */
public final class ServingReplicas {
    private ServingReplicas() {
    }

    public static int wanted(Context<ModelDeployment> context, ModelDeployment md) {
        return ServingDeployment.replicas(md, scaledByDeploymentAutoscaler(context, md));
    }

    /**
     * The stable Deployment's replicas while an autoscaler made by an earlier operator version scales that
     * Deployment; empty once the autoscaler scales the ModelDeployment ({@link ServingAutoscalerDependent} moves it).
     */
    static Optional<Integer> scaledByDeploymentAutoscaler(Context<ModelDeployment> context, ModelDeployment md) {
        if (md.getSpec().autoscaling() == null || autoscaler(context, md)
                .filter(ServingAutoscaler::scalesDeployment).isEmpty()) {
            return Optional.empty();
        }
        return ServingDeployments.observed(context, md, Labels.TRACK_STABLE).map(d -> d.getSpec().getReplicas());
    }

    /** The ModelDeployment's autoscaler, by its name, when the ModelDeployment controls it. */
    @SuppressWarnings("unchecked")
    private static Optional<HorizontalPodAutoscaler> autoscaler(Context<ModelDeployment> context, ModelDeployment md) {
        var informer = (InformerEventSource<HorizontalPodAutoscaler, ModelDeployment>) context.eventSourceRetriever()
                .getEventSourceFor(HorizontalPodAutoscaler.class);
        return ChildReads.read(context, informer,
                new ResourceID(ServingAutoscaler.name(md), md.getMetadata().getNamespace()))
                .filter(hpa -> Owner.controls(md, hpa));
    }
}

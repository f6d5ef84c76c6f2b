package io.modeldeploy.operator.dependents;

import java.util.Optional;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.resources.ServingDeployment;

/**
 * The observed Deployment of a track, looked up by name: a ModelDeployment owns two Deployments during a canary,
 * so "the" Deployment of an informer is ambiguous. Read once per reconcile ({@link ChildReads}).
 */
public final class ServingDeployments {
    /** The event source both Deployment dependents' caches can be read through (the stable dependent's). */
    public static final String EVENT_SOURCE = "deployment";

    private ServingDeployments() {
    }

    @SuppressWarnings("unchecked")
    public static Optional<Deployment> observed(Context<ModelDeployment> context, ModelDeployment md, String track) {
        var informer = (InformerEventSource<Deployment, ModelDeployment>) context.eventSourceRetriever()
                .getEventSourceFor(Deployment.class, EVENT_SOURCE);
        return ChildReads.read(context, informer,
                new ResourceID(ServingDeployment.name(md, track), md.getMetadata().getNamespace()));
    }
}

package io.modeldeploy.operator.dependents;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.resources.Labels;
import io.modeldeploy.operator.resources.ServingService;

/** The Service of one track's pods, a backend of the GatewayAPI provider's HTTPRoute. */
public abstract class TrackServiceDependent extends ChildDependent<Service> {
    private final String track;

    TrackServiceDependent(String track) {
        super(Service.class, ServingService::names, md -> ServingService.name(md, track));
        this.track = track;
    }

    @Override
    protected Service desired(ModelDeployment md, Context<ModelDeployment> context) {
        return ServingService.desired(md, track);
    }

    /** The stable pods' Service. */
        public static class Stable extends TrackServiceDependent {
        public Stable() {
            super(Labels.TRACK_STABLE);
        }
    }

    /** The canary pods' Service (no endpoints while no canary runs). */
        public static class Canary extends TrackServiceDependent {
        public Canary() {
            super(Labels.TRACK_CANARY);
        }
    }
}

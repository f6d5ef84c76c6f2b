package io.modeldeploy.operator.dependents;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.resources.ServingService;
import io.modeldeploy.operator.rollout.RolloutCoordinator;

/**
 * The Service the stable pods mirror to: the canary's pods while a shadow step runs, no pod otherwise. Read through
 * the ModelDeployment Service dependent's informer, as the other Service dependents are.
 */
public class ShadowServiceDependent extends ChildDependent<Service> {
    public ShadowServiceDependent() {
        super(Service.class, ServingService::names, ServingService::shadowName);
    }

    @Override
    protected Service desired(ModelDeployment md, Context<ModelDeployment> context) {
        return ServingService.desiredShadow(md,
                RolloutTargets.of(context).map(RolloutCoordinator.Target::shadowRuns).orElse(false));
    }
}

package io.modeldeploy.operator.dependents;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.CachedForms;
import io.modeldeploy.operator.resources.Labels;
import io.modeldeploy.operator.resources.ServingGrpcRoute;

/** Keeps the GRPCRoute of the GatewayAPI traffic provider at the rollout's effective canary weight. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR, informerListLimit = CachedForms.LIST_PAGE,
        itemStore = CachedForms.Applied.class))
public class ServingGrpcRouteDependent extends ChildDependent<GRPCRoute> {

    public ServingGrpcRouteDependent() {
        super(GRPCRoute.class, ServingGrpcRoute::names, ServingGrpcRoute::name);
    }

    @Override
    protected GRPCRoute desired(ModelDeployment md, Context<ModelDeployment> context) {
        return ServingGrpcRoute.desired(md, RolloutTargets.of(context).map(t -> t.split().effectiveWeight())
                .orElse(0));
    }
}

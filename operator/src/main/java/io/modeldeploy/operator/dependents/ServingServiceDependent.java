package io.modeldeploy.operator.dependents;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.CachedForms;
import io.modeldeploy.operator.resources.Labels;
import io.modeldeploy.operator.resources.ServingService;

/**
 * Keeps the model's ClusterIP Service as {@link ServingService} describes it; during a shadow step it selects the
 * stable pods only.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR, informerListLimit = CachedForms.LIST_PAGE,
        itemStore = CachedForms.Applied.class))
public class ServingServiceDependent extends ChildDependent<Service> {

    public ServingServiceDependent() {
        super(Service.class, ServingService::names, ServingService::name);
    }

    @Override
    protected Service desired(ModelDeployment md, Context<ModelDeployment> context) {
        return ServingService.desired(md,
                RolloutTargets.of(context).map(t -> !t.canaryOutOfService()).orElse(true));
    }
}

package io.modeldeploy.operator.dependents;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.resources.Labels;
import io.modeldeploy.operator.resources.ServingAutoscaler;

/** Keeps the HorizontalPodAutoscaler while spec.autoscaling is set; deletes it when autoscaling is removed. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class ServingAutoscalerDependent extends ChildDependent<HorizontalPodAutoscaler> {

    public ServingAutoscalerDependent() {
        super(HorizontalPodAutoscaler.class);
    }

    @Override
    protected HorizontalPodAutoscaler desired(ModelDeployment md, Context<ModelDeployment> context) {
        return ServingAutoscaler.desired(md);
    }
}

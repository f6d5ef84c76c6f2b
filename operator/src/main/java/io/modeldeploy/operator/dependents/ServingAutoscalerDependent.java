package io.modeldeploy.operator.dependents;

import java.util.Optional;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.CachedForms;
import io.modeldeploy.operator.resources.Labels;
import io.modeldeploy.operator.resources.ServingAutoscaler;
import io.modeldeploy.operator.resources.ServingDeployment;

/**
 * Keeps the HorizontalPodAutoscaler while spec.autoscaling is set; deletes it when autoscaling is removed. An
 * autoscaler made by an earlier operator version scales the stable Deployment: before it is pointed at the
 * ModelDeployment, the ModelDeployment is scaled (its scale subresource, as the autoscaler would) to the count that
 * autoscaler chose, so the move changes no pod count.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR, informerListLimit = CachedForms.LIST_PAGE,
        itemStore = CachedForms.Applied.class))
public class ServingAutoscalerDependent extends ChildDependent<HorizontalPodAutoscaler> {

    public ServingAutoscalerDependent() {
        super(HorizontalPodAutoscaler.class, ServingAutoscaler::names, ServingAutoscaler::name);
    }

    @Override
    protected HorizontalPodAutoscaler desired(ModelDeployment md, Context<ModelDeployment> context) {
        return ServingAutoscaler.desired(md);
    }

    @Override
    public HorizontalPodAutoscaler update(HorizontalPodAutoscaler actual, HorizontalPodAutoscaler desired,
            ModelDeployment md, Context<ModelDeployment> context) {
        if (ServingAutoscaler.scalesDeployment(actual)) {
            Optional<Integer> chosen = ServingReplicas.scaledByDeploymentAutoscaler(context, md);
            int replicas = ServingDeployment.replicas(md, chosen);
            if (chosen.isPresent() && replicas != md.getSpec().replicas()) {
                // Read and written with its resourceVersion: a concurrent change fails this pass, the next retries.
                context.getClient().resources(ModelDeployment.class).inNamespace(md.getMetadata().getNamespace())
                        .withName(md.getMetadata().getName()).scale(replicas);
            }
        }
        return super.update(actual, desired, md, context);
    }
}

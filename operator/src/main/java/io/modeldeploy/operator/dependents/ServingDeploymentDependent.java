package io.modeldeploy.operator.dependents;

import java.util.Optional;

import jakarta.inject.Inject;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.OperatorSettings;
import io.modeldeploy.operator.resources.Labels;
import io.modeldeploy.operator.resources.ServingDeployment;
import io.modeldeploy.operator.rollout.RolloutCoordinator;

/**
 * Keeps the stable Deployment as {@link ServingDeployment} describes it, with server-side apply. While a canary
 * runs (or after one was rolled back) it keeps the stable revision's pod template and the split's replicas. With
 * autoscaling it hands spec.replicas over to the autoscaler ({@link AutoscalerHandover}).
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class ServingDeploymentDependent extends CRUDKubernetesDependentResource<Deployment, ModelDeployment> {

    @Inject
    OperatorSettings settings;

    @Override
    protected Deployment desired(ModelDeployment md, Context<ModelDeployment> context) {
        Optional<Deployment> current = ServingDeployments.observed(context, md, Labels.TRACK_STABLE);
        Optional<RolloutCoordinator.Target> rollout = RolloutTargets.of(context);
        Optional<Integer> currentReplicas = current.map(d -> d.getSpec().getReplicas());
        if (rollout.isPresent() && rollout.get().stableKeepsItsTemplate() && current.isPresent()) {
            PodTemplateSpec stableTemplate = current.get().getSpec().getTemplate();
            return ServingDeployment.desired(md, Labels.TRACK_STABLE, stableTemplate,
                    ServingDeployment.appliedStableReplicas(md, currentReplicas, rollout.get().split().stable()));
        }
        return ServingDeployment.desired(md, settings.runtimeImage(), currentReplicas);
    }

    @Override
    public Deployment update(Deployment actual, Deployment desired, ModelDeployment md,
            Context<ModelDeployment> context) {
        if (AutoscalerHandover.needed(actual, desired, context.getControllerConfiguration().fieldManager())) {
            AutoscalerHandover.perform(context.getClient(), actual);
        }
        return super.update(actual, desired, md, context);
    }

}

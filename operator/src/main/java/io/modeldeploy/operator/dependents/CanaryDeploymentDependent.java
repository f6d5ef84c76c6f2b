package io.modeldeploy.operator.dependents;

import jakarta.inject.Inject;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.OperatorSettings;
import io.modeldeploy.operator.resources.Labels;
import io.modeldeploy.operator.resources.ServingDeployment;
import io.modeldeploy.operator.resources.ServingPodTemplate;

/** The canary Deployment of a running canary rollout: the spec's revision with the split's canary replicas. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class CanaryDeploymentDependent extends CRUDKubernetesDependentResource<Deployment, ModelDeployment> {

    @Inject
    OperatorSettings settings;

    @Override
    protected Deployment desired(ModelDeployment md, Context<ModelDeployment> context) {
        int replicas = RolloutTargets.of(context).map(t -> t.split().canary()).orElse(0);
        return ServingDeployment.desired(md, Labels.TRACK_CANARY,
                ServingPodTemplate.desired(md, Labels.TRACK_CANARY, settings.runtimeImage()), replicas);
    }
}

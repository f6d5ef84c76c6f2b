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

/** Keeps the serving Deployment as {@link ServingDeployment} describes it, with server-side apply. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class ServingDeploymentDependent extends CRUDKubernetesDependentResource<Deployment, ModelDeployment> {

    @Inject
    OperatorSettings settings;

    @Override
    protected Deployment desired(ModelDeployment md, Context<ModelDeployment> context) {
        return ServingDeployment.desired(md, settings.runtimeImage(),
                context.getSecondaryResource(Deployment.class).map(d -> d.getSpec().getReplicas()));
    }
}

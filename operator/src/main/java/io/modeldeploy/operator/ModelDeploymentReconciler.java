package io.modeldeploy.operator;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.ModelDeploymentStatus;

/** Reconciles a ModelDeployment into the objects that serve its model. */
@ControllerConfiguration
public class ModelDeploymentReconciler implements Reconciler<ModelDeployment> {

    @Override
    public UpdateControl<ModelDeployment> reconcile(ModelDeployment md, Context<ModelDeployment> context) {
        var status = new ModelDeploymentStatus();
        status.setObservedGeneration(md.getMetadata().getGeneration());
        status.setPhase("Pending");
        var patch = new ModelDeployment();
        patch.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                .withName(md.getMetadata().getName())
                .withNamespace(md.getMetadata().getNamespace())
                .build());
        patch.setStatus(status);
        return UpdateControl.patchStatus(patch);
    }
}

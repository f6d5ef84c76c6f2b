package io.modeldeploy.operator.dependents;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.source.ModelPins;

/**
 * Hands the reconcile's {@link ModelPins.Pin} to the Deployment dependents: they build pod templates from the
 * ModelDeployment with its oci:// tag replaced by the pinned digest.
 */
public final class PinnedModel {
    static final String KEY = "modeldeploy.model.pinned";

    private PinnedModel() {
    }

    public static void put(Context<ModelDeployment> context, ModelDeployment pinned) {
        context.managedWorkflowAndDependentResourceContext().put(KEY, pinned);
    }

    /** The ModelDeployment to build pod templates from: the pinned copy the reconcile made, else the primary. */
    static ModelDeployment of(Context<ModelDeployment> context, ModelDeployment md) {
        return context.managedWorkflowAndDependentResourceContext().get(KEY, ModelDeployment.class).orElse(md);
    }
}

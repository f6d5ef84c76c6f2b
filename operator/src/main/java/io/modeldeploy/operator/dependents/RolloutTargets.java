package io.modeldeploy.operator.dependents;

import java.util.Optional;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.rollout.RolloutCoordinator;

/** Hands the reconcile's rollout decision to the dependents of the same reconcile. */
public final class RolloutTargets {
    static final String KEY = "modeldeploy.rollout.target";

    private RolloutTargets() {
    }

    public static void put(Context<ModelDeployment> context, RolloutCoordinator.Target target) {
        context.managedWorkflowAndDependentResourceContext().put(KEY, target);
    }

    public static Optional<RolloutCoordinator.Target> of(Context<ModelDeployment> context) {
        return context.managedWorkflowAndDependentResourceContext().get(KEY, RolloutCoordinator.Target.class);
    }
}

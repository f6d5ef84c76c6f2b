package io.modeldeploy.operator.dependents;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.rollout.RolloutCoordinator;

/**
 * The canary Deployment exists while a canary runs, and after it ended while a Gateway may still send it requests;
 * otherwise it is deleted.
 */
public class CanaryRuns implements Condition<Deployment, ModelDeployment> {
    @Override
    public boolean isMet(DependentResource<Deployment, ModelDeployment> dependent, ModelDeployment md,
            Context<ModelDeployment> context) {
        return RolloutTargets.of(context).map(RolloutCoordinator.Target::canaryDeploymentExists).orElse(false);
    }
}

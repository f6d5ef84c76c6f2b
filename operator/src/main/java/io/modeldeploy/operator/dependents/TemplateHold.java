package io.modeldeploy.operator.dependents;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.rollout.OperatorUpgrade;

/**
 * Hands the reconcile's {@link OperatorUpgrade} decision to the Deployment dependents: while a revision is held,
 * the running pod templates stay as they are.
 */
public final class TemplateHold {
    static final String KEY = "modeldeploy.template.hold";

    private TemplateHold() {
    }

    public static void put(Context<ModelDeployment> context, OperatorUpgrade.Decision decision) {
        context.managedWorkflowAndDependentResourceContext().put(KEY, decision);
    }

    /** Whether a revision the operator's defaults changed is held, so the running templates are kept. */
    public static boolean held(Context<ModelDeployment> context) {
        return context.managedWorkflowAndDependentResourceContext().get(KEY, OperatorUpgrade.Decision.class)
                .map(OperatorUpgrade.Decision::held).orElse(false);
    }
}

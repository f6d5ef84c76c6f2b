package io.modeldeploy.operator.dependents;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.resources.ServingPodTemplate;

/** The shadow Service exists while the spec's canary rollout has a shadow step; it goes with the step. */
public class ShadowStepConfigured implements Condition<Service, ModelDeployment> {
    @Override
    public boolean isMet(DependentResource<Service, ModelDeployment> dependent, ModelDeployment md,
            Context<ModelDeployment> context) {
        return ServingPodTemplate.shadowStep(md);
    }
}

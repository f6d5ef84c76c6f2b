package io.modeldeploy.operator.dependents;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.modeldeploy.api.v1alpha1.ModelDeployment;

/** The autoscaler exists exactly while spec.autoscaling is set. */
public class AutoscalingEnabled implements Condition<HorizontalPodAutoscaler, ModelDeployment> {
    @Override
    public boolean isMet(DependentResource<HorizontalPodAutoscaler, ModelDeployment> dependent, ModelDeployment md,
            Context<ModelDeployment> context) {
        return md.getSpec().autoscaling() != null;
    }
}

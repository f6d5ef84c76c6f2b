package io.modeldeploy.operator.dependents;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.modeldeploy.api.v1alpha1.ModelDeployment;

/**
 * The HTTPRoute and the per-track Services exist exactly while spec.rollout.traffic.provider is GatewayAPI; they
 * are deleted when the ModelDeployment goes back to ReplicaRatio.
 */
public class RoutedByGateway implements Condition<HasMetadata, ModelDeployment> {
    @Override
    public boolean isMet(DependentResource<HasMetadata, ModelDeployment> dependent, ModelDeployment md,
            Context<ModelDeployment> context) {
        return md.getSpec().rollout().routedByGateway();
    }
}

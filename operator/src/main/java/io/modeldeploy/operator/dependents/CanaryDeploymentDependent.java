package io.modeldeploy.operator.dependents;

import java.util.Optional;

import jakarta.inject.Inject;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.OperatorSettings;
import io.modeldeploy.operator.resources.Labels;
import io.modeldeploy.operator.resources.ServingDeployment;
import io.modeldeploy.operator.resources.ServingPodTemplate;
import io.modeldeploy.operator.rollout.RolloutCoordinator;

/**
 * The canary Deployment of a running canary rollout: the canary revision with the split's canary replicas. The spec's
 * template is applied only while it is the canary revision; once the spec moves on during a promotion, the canary
 * Deployment keeps the revision being promoted. After the canary ended, it is kept as it is for as long as a Gateway
 * may still send it requests ({@link RolloutCoordinator.Target#canaryKept}).
 */
public class CanaryDeploymentDependent extends ChildDependent<Deployment> {

    public CanaryDeploymentDependent() {
        super(Deployment.class, ServingDeployment::names, md -> ServingDeployment.name(md, Labels.TRACK_CANARY));
    }

    @Inject
    OperatorSettings settings;

    @Override
    protected Deployment desired(ModelDeployment primary, Context<ModelDeployment> context) {
        ModelDeployment md = PinnedModel.of(context, primary);
        Optional<RolloutCoordinator.Target> target = RolloutTargets.of(context);
        Optional<Deployment> kept = target.filter(t -> !t.canaryRuns())
                .flatMap(t -> ServingDeployments.observed(context, md, Labels.TRACK_CANARY));
        if (kept.isPresent()) {
            // An ended canary a Gateway may still send requests to: its pods stay as they are until it cannot.
            return ServingDeployment.desired(md, Labels.TRACK_CANARY, kept.get().getSpec().getTemplate(),
                    Optional.ofNullable(kept.get().getSpec().getReplicas()).orElse(0));
        }
        int replicas = target.map(t -> t.split().canary()).orElse(0);
        PodTemplateSpec template = ServingPodTemplate.desired(md, Labels.TRACK_CANARY, settings.runtimeImage());
        String specRevision = template.getMetadata().getLabels().get(Labels.REVISION);
        if (target.isPresent() && !specRevision.equals(target.get().canaryRevision())) {
            Optional<Deployment> current = ServingDeployments.observed(context, md, Labels.TRACK_CANARY);
            if (current.isPresent()) {
                template = current.get().getSpec().getTemplate();
            }
        }
        return ServingDeployment.desired(md, Labels.TRACK_CANARY, template, replicas);
    }
}

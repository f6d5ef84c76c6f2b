package io.modeldeploy.operator.dependents;

import java.util.Optional;

import jakarta.inject.Inject;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.CachedForms;
import io.modeldeploy.operator.OperatorSettings;
import io.modeldeploy.operator.resources.Labels;
import io.modeldeploy.operator.resources.ServingDeployment;
import io.modeldeploy.operator.resources.ServingPodTemplate;
import io.modeldeploy.operator.rollout.RolloutCoordinator;
import io.modeldeploy.operator.status.DeploymentProgress;

/**
 * Keeps the stable Deployment as {@link ServingDeployment} describes it, with server-side apply. While a canary
 * runs (or after one was rolled back) it keeps the stable revision's pod template and the split's replicas; while a
 * canary is promoted it takes the canary Deployment's template, whatever the spec says by then; while an operator
 * upgrade's revision is held ({@link TemplateHold}) it keeps its template; after a promotion was aborted it returns to
 * the stable revision's template ({@link StableHistory}). Its replicas
 * are the split's while a canary runs, the wanted count ({@link ServingReplicas}) otherwise.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR, informerListLimit = CachedForms.LIST_PAGE,
        itemStore = CachedForms.Applied.class))
public class ServingDeploymentDependent extends ChildDependent<Deployment> {

    public ServingDeploymentDependent() {
        super(Deployment.class, ServingDeployment::names, ServingDeployment::name);
    }

    @Inject
    OperatorSettings settings;

    @Override
    protected Deployment desired(ModelDeployment primary, Context<ModelDeployment> context) {
        ModelDeployment md = PinnedModel.of(context, primary);
        Optional<Deployment> current = ServingDeployments.observed(context, md, Labels.TRACK_STABLE);
        Optional<RolloutCoordinator.Target> rollout = RolloutTargets.of(context);
        // An autoscaler of an earlier operator version still scales this Deployment: its count is left to it.
        Optional<Integer> scaledByOldAutoscaler = ServingReplicas.scaledByDeploymentAutoscaler(context, md);
        Integer replicas = scaledByOldAutoscaler.isPresent() ? null : rollout.map(t -> t.split().stable())
                .orElseGet(() -> ServingDeployment.replicas(md, scaledByOldAutoscaler));
        boolean takesCanary = rollout.map(RolloutCoordinator.Target::stableTakesCanaryTemplate).orElse(false);
        boolean keepsForCanary = rollout.map(RolloutCoordinator.Target::stableKeepsItsTemplate).orElse(false);
        if (current.isEmpty() || !(takesCanary || keepsForCanary || TemplateHold.held(context))) {
            return ServingDeployment.desired(md, settings.runtimeImage(), replicas);
        }
        PodTemplateSpec template = current.get().getSpec().getTemplate();
        if (takesCanary) {
            template = promotedTemplate(md, context, rollout.get().canaryRevision()).orElse(template);
        } else if (keepsForCanary) {
            String stableRevision = rollout.get().decision().state().stableRevision();
            if (!stableRevision.equals(DeploymentProgress.revision(current.get()))) {
                // A promotion was aborted after the stable Deployment had taken the canary's template.
                template = StableHistory.template(context.getClient(), md, stableRevision).orElse(template);
            }
        }
        return ServingDeployment.desired(md, Labels.TRACK_STABLE, template, replicas);
    }

    /**
     * The template of the revision being promoted: what the canary Deployment runs, not the spec, which may have
     * moved on; the spec's own only while it is that revision.
     */
    private Optional<PodTemplateSpec> promotedTemplate(ModelDeployment md, Context<ModelDeployment> context,
            String promoted) {
        Optional<PodTemplateSpec> canary = ServingDeployments.observed(context, md, Labels.TRACK_CANARY)
                .filter(d -> promoted.equals(DeploymentProgress.revision(d)))
                .map(d -> ServingPodTemplate.retracked(d.getSpec().getTemplate(), md, Labels.TRACK_STABLE));
        if (canary.isPresent() || !promoted.equals(ServingPodTemplate.revision(md, settings.runtimeImage()))) {
            return canary;
        }
        return Optional.of(ServingPodTemplate.desired(md, Labels.TRACK_STABLE, settings.runtimeImage()));
    }
}

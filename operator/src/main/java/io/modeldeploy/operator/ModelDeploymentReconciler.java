package io.modeldeploy.operator;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.ModelDeploymentStatus;
import io.modeldeploy.operator.dependents.AutoscalingEnabled;
import io.modeldeploy.operator.dependents.ServingAutoscalerDependent;
import io.modeldeploy.operator.dependents.ServingDeploymentDependent;
import io.modeldeploy.operator.dependents.ServingServiceDependent;
import io.modeldeploy.operator.resources.Labels;
import io.modeldeploy.operator.resources.ServingPodTemplate;
import io.modeldeploy.operator.status.StatusAssessor;

/**
 * Reconciles a ModelDeployment: the workflow applies the serving Deployment, Service and (when autoscaling)
 * HorizontalPodAutoscaler with server-side apply; then the observed Deployment and pods become the status.
 */
@ControllerConfiguration(
        fieldManager = ModelDeploymentReconciler.FIELD_MANAGER,
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
@Workflow(dependents = {
        @Dependent(name = "deployment", type = ServingDeploymentDependent.class),
        @Dependent(name = "service", type = ServingServiceDependent.class),
        @Dependent(name = "autoscaler", type = ServingAutoscalerDependent.class,
                reconcilePrecondition = AutoscalingEnabled.class, dependsOn = "deployment")
})
public class ModelDeploymentReconciler implements Reconciler<ModelDeployment> {
    /** The one field manager of every object the operator applies. */
    public static final String FIELD_MANAGER = "modeldeploy-operator";
    static final String PODS = "pods";

    @Inject
    OperatorSettings settings;
    @Inject
    StatusEvents events;
    @Inject
    ReconcileMetrics metrics;

    Clock clock = Clock.systemUTC();

    @Override
    public List<EventSource<?, ModelDeployment>> prepareEventSources(EventSourceContext<ModelDeployment> context) {
        var pods = InformerEventSourceConfiguration.from(Pod.class, ModelDeployment.class)
                .withName(PODS)
                .withLabelSelector(Labels.MANAGED_SELECTOR)
                .withSecondaryToPrimaryMapper(ModelDeploymentReconciler::owningModelDeployment)
                .build();
        return List.of(new InformerEventSource<>(pods, context));
    }

    @Override
    public UpdateControl<ModelDeployment> reconcile(ModelDeployment md, Context<ModelDeployment> context) {
        return metrics.time(() -> updateStatus(md, context));
    }

    /** A failed apply (the workflow's or ours) is counted, logged by the SDK and retried with back-off. */
    @Override
    public ErrorStatusUpdateControl<ModelDeployment> updateErrorStatus(ModelDeployment md,
            Context<ModelDeployment> context, Exception e) {
        metrics.error();
        return ErrorStatusUpdateControl.noStatusUpdate();
    }

    private UpdateControl<ModelDeployment> updateStatus(ModelDeployment md, Context<ModelDeployment> context) {
        var observed = new StatusAssessor.Observed(
                context.getSecondaryResource(Deployment.class),
                context.getSecondaryResources(Pod.class),
                ServingPodTemplate.revision(md, settings.runtimeImage()));
        ModelDeploymentStatus status = StatusAssessor.assess(md, observed, clock.instant());
        if (Objects.equals(status, md.getStatus())) {
            return UpdateControl.noUpdate();
        }
        events.recordTransitions(md, md.getStatus(), status);
        var patch = new ModelDeployment();
        patch.setMetadata(new ObjectMetaBuilder().withName(md.getMetadata().getName())
                .withNamespace(md.getMetadata().getNamespace()).build());
        patch.setStatus(status);
        return UpdateControl.patchStatus(patch);
    }

    /** A serving pod belongs to the ModelDeployment its label names, in its own namespace. */
    private static Set<ResourceID> owningModelDeployment(Pod pod) {
        String name = pod.getMetadata().getLabels().get(Labels.MODEL_DEPLOYMENT);
        return name == null ? Set.of() : Set.of(new ResourceID(name, pod.getMetadata().getNamespace()));
    }
}

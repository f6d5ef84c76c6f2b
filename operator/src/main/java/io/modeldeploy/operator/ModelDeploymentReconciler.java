package io.modeldeploy.operator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
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
import io.modeldeploy.operator.analysis.CanaryAnalyses;
import io.modeldeploy.operator.dependents.AutoscalingEnabled;
import io.modeldeploy.operator.dependents.CanaryDeploymentDependent;
import io.modeldeploy.operator.dependents.CanaryRuns;
import io.modeldeploy.operator.dependents.GrpcRouteCrdPresent;
import io.modeldeploy.operator.dependents.HttpRouteCrdPresent;
import io.modeldeploy.operator.dependents.PinnedModel;
import io.modeldeploy.operator.dependents.RolloutTargets;
import io.modeldeploy.operator.dependents.RoutedByGateway;
import io.modeldeploy.operator.dependents.ServingAutoscalerDependent;
import io.modeldeploy.operator.dependents.ServingDeploymentDependent;
import io.modeldeploy.operator.dependents.ServingDeployments;
import io.modeldeploy.operator.dependents.ServingReplicas;
import io.modeldeploy.operator.dependents.ServingGrpcRouteDependent;
import io.modeldeploy.operator.dependents.ServingRouteDependent;
import io.modeldeploy.operator.dependents.ServingServiceDependent;
import io.modeldeploy.operator.dependents.ShadowServiceDependent;
import io.modeldeploy.operator.dependents.ShadowStepConfigured;
import io.modeldeploy.operator.dependents.TemplateHold;
import io.modeldeploy.operator.dependents.TrackServiceDependent;
import io.modeldeploy.operator.resources.Labels;
import io.modeldeploy.operator.resources.ServingPodTemplate;
import io.modeldeploy.operator.resources.ServingService;
import io.modeldeploy.operator.rollout.OperatorUpgrade;
import io.modeldeploy.operator.rollout.RolloutCoordinator;
import io.modeldeploy.operator.rollout.RolloutPlan;
import io.modeldeploy.operator.source.ModelPins;
import io.modeldeploy.operator.status.Conditions;
import io.modeldeploy.operator.status.DeploymentProgress;
import io.modeldeploy.operator.status.RouteAcceptance;
import io.modeldeploy.operator.status.StatusAssessor;

/**
 * Reconciles a ModelDeployment: decides the canary rollout's step (Canary strategy), lets the workflow apply the
 * stable and canary Deployments, the Service, (when autoscaling) the HorizontalPodAutoscaler, (with a shadow step)
 * the shadow Service and (with the GatewayAPI traffic provider) the per-track Services and the HTTPRoute with
 * server-side apply, then turns what it observed into the status. The canary Deployment is applied after the
 * Service: at a shadow step the Service leaves the canary's pods out before they exist, so that no client reaches a
 * pod that should answer copies only, however long the API server takes with the Service.
 */
@ControllerConfiguration(
        fieldManager = ModelDeploymentReconciler.FIELD_MANAGER,
        generationAwareEventProcessing = false,
        informer = @Informer(onUpdateFilter = SpecOrActionChanged.class, informerListLimit = CachedForms.LIST_PAGE,
                itemStore = CachedForms.ModelDeployments.class),
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
@Workflow(explicitInvocation = true, dependents = {
        @Dependent(name = ModelDeploymentReconciler.STABLE, type = ServingDeploymentDependent.class),
        @Dependent(name = ModelDeploymentReconciler.CANARY, type = CanaryDeploymentDependent.class,
                reconcilePrecondition = CanaryRuns.class, useEventSourceWithName = ModelDeploymentReconciler.STABLE,
                dependsOn = ModelDeploymentReconciler.SERVICES),
        @Dependent(name = ModelDeploymentReconciler.SERVICES, type = ServingServiceDependent.class),
        @Dependent(name = "stable-service", type = TrackServiceDependent.Stable.class,
                reconcilePrecondition = RoutedByGateway.class,
                useEventSourceWithName = ModelDeploymentReconciler.SERVICES),
        @Dependent(name = "canary-service", type = TrackServiceDependent.Canary.class,
                reconcilePrecondition = RoutedByGateway.class,
                useEventSourceWithName = ModelDeploymentReconciler.SERVICES),
        @Dependent(name = "shadow-service", type = ShadowServiceDependent.class,
                reconcilePrecondition = ShadowStepConfigured.class,
                useEventSourceWithName = ModelDeploymentReconciler.SERVICES),
        @Dependent(name = "route", type = ServingRouteDependent.class, activationCondition = HttpRouteCrdPresent.class,
                reconcilePrecondition = RoutedByGateway.class),
        @Dependent(name = "grpc-route", type = ServingGrpcRouteDependent.class,
                activationCondition = GrpcRouteCrdPresent.class, reconcilePrecondition = RoutedByGateway.class),
        @Dependent(name = "autoscaler", type = ServingAutoscalerDependent.class,
                reconcilePrecondition = AutoscalingEnabled.class, dependsOn = ModelDeploymentReconciler.STABLE)
})
public class ModelDeploymentReconciler implements Reconciler<ModelDeployment> {
    private static final Logger LOG = Logger.getLogger(ModelDeploymentReconciler.class);
    /** The one field manager of every object the operator applies. */
    public static final String FIELD_MANAGER = "modeldeploy-operator";
    static final String PODS = "pods";
    static final String ENDPOINTS = "endpoints";
    private static final Duration RESOLVING_RECHECK = Duration.ofSeconds(1);
    /** What, changed in a status write's answer, needs another reconcile: what starts one from a watch event. */
    private static final SpecOrActionChanged CHANGED_MEANWHILE = new SpecOrActionChanged();
    /**
     * While a revision rolls out, the operator looks again this often even without a watch event, so that an event
     * it missed costs seconds rather than the 5-minute resync.
     */
    static final Duration PROGRESS_RECHECK = Duration.ofSeconds(10);
    /**
     * An ended canary is kept for a reason read from the route before this reconcile moved its weights; the operator
     * gets no event for its own write, so it looks again this soon to say why it keeps the canary now.
     */
    private static final Duration OWN_WRITE_RECHECK = Duration.ofSeconds(1);
    /**
     * The names of the stable and canary Deployment dependents. Both read and write through the stable one's event
     * source, one informer for all Deployments (each dependent finds its own by name), as the Service dependents do
     * through {@link #SERVICES}'s: a cache per dependent would hold every managed object of its kind once more.
     */
    public static final String STABLE = ServingDeployments.EVENT_SOURCE;
    public static final String CANARY = "canary";
    /** The ModelDeployment's Service dependent, whose event source every Service dependent shares. */
    static final String SERVICES = "service";

    @Inject
    OperatorSettings settings;
    @Inject
    StatusEvents events;
    @Inject
    ReconcileMetrics metrics;
    @Inject
    CanaryAnalyses analyses;
    @Inject
    ModelPins pins;

    Clock clock = Clock.systemUTC();

    @Override
    public List<EventSource<?, ModelDeployment>> prepareEventSources(EventSourceContext<ModelDeployment> context) {
        var pods = InformerEventSourceConfiguration.from(Pod.class, ModelDeployment.class)
                .withName(PODS)
                .withLabelSelector(Labels.MANAGED_SELECTOR)
                .withSecondaryToPrimaryMapper(ModelDeploymentReconciler::owningModelDeployment)
                .withItemStore(CachedForms.pods())
                .withInformerListLimit(CachedForms.LIST_PAGE)
                .build();
        // A Service's slices carry its labels: the ModelDeployment's, and the managed-by label selected here. Only a
        // canary rollout reads them (which pods a track's traffic reaches), so a change to the slices of any other
        // ModelDeployment starts no reconcile; they are cached all the same, for when it starts one.
        var endpoints = InformerEventSourceConfiguration.from(EndpointSlice.class, ModelDeployment.class)
                .withName(ENDPOINTS)
                .withLabelSelector(Labels.MANAGED_SELECTOR)
                .withSecondaryToPrimaryMapper(ModelDeploymentReconciler::owningModelDeployment)
                .withGenericFilter(slice -> owningModelDeployment(slice).stream()
                        .anyMatch(id -> context.getPrimaryCache().get(id).filter(RolloutCoordinator::canary).isPresent()))
                .withItemStore(CachedForms.endpointSlices())
                .withInformerListLimit(CachedForms.LIST_PAGE)
                .build();
        return List.of(new InformerEventSource<>(pods, context), new InformerEventSource<>(endpoints, context));
    }

    @Override
    public UpdateControl<ModelDeployment> reconcile(ModelDeployment md, Context<ModelDeployment> context) {
        return metrics.time(() -> updateStatus(md, context));
    }

    /**
     * A failed apply (the workflow's or ours) is counted, logged by the SDK, retried with back-off, and written into
     * status (Stalled, reason ApplyFailed, the API server's message) with a Warning Event when the message is new.
     */
    @Override
    public ErrorStatusUpdateControl<ModelDeployment> updateErrorStatus(ModelDeployment md,
            Context<ModelDeployment> context, Exception e) {
        metrics.error();
        ModelDeploymentStatus status = StatusAssessor.applyFailed(md, ApplyFailure.message(e), clock.instant());
        if (Objects.equals(status, md.getStatus())) {
            return ErrorStatusUpdateControl.noStatusUpdate();
        }
        events.recordTransitions(md, md.getStatus(), status);
        return ErrorStatusUpdateControl.patchStatus(statusPatch(md, status));
    }

    private UpdateControl<ModelDeployment> updateStatus(ModelDeployment md, Context<ModelDeployment> context) {
        Instant now = clock.instant();
        Optional<String> denied = settings.policy().tenancy().violation(md.getSpec(), settings.runtimeImage());
        if (denied.isPresent()) {
            // Nothing is applied: what runs keeps running, as it was before this spec.
            return statusUpdate(md, context, StatusAssessor.stalled(md, Conditions.POLICY_DENIED, denied.get(), now),
                    Optional.empty());
        }
        String inputs = ServingPodTemplate.inputs(md);
        ModelPins.Pin pin = pins.of(md, inputs, now);
        if (pin instanceof ModelPins.Resolving) {
            // What runs keeps running; the registry's answer is picked up within a second.
            return statusUpdate(md, context, StatusAssessor.waiting(md, Conditions.RESOLVING_MODEL, "asking the "
                    + "registry for the digest of " + md.getSpec().model().uri(), now), Optional.of(RESOLVING_RECHECK));
        }
        if (pin instanceof ModelPins.Unresolvable unresolvable) {
            return statusUpdate(md, context, StatusAssessor.stalled(md, Conditions.MODEL_UNRESOLVABLE,
                    unresolvable.message(), now), Optional.of(ModelPins.RETRY));
        }
        ModelDeployment pinned = pin.applyTo(md);
        PinnedModel.put(context, pinned);
        Optional<Deployment> stable = ServingDeployments.observed(context, md, Labels.TRACK_STABLE);
        ModelDeploymentStatus before = md.getStatus();
        OperatorUpgrade.Decision upgrade = OperatorUpgrade.decide(inputs,
                ServingPodTemplate.revision(pinned, settings.runtimeImage()),
                OperatorUpgrade.previous(before, md.getMetadata().getGeneration(), inputs,
                        stable.map(DeploymentProgress::revision)),
                Optional.ofNullable(md.getMetadata().getAnnotations()).map(a -> a.get(OperatorUpgrade.ANNOTATION)));
        TemplateHold.put(context, upgrade);
        String revision = upgrade.revision();
        Set<Pod> pods = context.getSecondaryResources(Pod.class);
        int replicas = ServingReplicas.wanted(context, md);
        Optional<Deployment> canary = ServingDeployments.observed(context, md, Labels.TRACK_CANARY);
        Optional<HTTPRoute> route = context.getSecondaryResource(HTTPRoute.class);
        Optional<RolloutCoordinator.Target> rollout = RolloutCoordinator.canary(md)
                ? Optional.of(RolloutCoordinator.decide(md, revision, replicas,
                        new RolloutCoordinator.Observed(stable, canary, pods,
                                context.getSecondaryResources(EndpointSlice.class),
                                route,
                                shadowService(context, md)),
                        canary.filter(d -> revision.equals(DeploymentProgress.revision(d)))
                                .map(d -> analyses.of(md, revision, pods,
                                        RolloutCoordinator.settings(md).checkInterval(), now))
                                .orElse(RolloutPlan.Analysis.NONE),
                        now))
                : Optional.empty();
        if (rollout.map(t -> !t.canaryRuns()).orElse(true)) {
            analyses.forget(md);
        }
        rollout.ifPresent(target -> RolloutTargets.put(context, target));
        rollout.flatMap(RolloutCoordinator.Target::canaryKept).ifPresent(why -> LOG.infof(
                "%s/%s: keeping the ended canary's pods: %s", md.getMetadata().getNamespace(),
                md.getMetadata().getName(), why));
        context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();

        // Status tells of the Deployment as this reconcile left it: its own apply sends the operator no event, so a
        // status of the Deployment as it was before ("Creating" for a new one) would stand until the next change.
        var observed = new StatusAssessor.Observed(ServingDeployments.observed(context, md, Labels.TRACK_STABLE),
                replicas,
                pods.stream().filter(ModelDeploymentReconciler::stableTrack).toList(), revision,
                rollout.map(t -> t.decision().state()), trafficProblem(md, context));
        ModelDeploymentStatus assessed = StatusAssessor.assess(md, observed, now);
        ModelDeploymentStatus status = rollout
                .map(t -> assessed.withRollout(RolloutCoordinator.status(t),
                        RolloutCoordinator.history(assessed.history(), t, now)))
                .orElseGet(() -> assessed.withRollout(null, assessed.history()))
                .withTemplate(upgrade.template())
                .withResolvedModel(pin instanceof ModelPins.Pinned p ? p.resolved() : null);
        rollout.ifPresent(t -> t.decision().transition().ifPresent(
                transition -> events.rollout(md, t.decision().state().reason(), transition)));
        rollout.flatMap(RolloutCoordinator.Target::newlyIgnoredAction).ifPresent(why -> events.actionIgnored(md, why));
        String heldBefore = before == null || before.template() == null ? null : before.template().heldRevision();
        if (upgrade.held() && !upgrade.template().heldRevision().equals(heldBefore)) {
            events.upgradeHeld(md, upgrade.template());
        }
        Optional<Duration> recheck = rollout.filter(RolloutCoordinator.Target::canaryRuns)
                .map(t -> t.decision().recheckAfter())
                .or(() -> rollout.flatMap(RolloutCoordinator.Target::canaryKept).map(why ->
                        changed(route, context.getSecondaryResource(HTTPRoute.class)) ? OWN_WRITE_RECHECK
                                : PROGRESS_RECHECK))
                .or(() -> reconciling(status) ? Optional.of(PROGRESS_RECHECK) : Optional.empty());
        return statusUpdate(md, context, status, recheck);
    }

    /** Whether this reconcile's workflow wrote the object (its own writes send no event to reconcile again). */
    private static boolean changed(Optional<? extends HasMetadata> before, Optional<? extends HasMetadata> after) {
        return !Objects.equals(before.map(o -> o.getMetadata().getResourceVersion()),
                after.map(o -> o.getMetadata().getResourceVersion()));
    }

    /**
     * Writes the status when it changed, recording its transitions as Events, and asks to be reconciled again after
     * {@code recheck}, or at once when the ModelDeployment changed while this reconcile ran.
     * <p>
     * The write is the one JOSDK makes for {@code UpdateControl.patchStatus} (server-side apply of the status, its
     * watch event filtered as the operator's own), made here to read its answer: a spec or action change committed
     * before it but seen by the informer only while it was under way is in that answer, and nowhere else. JOSDK
     * 5.3.2 drops such a change's event as older than its own write (fixed in 5.3.5, not served by the reachable
     * Maven Central), so without this look it would wait for the periodic reconcile, 5 minutes later.
     */
    private UpdateControl<ModelDeployment> statusUpdate(ModelDeployment md, Context<ModelDeployment> context,
            ModelDeploymentStatus status, Optional<Duration> recheck) {
        UpdateControl<ModelDeployment> update = UpdateControl.noUpdate();
        if (!Objects.equals(status, md.getStatus())) {
            events.recordTransitions(md, md.getStatus(), status);
            ModelDeployment written = context.resourceOperations()
                    .serverSideApplyPrimaryStatus(statusPatch(md, status));
            if (CHANGED_MEANWHILE.accept(written, md)) {
                LOG.debugf("%s/%s changed while its status was written; reconciling it again",
                        md.getMetadata().getNamespace(), md.getMetadata().getName());
                return update.reschedule();
            }
        }
        return recheck.map(update::rescheduleAfter).orElse(update);
    }

    /** The object to patch the status with: name, namespace and status only. */
    public static ModelDeployment statusPatch(ModelDeployment md, ModelDeploymentStatus status) {
        var patch = new ModelDeployment();
        patch.setMetadata(new ObjectMetaBuilder().withName(md.getMetadata().getName())
                .withNamespace(md.getMetadata().getNamespace()).build());
        patch.setStatus(status);
        return patch;
    }

    /** The shadow Service as last observed (the Service dependents' shared informer holds all of them). */
    private static Optional<Service> shadowService(Context<ModelDeployment> context, ModelDeployment md) {
        String name = ServingService.shadowName(md);
        return context.getSecondaryResources(Service.class).stream()
                .filter(s -> name.equals(s.getMetadata().getName())).findFirst();
    }

    /** Why the GatewayAPI traffic provider cannot route: no HTTPRoute CRD, or a route its Gateway did not accept. */
    private static Optional<StatusAssessor.TrafficProblem> trafficProblem(ModelDeployment md,
            Context<ModelDeployment> context) {
        if (!md.getSpec().rollout().routedByGateway()) {
            return Optional.empty();
        }
        if (context.eventSourceRetriever().getEventSourcesFor(HTTPRoute.class).isEmpty()) {
            return Optional.of(StatusAssessor.TrafficProblem.gatewayApiMissing());
        }
        return context.getSecondaryResource(HTTPRoute.class).flatMap(RouteAcceptance::problem)
                .map(StatusAssessor.TrafficProblem::routeNotAccepted);
    }

    private static boolean reconciling(ModelDeploymentStatus status) {
        return status.conditions() != null && status.conditions().stream().anyMatch(
                c -> Conditions.RECONCILING.equals(c.getType()) && Conditions.TRUE.equals(c.getStatus()));
    }

    private static boolean stableTrack(Pod pod) {
        return !Labels.TRACK_CANARY.equals(pod.getMetadata().getLabels().get(Labels.TRACK));
    }

    /**
     * A serving pod, or an EndpointSlice of a Service the operator made, belongs to the ModelDeployment its label
     * names, in its own namespace.
     */
    private static Set<ResourceID> owningModelDeployment(HasMetadata object) {
        String name = object.getMetadata().getLabels() == null ? null
                : object.getMetadata().getLabels().get(Labels.MODEL_DEPLOYMENT);
        return name == null ? Set.of() : Set.of(new ResourceID(name, object.getMetadata().getNamespace()));
    }
}

package io.modeldeploy.operator.rollout;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.modeldeploy.api.v1alpha1.CanaryStepSpec;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.ModelDeploymentStatus;
import io.modeldeploy.api.v1alpha1.RolloutEvent;
import io.modeldeploy.api.v1alpha1.RolloutSpec;
import io.modeldeploy.api.v1alpha1.RolloutStatus;
import io.modeldeploy.api.v1alpha1.WellKnown;
import io.modeldeploy.operator.resources.Labels;
import io.modeldeploy.operator.resources.ServingDeployment;
import io.modeldeploy.operator.resources.ServingPodTemplate;
import io.modeldeploy.operator.resources.ServingService;
import io.modeldeploy.operator.rollout.RolloutPlan.Phase;
import io.modeldeploy.operator.status.DeploymentProgress;
import io.modeldeploy.operator.status.PodDiagnosis;
import io.modeldeploy.operator.status.PodStates;
import io.modeldeploy.operator.status.RouteAcceptance;
import io.modeldeploy.operator.status.ServiceEndpoints;

/**
 * Between the ModelDeployment's API and the pure {@link RolloutPlan}: reads settings from spec and state from
 * status, observes the canary, and writes the decision back as status. Pure as well.
 */
public final class RolloutCoordinator {
    /** The annotation through which a person steers a rollout: promote, abort, retry, pause, resume (any suffix). */
    public static final String ACTION_ANNOTATION = WellKnown.ROLLOUT_ACTION_ANNOTATION;
    static final int HISTORY = 10;
    /** The rollout actions as a person writes them: "promote, abort, retry, pause or resume". */
    static final String ACTIONS = actions();
    /**
     * How long an ended canary's pods are kept for a Gateway whose controller does not report that it applied the
     * route without them; past it they are removed (a controller that reports nothing for this long is taken as gone).
     */
    public static final Duration GATEWAY_DRAIN_LIMIT = Duration.ofMinutes(2);

    private RolloutCoordinator() {
    }

    /**
     * What the Deployments should look like now: the plan's decision, the replica split of its weight, and the
     * rollout-action annotation read in this pass with why it was not applied (when it was not).
     */
    public record Target(RolloutPlan.Decision decision, ReplicaSplit split, String lastAction, boolean actionRead,
            Optional<String> ignoredAction, Optional<String> canaryKept, boolean shadowStep,
            boolean canaryOutOfService) {

        /** Why the action read in this pass was not applied, for an Event; empty when none was read or it applied. */
        public Optional<String> newlyIgnoredAction() {
            return actionRead ? ignoredAction : Optional.empty();
        }

        /** The stable Deployment keeps running the stable revision's template (a canary runs or was rolled back). */
        public boolean stableKeepsItsTemplate() {
            Phase phase = decision.state().phase();
            return phase == Phase.PROGRESSING || phase == Phase.PAUSED || phase == Phase.ROLLED_BACK;
        }

        /** The stable Deployment takes the canary's template: the canary revision is being promoted. */
        public boolean stableTakesCanaryTemplate() {
            return decision.state().phase() == Phase.PROMOTING;
        }

        /** Whether a canary runs: its Deployment follows the split and is judged. */
        public boolean canaryRuns() {
            return runs(decision.state().phase());
        }

        static boolean runs(Phase phase) {
            return phase == Phase.PROGRESSING || phase == Phase.PAUSED || phase == Phase.PROMOTING;
        }

        /**
         * Whether the canary is at a shadow step: its pods get no share of the traffic, and the stable pods send them
         * a copy of theirs through the {@code <name>-shadow} Service, which selects them only now.
         */
        public boolean shadowRuns() {
            return shadowStep && canaryRuns();
        }

        /**
         * Whether the ModelDeployment's Service leaves the canary's pods out (selects the stable track only): at a
         * shadow step, whose canary answers copies and no client, and after it until the canary is down to the
         * share of pods its step gives it, so that clients never reach all of the shadow step's pods at once.
         */
        public boolean canaryOutOfService() {
            return canaryOutOfService;
        }

        /**
         * Whether the canary Deployment should exist: while a canary runs, and after it ended (promoted, rolled back,
         * aborted) as long as a Gateway may still send it requests ({@link #canaryKept}), unchanged.
         */
        public boolean canaryDeploymentExists() {
            return canaryRuns() || canaryKept.isPresent();
        }

        /** The revision the canary Deployment runs; the spec's template only when it is this revision. */
        public String canaryRevision() {
            return decision.state().canaryRevision();
        }
    }

    public static boolean canary(ModelDeployment md) {
        RolloutSpec rollout = md.getSpec().rollout();
        return rollout != null && rollout.strategy() == RolloutSpec.Strategy.Canary;
    }

    /**
     * What the operator observed of the ModelDeployment's objects in this pass.
     *
     * @param stable the stable Deployment
     * @param canary the canary Deployment
     * @param pods the ModelDeployment's serving pods, both tracks
     * @param endpoints the EndpointSlices of its Services: which pods the traffic reaches
     * @param route the GatewayAPI provider's HTTPRoute, with its controllers' status
     * @param shadowService the Service stable pods mirror to at a shadow step, when the spec has one
     */
    public record Observed(Optional<Deployment> stable, Optional<Deployment> canary, Collection<Pod> pods,
            Collection<EndpointSlice> endpoints, Optional<HTTPRoute> route, Optional<Service> shadowService) {

        public Observed(Optional<Deployment> stable, Optional<Deployment> canary, Collection<Pod> pods,
                Collection<EndpointSlice> endpoints, Optional<HTTPRoute> route) {
            this(stable, canary, pods, endpoints, route, Optional.empty());
        }
    }

    /**
     * Decides the rollout's next step for a ModelDeployment with the Canary strategy.
     *
     * @param total the serving replicas wanted now ({@link ServingDeployment#replicas}), split between the tracks
     * @param analysis what the canary revision's metrics and webhooks say
     */
    public static Target decide(ModelDeployment md, String desiredRevision, int total, Observed seen,
            RolloutPlan.Analysis analysis, Instant now) {
        RolloutStatus status = md.getStatus() == null ? null : md.getStatus().rollout();
        String stableRevision = seen.stable().map(DeploymentProgress::revision).orElse(desiredRevision);
        RolloutPlan.State state = status == null || status.phase() == null
                ? RolloutPlan.State.stable(stableRevision) : state(status);
        String annotation = Optional.ofNullable(md.getMetadata().getAnnotations())
                .map(a -> a.get(ACTION_ANNOTATION)).orElse(null);
        boolean newAnnotation = annotation != null && (status == null || !annotation.equals(status.lastAction()));
        Optional<RolloutPlan.Action> action = newAnnotation ? action(annotation) : Optional.empty();
        Optional<Deployment> canary = seen.canary()
                .filter(d -> desiredRevision.equals(DeploymentProgress.revision(d)));
        Optional<RolloutPlan.CanaryHealth> health = canary.map(d -> health(d, seen.pods(), analysis));
        boolean stablePromoted = seen.stable().map(d -> state.canaryRevision() != null
                && state.canaryRevision().equals(DeploymentProgress.revision(d))
                && DeploymentProgress.rolledOut(d, replicas(d))
                && reachable(md, Labels.TRACK_STABLE, currentPods(d, Labels.TRACK_STABLE, seen.pods()),
                        seen.endpoints()) >= replicas(d))
                .orElse(false);
        RolloutPlan.Settings settings = settings(md);
        RolloutPlan.Decision decision = RolloutPlan.next(settings, state,
                new RolloutPlan.Observation(desiredRevision, health, stablePromoted, action, now,
                        stableMirrors(seen)));
        // Traffic follows the canary pods its Service's endpoints list, not only the pods' Ready condition.
        int readyCanary = canary.map(d -> reachable(md, Labels.TRACK_CANARY,
                currentPods(d, Labels.TRACK_CANARY, seen.pods()), seen.endpoints())).orElse(0);
        boolean shadowStep = Target.runs(decision.state().phase()) && decision.state().phase() != Phase.PROMOTING
                && settings.steps().get(decision.state().step()).shadow();
        ReplicaSplit split;
        if (decision.state().phase() == Phase.PROMOTING) {
            split = new ReplicaSplit(total, total, 100);
        } else if (shadowStep) {
            // A copy of all the stable pods' requests: as many pods as they are, none of the clients' traffic.
            split = new ReplicaSplit(total, total, 0);
        } else if (md.getSpec().rollout().routedByGateway()) {
            split = ReplicaSplit.routed(total, decision.canaryWeight(), readyCanary);
        } else {
            split = ReplicaSplit.of(total, decision.canaryWeight(), readyCanary);
        }
        Optional<String> ignored;
        if (!newAnnotation) {
            ignored = Optional.ofNullable(status == null ? null : status.lastActionIgnored());
        } else if (action.isEmpty()) {
            ignored = Optional.of("'" + annotation + "' is not a rollout action: use " + ACTIONS);
        } else {
            ignored = decision.ignoredAction();
        }
        Optional<String> kept = Optional.empty();
        if (!Target.runs(decision.state().phase()) && seen.canary().isPresent()) {
            Instant ended = decision.transition().isPresent() ? now : lastTransition(md.getStatus()).orElse(now);
            kept = seen.route().flatMap(r -> RouteAcceptance.stillRoutesTo(r, ServingService.name(md, Labels.TRACK_CANARY)))
                    .filter(why -> now.isBefore(ended.plus(GATEWAY_DRAIN_LIMIT)));
        }
        boolean outOfService = shadowStep || (md.getSpec().rollout().hasShadowStep()
                && liveCanaryPods(seen.pods()) > split.canary());
        return new Target(decision, split, annotation, newAnnotation, ignored, kept, shadowStep, outOfService);
    }

    /** When the rollout's last transition in the history happened: once no canary runs, when the last one ended. */
    private static Optional<Instant> lastTransition(ModelDeploymentStatus status) {
        return Optional.ofNullable(status).map(ModelDeploymentStatus::history).filter(h -> !h.isEmpty())
                .map(h -> h.get(h.size() - 1).time()).map(Instant::parse);
    }

    public static RolloutPlan.Settings settings(ModelDeployment md) {
        RolloutSpec rollout = md.getSpec().rollout();
        var steps = new ArrayList<RolloutPlan.Step>();
        for (CanaryStepSpec step : rollout.steps()) {
            steps.add(new RolloutPlan.Step(step.weight(), Optional.ofNullable(step.pause()).map(RolloutCoordinator::duration),
                    step.shadowStep()));
        }
        return new RolloutPlan.Settings(steps, Duration.ofSeconds(rollout.analysis().checkIntervalSeconds()),
                rollout.analysis().failureThreshold(), rollout.analysis().maxRestarts());
    }

    /** The decision as status, with the effective weight of the split. */
    public static RolloutStatus status(Target target) {
        RolloutPlan.State s = target.decision().state();
        return new RolloutStatus(phaseName(s.phase()), s.stableRevision(), s.canaryRevision(),
                s.canaryRevision() == null ? null : s.step() + 1, time(s.stepStartedAt()),
                s.failedChecks() == 0 ? null : s.failedChecks(), time(s.lastCheckAt()), s.failedRevision(),
                target.decision().canaryWeight(), target.split().effectiveWeight(), s.reason(), s.message(),
                target.lastAction(), target.ignoredAction().orElse(null), target.canaryKept().orElse(null));
    }

    /** The history with the decision's transition appended, keeping the last ten. */
    public static List<RolloutEvent> history(List<RolloutEvent> before, Target target, Instant now) {
        var history = new ArrayList<RolloutEvent>(before == null ? List.of() : before);
        target.decision().transition().ifPresent(t -> history.add(new RolloutEvent(time(now),
                target.decision().state().reason(), t)));
        return history.size() > HISTORY ? history.subList(history.size() - HISTORY, history.size()) : history;
    }

    static RolloutPlan.State state(RolloutStatus s) {
        return new RolloutPlan.State(Phase.valueOf(s.phase().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT)),
                s.stableRevision(), s.canaryRevision(), s.step() == null ? 0 : s.step() - 1,
                instant(s.stepStartedAt()), s.failedChecks() == null ? 0 : s.failedChecks(), instant(s.lastCheckAt()),
                s.failedRevision(), s.reason(), s.message());
    }

    static String phaseName(Phase phase) {
        return switch (phase) {
            case STABLE -> "Stable";
            case PROGRESSING -> "Progressing";
            case PAUSED -> "Paused";
            case PROMOTING -> "Promoting";
            case ROLLED_BACK -> "RolledBack";
        };
    }

    private static String actions() {
        List<String> names = java.util.Arrays.stream(RolloutPlan.Action.values())
                .map(a -> a.name().toLowerCase(Locale.ROOT)).toList();
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    static Optional<RolloutPlan.Action> action(String annotation) {
        String value = annotation.toLowerCase(Locale.ROOT);
        for (RolloutPlan.Action action : RolloutPlan.Action.values()) {
            if (value.startsWith(action.name().toLowerCase(Locale.ROOT))) {
                return Optional.of(action);
            }
        }
        return Optional.empty();
    }

    static Duration duration(String pause) {
        long amount = Long.parseLong(pause.substring(0, pause.length() - 1));
        return switch (pause.charAt(pause.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
    }

    /**
     * The canary's health over the pods that belong to its Deployment now ({@link #currentPods}). A pod counts as
     * unready once all its containers started (the startup probe passed: the model was loaded) or one of them
     * exited with an error (a model that fails to load); before that it is starting. A passed progress deadline
     * counts once the Deployment controller saw the latest template.
     */
    static RolloutPlan.CanaryHealth health(Deployment canary, Collection<Pod> pods, RolloutPlan.Analysis analysis) {
        List<Pod> current = currentPods(canary, Labels.TRACK_CANARY, pods);
        int ready = (int) current.stream().filter(PodStates::ready).count();
        int unready = (int) current.stream()
                .filter(p -> !PodStates.ready(p) && (PodStates.started(p) || PodStates.crashed(p))).count();
        int restarts = current.stream().mapToInt(PodStates::restarts).sum();
        int desired = canary.getSpec().getReplicas() == null ? 0 : canary.getSpec().getReplicas();
        boolean seenLatest = canary.getStatus() != null && canary.getStatus().getObservedGeneration() != null
                && canary.getStatus().getObservedGeneration() >= canary.getMetadata().getGeneration();
        return new RolloutPlan.CanaryHealth(ready, unready, desired, restarts,
                seenLatest && DeploymentProgress.deadlineExceeded(canary),
                PodDiagnosis.of(current).map(PodDiagnosis.Problem::message), analysis);
    }

    /**
     * The pods that belong to a track's Deployment now: its revision, not terminating, and created since the
     * Deployment was (pods of a canary rolled back before are not counted).
     */
    static List<Pod> currentPods(Deployment deployment, String track, Collection<Pod> pods) {
        String revision = DeploymentProgress.revision(deployment);
        String created = deployment.getMetadata().getCreationTimestamp();
        return pods.stream()
                .filter(p -> track.equals(Optional.ofNullable(p.getMetadata().getLabels().get(Labels.TRACK))
                        .orElse(Labels.TRACK_STABLE)))
                .filter(p -> revision != null && revision.equals(p.getMetadata().getLabels().get(Labels.REVISION)))
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(p -> created == null || p.getMetadata().getCreationTimestamp() == null
                        || !Instant.parse(p.getMetadata().getCreationTimestamp()).isBefore(Instant.parse(created)))
                .toList();
    }

    /** The canary track's pods of any revision that are not terminating: what a Service selecting them reaches. */
    private static long liveCanaryPods(Collection<Pod> pods) {
        return pods.stream().filter(p -> Labels.TRACK_CANARY.equals(p.getMetadata().getLabels().get(Labels.TRACK)))
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).count();
    }

    /**
     * How many of these pods are Ready and listed as ready by the endpoints of the Service that sends the track its
     * traffic: the track's own Service when a Gateway routes, the ModelDeployment's Service otherwise.
     */
    static int reachable(ModelDeployment md, String track, List<Pod> pods, Collection<EndpointSlice> endpoints) {
        String service = md.getSpec().rollout().routedByGateway() ? ServingService.name(md, track)
                : ServingService.name(md);
        var listed = ServiceEndpoints.readyPods(endpoints, service);
        return (int) pods.stream().filter(PodStates::ready).filter(p -> listed.contains(p.getMetadata().getName()))
                .count();
    }

    /**
     * Whether the stable pods mirror to the shadow Service: their template tells them to, and the containers of every
     * one of them started after the Service existed (the kubelet gives a container the addresses of the Services
     * that exist when it starts it).
     */
    static boolean stableMirrors(Observed seen) {
        return seen.stable().filter(d -> ServingPodTemplate.mirrorsToShadow(d.getSpec().getTemplate()))
                .flatMap(d -> seen.shadowService().map(service -> currentPods(d, Labels.TRACK_STABLE, seen.pods())
                        .stream().allMatch(p -> startedAfter(p, service))))
                .orElse(false);
    }

    private static boolean startedAfter(Pod pod, Service service) {
        String started = PodStates.runningSince(pod).orElse(pod.getMetadata().getCreationTimestamp());
        String made = service.getMetadata().getCreationTimestamp();
        return started != null && made != null && !Instant.parse(started).isBefore(Instant.parse(made));
    }

    private static int replicas(Deployment deployment) {
        return Optional.ofNullable(deployment.getSpec().getReplicas()).orElse(1);
    }

    private static String time(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static Instant instant(String time) {
        return time == null ? null : Instant.parse(time);
    }

}

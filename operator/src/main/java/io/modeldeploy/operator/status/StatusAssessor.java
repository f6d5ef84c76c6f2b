package io.modeldeploy.operator.status;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.ModelDeploymentStatus;
import io.modeldeploy.operator.resources.Labels;
import io.modeldeploy.operator.resources.ServingService;
import io.modeldeploy.operator.rollout.RolloutPlan;

/**
 * Turns what the operator observes (the serving Deployment and its pods) into the ModelDeployment's status. Pure:
 * the same observation gives the same status, and a condition keeps its lastTransitionTime while its status stays.
 */
public final class StatusAssessor {
    private StatusAssessor() {
    }

    /**
     * What the operator saw in the cluster for one ModelDeployment.
     *
     * @param wantedReplicas the serving pods wanted now (the autoscaler's choice while autoscaling)
     * @param traffic why the traffic provider cannot route, if it cannot
     */
    public record Observed(Optional<Deployment> deployment, int wantedReplicas, Collection<Pod> pods,
            String desiredRevision, Optional<RolloutPlan.State> rollout, Optional<TrafficProblem> traffic) {
        public Observed(Optional<Deployment> deployment, int wantedReplicas, Collection<Pod> pods,
                String desiredRevision) {
            this(deployment, wantedReplicas, pods, desiredRevision, Optional.empty(), Optional.empty());
        }
    }

    /** Why the GatewayAPI traffic provider cannot route: a condition reason and a sentence. */
    public record TrafficProblem(String reason, String message) {
        /** The cluster has no HTTPRoute CRD. */
        public static TrafficProblem gatewayApiMissing() {
            return new TrafficProblem(Conditions.GATEWAY_API_MISSING, "spec.rollout.traffic.provider is GatewayAPI, "
                    + "but the cluster has no HTTPRoute CRD (gateway.networking.k8s.io/v1): install the Gateway API "
                    + "CRDs and restart the operator, or use the ReplicaRatio provider");
        }

        /** The Gateway's controller did not accept the route; see {@link RouteAcceptance}. */
        public static TrafficProblem routeNotAccepted(String message) {
            return new TrafficProblem(Conditions.ROUTE_NOT_ACCEPTED, message);
        }
    }

    private record Verdict(String phase, String readyStatus, String reason, String message, boolean reconciling,
            boolean stalled) {
    }

    public static ModelDeploymentStatus assess(ModelDeployment md, Observed observed, Instant now) {
        ModelDeploymentStatus previous = md.getStatus();
        Verdict verdict = verdict(md, observed);
        Long generation = md.getMetadata().getGeneration();
        List<Condition> before = previous == null || previous.conditions() == null ? List.of() : previous.conditions();
        String doneReason = verdict.stalled ? verdict.reason : Conditions.RECONCILED;
        var conditions = List.of(
                condition(Conditions.READY, verdict.readyStatus, verdict.reason, verdict.message, generation, before, now),
                condition(Conditions.RECONCILING, verdict.reconciling ? Conditions.TRUE : Conditions.FALSE,
                        verdict.reconciling ? verdict.reason : doneReason,
                        verdict.reconciling ? verdict.message : "not progressing", generation, before, now),
                condition(Conditions.STALLED, verdict.stalled ? Conditions.TRUE : Conditions.FALSE,
                        verdict.stalled ? verdict.reason : (verdict.reconciling ? Conditions.PROGRESSING : doneReason),
                        verdict.stalled ? verdict.message : "not stalled", generation, before, now),
                degraded(observed, generation, before, now));
        boolean serving = Conditions.TRUE.equals(verdict.readyStatus);
        String previousVersion = previous == null ? null : previous.modelVersion();
        return new ModelDeploymentStatus(
                generation,
                verdict.phase,
                observed.wantedReplicas(),
                observed.deployment().map(d -> d.getStatus()).map(DeploymentStatus::getReadyReplicas).orElse(0),
                Labels.servingPodsSelector(md),
                ServingService.url(md),
                serving ? md.getSpec().model().version() : previousVersion,
                observed.desiredRevision(),
                conditions,
                previous == null ? null : previous.rollout(),
                previous == null ? null : previous.history(),
                previous == null ? null : previous.template(),
                previous == null ? null : previous.resolvedModel());
    }

    /**
     * The status after applying a child object failed (a quota, an admission webhook, a conflict): Ready=False and
     * Stalled=True with reason ApplyFailed and the API server's message, for the generation that was tried. The rest
     * of the status, the rollout's state included, stays as it was: the next attempt decides the same again.
     */
    public static ModelDeploymentStatus applyFailed(ModelDeployment md, String message, Instant now) {
        return stalled(md, Conditions.APPLY_FAILED, message, now);
    }

    /**
     * The status of a ModelDeployment whose spec the operator refuses to apply (reason {@code reason}, e.g.
     * {@link Conditions#POLICY_DENIED}): Stalled with the message; what runs is left as it was, and so is what
     * status says about it.
     */
    public static ModelDeploymentStatus stalled(ModelDeployment md, String reason, String message, Instant now) {
        return nothingApplied(md, Conditions.PHASE_STALLED, now, List.of(
                new Wanted(Conditions.READY, Conditions.FALSE, reason, message),
                new Wanted(Conditions.RECONCILING, Conditions.FALSE, reason, "not progressing"),
                new Wanted(Conditions.STALLED, Conditions.TRUE, reason, message)));
    }

    /**
     * The status while the operator waits for something outside the cluster before it applies this spec (an oci://
     * tag's digest): Reconciling=True with the reason, Ready=False; the rest as it was, and what ran keeps running.
     */
    public static ModelDeploymentStatus waiting(ModelDeployment md, String reason, String message, Instant now) {
        return nothingApplied(md, Conditions.PHASE_PROGRESSING, now, List.of(
                new Wanted(Conditions.READY, Conditions.FALSE, reason, message),
                new Wanted(Conditions.RECONCILING, Conditions.TRUE, reason, message),
                new Wanted(Conditions.STALLED, Conditions.FALSE, Conditions.PROGRESSING, "not stalled")));
    }

    /** A condition as a status wants it; its times and generation are filled in by {@link #condition}. */
    private record Wanted(String type, String status, String reason, String message) {
    }

    /**
     * A status for a spec of which nothing was applied: the given Ready, Reconciling and Stalled, Degraded and
     * everything else as status said before.
     */
    private static ModelDeploymentStatus nothingApplied(ModelDeployment md, String phase, Instant now,
            List<Wanted> wanted) {
        ModelDeploymentStatus previous = md.getStatus();
        Long generation = md.getMetadata().getGeneration();
        List<Condition> before = previous == null || previous.conditions() == null ? List.of() : previous.conditions();
        var conditions = new java.util.ArrayList<Condition>();
        for (Wanted c : wanted) {
            conditions.add(condition(c.type(), c.status(), c.reason(), c.message(), generation, before, now));
        }
        conditions.add(before.stream().filter(c -> Conditions.DEGRADED.equals(c.getType())).findFirst()
                .orElseGet(() -> notDegraded(generation, before, now)));
        return new ModelDeploymentStatus(generation, phase,
                previous == null ? null : previous.replicas(), previous == null ? null : previous.readyReplicas(),
                Labels.servingPodsSelector(md), ServingService.url(md), previous == null ? null : previous.modelVersion(),
                previous == null ? null : previous.revision(), List.copyOf(conditions),
                previous == null ? null : previous.rollout(), previous == null ? null : previous.history(),
                previous == null ? null : previous.template(), previous == null ? null : previous.resolvedModel());
    }

    private static Verdict verdict(ModelDeployment md, Observed observed) {
        if (observed.deployment().isEmpty()) {
            return new Verdict(Conditions.PHASE_PENDING, Conditions.FALSE, Conditions.CREATING,
                    "creating the serving Deployment " + md.getMetadata().getName(), true, false);
        }
        if (observed.traffic().isPresent()) {
            TrafficProblem problem = observed.traffic().get();
            return new Verdict(Conditions.PHASE_STALLED, Conditions.FALSE, problem.reason(), problem.message(), false,
                    true);
        }
        Optional<Verdict> rollout = observed.rollout().flatMap(StatusAssessor::rolloutVerdict);
        if (rollout.isPresent()) {
            return rollout.get();
        }
        Deployment deployment = observed.deployment().get();
        DeploymentStatus status = Optional.ofNullable(deployment.getStatus()).orElseGet(DeploymentStatus::new);
        int desired = observed.wantedReplicas();
        int ready = orZero(status.getReadyReplicas());
        Optional<PodDiagnosis.Problem> problem = PodDiagnosis.of(observed.pods());
        String model = "model " + md.getSpec().model().name() + " version " + md.getSpec().model().version();

        if (DeploymentProgress.deadlineExceeded(deployment)) {
            String message = "Deployment " + deployment.getMetadata().getName() + " did not become ready within "
                    + deployment.getSpec().getProgressDeadlineSeconds() + "s"
                    + problem.map(p -> ": " + p.message()).orElse("");
            return new Verdict(Conditions.PHASE_STALLED, Conditions.FALSE, Conditions.PROGRESS_DEADLINE_EXCEEDED,
                    message, false, true);
        }
        if (Objects.equals(DeploymentProgress.revision(deployment), observed.desiredRevision())
                && DeploymentProgress.rolledOut(deployment, desired)) {
            if (desired == 0) {
                return new Verdict(Conditions.PHASE_READY, Conditions.TRUE, Conditions.SCALED_TO_ZERO,
                        "replicas is 0, so no pod serves " + model, false, false);
            }
            return new Verdict(Conditions.PHASE_READY, Conditions.TRUE, Conditions.AVAILABLE,
                    ready + "/" + desired + " replicas serve " + model, false, false);
        }
        return problem
                .map(p -> new Verdict(Conditions.PHASE_PROGRESSING, Conditions.FALSE, p.reason(), p.message(), true,
                        false))
                .orElseGet(() -> new Verdict(Conditions.PHASE_PROGRESSING, Conditions.FALSE,
                        Conditions.ROLLOUT_IN_PROGRESS, ready + "/" + desired + " replicas of revision "
                                + observed.desiredRevision() + " ready to serve " + model, true, false));
    }

    /**
     * Degraded is True while the operator serves the stable revision instead of the one the spec asks for,
     * because it rolled that one back (or a person aborted it).
     */
    private static Condition degraded(Observed observed, Long generation, List<Condition> before, Instant now) {
        return observed.rollout().filter(r -> r.phase() == RolloutPlan.Phase.ROLLED_BACK)
                .map(r -> condition(Conditions.DEGRADED, Conditions.TRUE, r.reason(), r.message(), generation, before,
                        now))
                .orElseGet(() -> notDegraded(generation, before, now));
    }

    private static Condition notDegraded(Long generation, List<Condition> before, Instant now) {
        return condition(Conditions.DEGRADED, Conditions.FALSE, "AsSpecified",
                "the revision the spec asks for is the one rolled out or rolling out", generation, before, now);
    }

    /** A canary rollout that runs or was rolled back speaks for the ModelDeployment; a stable one does not. */
    private static Optional<Verdict> rolloutVerdict(RolloutPlan.State state) {
        return switch (state.phase()) {
            case STABLE -> Optional.empty();
            case ROLLED_BACK -> Optional.of(new Verdict(Conditions.PHASE_ROLLED_BACK, Conditions.FALSE, state.reason(),
                    state.message(), false, true));
            case PAUSED -> Optional.of(new Verdict(Conditions.PHASE_PAUSED, Conditions.FALSE, state.reason(),
                    state.message(), true, false));
            case PROGRESSING, PROMOTING -> Optional.of(new Verdict(Conditions.PHASE_CANARY, Conditions.FALSE,
                    state.reason(), state.message(), true, false));
        };
    }

    private static Condition condition(String type, String status, String reason, String message, Long generation,
            List<Condition> before, Instant now) {
        String transition = before.stream()
                .filter(c -> type.equals(c.getType()) && status.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime)
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(now.truncatedTo(ChronoUnit.SECONDS).toString());
        return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withObservedGeneration(generation).withLastTransitionTime(transition).build();
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }
}

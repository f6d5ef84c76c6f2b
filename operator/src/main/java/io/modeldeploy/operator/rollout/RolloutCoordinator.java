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
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.modeldeploy.api.v1alpha1.CanaryStepSpec;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.RolloutEvent;
import io.modeldeploy.api.v1alpha1.RolloutSpec;
import io.modeldeploy.api.v1alpha1.RolloutStatus;
import io.modeldeploy.operator.resources.Labels;
import io.modeldeploy.operator.resources.ServingDeployment;
import io.modeldeploy.operator.rollout.RolloutPlan.Phase;
import io.modeldeploy.operator.status.DeploymentProgress;

/**
 * Between the ModelDeployment's API and the pure {@link RolloutPlan}: reads settings from spec and state from
 * status, observes the canary, and writes the decision back as status. Pure as well.
 */
public final class RolloutCoordinator {
    /** The annotation through which a person promotes, aborts or retries: promote, abort, retry (any suffix). */
    public static final String ACTION_ANNOTATION = "serving.modeldeploy.io/rollout-action";
    static final int HISTORY = 10;

    private RolloutCoordinator() {
    }

    /** What the Deployments should look like now: the plan's decision and the replica split of its weight. */
    public record Target(RolloutPlan.Decision decision, ReplicaSplit split, String lastAction) {
        /** The stable Deployment keeps running the stable revision's template (a canary runs or was rolled back). */
        public boolean stableKeepsItsTemplate() {
            Phase phase = decision.state().phase();
            return phase == Phase.PROGRESSING || phase == Phase.PAUSED || phase == Phase.ROLLED_BACK;
        }

        /** Whether a canary Deployment should exist. */
        public boolean canaryRuns() {
            Phase phase = decision.state().phase();
            return phase == Phase.PROGRESSING || phase == Phase.PAUSED || phase == Phase.PROMOTING;
        }
    }

    public static boolean canary(ModelDeployment md) {
        RolloutSpec rollout = md.getSpec().rollout();
        return rollout != null && rollout.strategy() == RolloutSpec.Strategy.Canary;
    }

    /** Decides the rollout's next step for a ModelDeployment with the Canary strategy. */
    public static Target decide(ModelDeployment md, String desiredRevision, Optional<Deployment> stable,
            Optional<Deployment> canary, Collection<Pod> pods, Instant now) {
        RolloutStatus status = md.getStatus() == null ? null : md.getStatus().rollout();
        String stableRevision = stable.map(DeploymentProgress::revision).orElse(desiredRevision);
        RolloutPlan.State state = status == null || status.phase() == null
                ? RolloutPlan.State.stable(stableRevision) : state(status);
        String annotation = Optional.ofNullable(md.getMetadata().getAnnotations())
                .map(a -> a.get(ACTION_ANNOTATION)).orElse(null);
        Optional<RolloutPlan.Action> action = annotation == null
                || (status != null && annotation.equals(status.lastAction())) ? Optional.empty() : action(annotation);
        Optional<RolloutPlan.CanaryHealth> health = canary
                .filter(d -> desiredRevision.equals(DeploymentProgress.revision(d))).map(d -> health(d, pods));
        boolean stablePromoted = stable.map(d -> state.canaryRevision() != null
                && state.canaryRevision().equals(DeploymentProgress.revision(d))
                && DeploymentProgress.rolledOut(d, Optional.ofNullable(d.getSpec().getReplicas()).orElse(1)))
                .orElse(false);
        RolloutPlan.Decision decision = RolloutPlan.next(settings(md), state,
                new RolloutPlan.Observation(desiredRevision, health, stablePromoted, action, now));
        // With autoscaling (GatewayAPI traffic only) the autoscaler sizes the stable track; the canary follows it.
        int total = ServingDeployment.stableReplicas(md, stable.map(d -> d.getSpec().getReplicas()));
        ReplicaSplit split;
        if (decision.state().phase() == Phase.PROMOTING) {
            split = new ReplicaSplit(total, total, 100);
        } else if (md.getSpec().rollout().routedByGateway()) {
            split = ReplicaSplit.routed(total, decision.canaryWeight(),
                    health.map(h -> h.readyReplicas() > 0).orElse(false));
        } else {
            split = ReplicaSplit.of(total, decision.canaryWeight());
        }
        return new Target(decision, split, annotation);
    }

    public static RolloutPlan.Settings settings(ModelDeployment md) {
        RolloutSpec rollout = md.getSpec().rollout();
        var steps = new ArrayList<RolloutPlan.Step>();
        for (CanaryStepSpec step : rollout.steps()) {
            steps.add(new RolloutPlan.Step(step.weight(), Optional.ofNullable(step.pause()).map(RolloutCoordinator::duration)));
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
                target.lastAction());
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

    private static RolloutPlan.CanaryHealth health(Deployment canary, Collection<Pod> pods) {
        int restarts = pods.stream()
                .filter(p -> Labels.TRACK_CANARY.equals(p.getMetadata().getLabels().get(Labels.TRACK)))
                .filter(p -> p.getStatus() != null && p.getStatus().getContainerStatuses() != null)
                .flatMap(p -> p.getStatus().getContainerStatuses().stream())
                .mapToInt(c -> Optional.ofNullable(c.getRestartCount()).orElse(0)).sum();
        var status = canary.getStatus();
        int ready = status == null || status.getReadyReplicas() == null ? 0 : status.getReadyReplicas();
        int desired = canary.getSpec().getReplicas() == null ? 0 : canary.getSpec().getReplicas();
        return new RolloutPlan.CanaryHealth(ready, desired, restarts, DeploymentProgress.deadlineExceeded(canary));
    }

    private static String time(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static Instant instant(String time) {
        return time == null ? null : Instant.parse(time);
    }

}

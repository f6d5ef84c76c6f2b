package io.modeldeploy.operator.rollout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Decides the next state of a canary rollout from its persisted state and what the operator observes now. Pure: no
 * clock, no client. Everything it needs to resume after an operator restart is in {@link State}, which lives in the
 * ModelDeployment's status, so a step is neither skipped nor repeated across restarts.
 *
 * <pre>
 *   Stable --new revision--> Progressing(step 0) --healthy, pause over--> Progressing(step i+1) ... --> Promoting
 *   Progressing --step without pause--> Paused --promote--> next step       Promoting --stable rolled out--> Stable
 *   Progressing/Paused --checks failed beyond threshold, restarts, deadline, or abort--> RolledBack
 *   RolledBack --spec changes to another revision, or retry--> Progressing(step 0)
 * </pre>
 */
public final class RolloutPlan {
    private RolloutPlan() {
    }

    public enum Phase { STABLE, PROGRESSING, PAUSED, PROMOTING, ROLLED_BACK }

    /** What a person can ask for through the rollout-action annotation. */
    public enum Action { PROMOTE, ABORT, RETRY }

    /**
     * A step: send {@code weight} percent to the canary, then wait {@code pause} (empty: until a promote).
     */
    public record Step(int weight, Optional<Duration> pause) {
        public Step {
            if (weight < 0 || weight > 100) {
                throw new IllegalArgumentException("a step's weight is between 0 and 100, not " + weight);
            }
        }
    }

    /**
     * @param steps the canary steps, in order
     * @param checkInterval how often the canary's health is checked
     * @param failureThreshold failed checks in a row that roll the canary back
     * @param maxRestarts container restarts of the canary that roll it back at once
     */
    public record Settings(List<Step> steps, Duration checkInterval, int failureThreshold, int maxRestarts) {
        public Settings {
            if (steps.isEmpty()) {
                throw new IllegalArgumentException("a canary rollout needs at least one step");
            }
        }
    }

    /** The rollout's state, as persisted in status. */
    public record State(Phase phase, String stableRevision, String canaryRevision, int step, Instant stepStartedAt,
            int failedChecks, Instant lastCheckAt, String failedRevision, String reason, String message) {

        public static State stable(String revision) {
            return new State(Phase.STABLE, revision, null, 0, null, 0, null, null, "Stable",
                    "revision " + revision + " serves all traffic");
        }
    }

    /** The canary Deployment's health at this check. */
    public record CanaryHealth(int readyReplicas, int desiredReplicas, int restarts, boolean deadlineExceeded) {
    }

    /**
     * @param desiredRevision the revision the spec asks for now
     * @param canary the canary's health, when a canary Deployment exists
     * @param stableRunsCanaryRevision whether the stable Deployment has finished rolling out the promoted revision
     * @param action a manual action not handled before
     */
    public record Observation(String desiredRevision, Optional<CanaryHealth> canary, boolean stableRunsCanaryRevision,
            Optional<Action> action, Instant now) {
    }

    /**
     * @param state the next state, to persist in status
     * @param canaryWeight the weight to give the canary now
     * @param transition a sentence for an Event and the status history when the phase or step changed
     * @param recheckAfter when to look again, if nothing else happens first
     */
    public record Decision(State state, int canaryWeight, Optional<String> transition, Duration recheckAfter) {
    }

    public static Decision next(Settings settings, State state, Observation seen) {
        String desired = seen.desiredRevision();
        Optional<Action> action = seen.action();
        return switch (state.phase()) {
            case STABLE -> desired.equals(state.stableRevision())
                    ? stay(settings, state)
                    : start(settings, state, desired, seen.now(), "new revision " + desired);
            case ROLLED_BACK -> {
                if (desired.equals(state.stableRevision())) {
                    yield moved(settings, State.stable(state.stableRevision()), 0,
                            "spec returned to the stable revision " + state.stableRevision());
                }
                if (!desired.equals(state.failedRevision())) {
                    yield start(settings, state, desired, seen.now(), "new revision " + desired);
                }
                if (action.equals(Optional.of(Action.RETRY))) {
                    yield start(settings, state, desired, seen.now(), "retry of revision " + desired + " requested");
                }
                yield stay(settings, state);
            }
            case PROMOTING -> seen.stableRunsCanaryRevision()
                    ? moved(settings, State.stable(state.canaryRevision()), 0,
                            "revision " + state.canaryRevision() + " promoted to stable")
                    : new Decision(state, 100, Optional.empty(), settings.checkInterval());
            case PROGRESSING, PAUSED -> canary(settings, state, seen);
        };
    }

    private static Decision canary(Settings settings, State persisted, Observation seen) {
        State state = withinSteps(settings, persisted);
        String desired = seen.desiredRevision();
        if (desired.equals(state.stableRevision())) {
            return moved(settings, State.stable(state.stableRevision()), 0, "canary " + state.canaryRevision()
                    + " dropped: the spec returned to the stable revision");
        }
        if (!desired.equals(state.canaryRevision())) {
            return start(settings, state, desired, seen.now(), "canary " + state.canaryRevision()
                    + " replaced by new revision " + desired);
        }
        if (seen.action().equals(Optional.of(Action.ABORT))) {
            return rollBack(settings, state, "Aborted", "rollout aborted by a person");
        }
        Optional<String> failure = seen.canary().flatMap(health -> immediateFailure(settings, health));
        if (failure.isPresent()) {
            return rollBack(settings, state, "RolledBack", failure.get());
        }
        State checked = check(settings, state, seen);
        if (checked.failedChecks() >= settings.failureThreshold()) {
            return rollBack(settings, checked, "RolledBack", "canary pods not ready for "
                    + checked.failedChecks() + " checks in a row (" + readiness(seen) + ")");
        }
        int weight = settings.steps().get(state.step()).weight();
        if (checked.failedChecks() > 0) {
            return new Decision(checked, weight, Optional.empty(), settings.checkInterval());
        }
        Step step = settings.steps().get(state.step());
        boolean promoted = seen.action().equals(Optional.of(Action.PROMOTE));
        if (step.pause().isEmpty() && !promoted) {
            State paused = withPhase(checked, Phase.PAUSED, "Paused",
                    "step " + (state.step() + 1) + " at " + weight + "% waits for a promote");
            return new Decision(paused, weight, state.phase() == Phase.PAUSED ? Optional.empty()
                    : Optional.of(paused.message()), settings.checkInterval());
        }
        Duration elapsed = Duration.between(state.stepStartedAt(), seen.now());
        if (!promoted && elapsed.compareTo(step.pause().orElseThrow()) < 0) {
            Duration left = step.pause().get().minus(elapsed);
            return new Decision(checked, weight, Optional.empty(),
                    left.compareTo(settings.checkInterval()) < 0 ? left : settings.checkInterval());
        }
        int nextStep = state.step() + 1;
        if (nextStep >= settings.steps().size()) {
            State promoting = new State(Phase.PROMOTING, state.stableRevision(), state.canaryRevision(), state.step(),
                    seen.now(), 0, seen.now(), null, "Promoting",
                    "promoting revision " + state.canaryRevision() + " to stable");
            return new Decision(promoting, 100, Optional.of(promoting.message()), settings.checkInterval());
        }
        int nextWeight = settings.steps().get(nextStep).weight();
        State advanced = new State(Phase.PROGRESSING, state.stableRevision(), state.canaryRevision(), nextStep,
                seen.now(), 0, seen.now(), null, "Progressing",
                "canary " + state.canaryRevision() + " at step " + (nextStep + 1) + " of " + settings.steps().size()
                        + ", weight " + nextWeight + "%");
        return new Decision(advanced, nextWeight, Optional.of(advanced.message()), settings.checkInterval());
    }

    /** Failures that roll back at once, whatever the threshold: crash loops and a passed progress deadline. */
    private static Optional<String> immediateFailure(Settings settings, CanaryHealth health) {
        if (health.deadlineExceeded()) {
            return Optional.of("canary Deployment passed its progress deadline");
        }
        if (health.restarts() > settings.maxRestarts()) {
            return Optional.of("canary containers restarted " + health.restarts() + " times (limit "
                    + settings.maxRestarts() + ")");
        }
        return Optional.empty();
    }

    /** Counts a failed readiness check at most once per check interval; a healthy check resets the count. */
    private static State check(Settings settings, State state, Observation seen) {
        boolean due = state.lastCheckAt() == null
                || !seen.now().isBefore(state.lastCheckAt().plus(settings.checkInterval()));
        if (!due) {
            return state;
        }
        boolean ready = seen.canary().map(h -> h.desiredReplicas() > 0 && h.readyReplicas() >= h.desiredReplicas())
                .orElse(false);
        int failed = ready ? 0 : state.failedChecks() + 1;
        return new State(state.phase(), state.stableRevision(), state.canaryRevision(), state.step(),
                state.stepStartedAt(), failed, seen.now(), state.failedRevision(), state.reason(), state.message());
    }

    private static String readiness(Observation seen) {
        return seen.canary().map(h -> h.readyReplicas() + "/" + h.desiredReplicas() + " ready")
                .orElse("no canary pods");
    }

    private static Decision start(Settings settings, State state, String revision, Instant now, String why) {
        int weight = settings.steps().get(0).weight();
        State started = new State(Phase.PROGRESSING, state.stableRevision(), revision, 0, now, 0, null, null,
                "Progressing", why + ": canary at step 1 of " + settings.steps().size() + ", weight " + weight + "%");
        return new Decision(started, weight, Optional.of(started.message()), settings.checkInterval());
    }

    private static Decision rollBack(Settings settings, State state, String reason, String why) {
        State rolledBack = new State(Phase.ROLLED_BACK, state.stableRevision(), null, 0, null, 0, null,
                state.canaryRevision(), reason, "revision " + state.canaryRevision() + " rolled back: " + why
                        + "; revision " + state.stableRevision() + " serves all traffic");
        return new Decision(rolledBack, 0, Optional.of(rolledBack.message()), settings.checkInterval());
    }

    private static Decision moved(Settings settings, State state, int weight, String why) {
        return new Decision(state, weight, Optional.of(why), settings.checkInterval());
    }

    private static Decision stay(Settings settings, State state) {
        return new Decision(state, 0, Optional.empty(), settings.checkInterval());
    }

    /**
     * The state at a step that exists: a person may shorten spec.rollout.steps while a canary runs (or edit the one
     * step of a manual rollout); the canary then continues at the last step.
     */
    private static State withinSteps(Settings settings, State state) {
        int last = settings.steps().size() - 1;
        return state.step() <= last ? state : new State(state.phase(), state.stableRevision(), state.canaryRevision(),
                last, state.stepStartedAt(), state.failedChecks(), state.lastCheckAt(), state.failedRevision(),
                state.reason(), state.message());
    }

    private static State withPhase(State state, Phase phase, String reason, String message) {
        return new State(phase, state.stableRevision(), state.canaryRevision(), state.step(), state.stepStartedAt(),
                state.failedChecks(), state.lastCheckAt(), state.failedRevision(), reason, message);
    }
}

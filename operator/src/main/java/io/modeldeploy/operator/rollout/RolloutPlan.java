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
 *   Progressing --pause--> Paused(Held) --resume--> Progressing(same step, its pause from now) | --promote--> next step
 *   Progressing/Paused --checks failed beyond threshold, restarts, deadline, or abort--> RolledBack
 *   RolledBack --spec changes to another revision, or retry--> Progressing(step 0)
 *   Promoting --stable rolled out, spec moved on meanwhile--> Progressing(step 0) of the newer revision
 * </pre>
 *
 * Health is judged on the canary pods of the canary revision that have started (model loaded once): a pod still
 * starting is neither a failure nor a pass, and the canary waits at its step; how long a start may take is the
 * Deployment's progress deadline. A failed check is counted at most once per check interval and persisted; a
 * healthy check changes nothing persisted, so a long pause writes no status. An action that does not apply in the
 * current phase is ignored with a reason ({@link Decision#ignoredAction()}).
 */
public final class RolloutPlan {
    private RolloutPlan() {
    }

    public enum Phase { STABLE, PROGRESSING, PAUSED, PROMOTING, ROLLED_BACK }

    /** What a person can ask for through the rollout-action annotation. */
    public enum Action { PROMOTE, ABORT, RETRY, PAUSE, RESUME }

    /** The reason of a canary a person paused: it stays at its step, checked, until resumed or promoted. */
    static final String HELD = "Held";

    /**
     * A step: send {@code weight} percent to the canary, then wait {@code pause} (empty: until a promote). A shadow
     * step sends it none, and a copy of the stable pods' requests instead.
     */
    public record Step(int weight, Optional<Duration> pause, boolean shadow) {
        public Step {
            if (weight < 0 || weight > 100) {
                throw new IllegalArgumentException("a step's weight is between 0 and 100, not " + weight);
            }
            if (shadow && weight != 0) {
                throw new IllegalArgumentException("a shadow step has weight 0, not " + weight);
            }
        }

        public Step(int weight, Optional<Duration> pause) {
            this(weight, pause, false);
        }

        /** What the canary gets at this step, for messages: "weight 10%" or "shadow traffic". */
        String traffic() {
            return shadow ? "shadow traffic" : "weight " + weight + "%";
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

    /**
     * What the canary's analysis beyond its pods says: its inference metrics and webhooks.
     *
     * @param failure why it fails, when it does: fails a check like unready pods
     * @param pending no verdict yet of a check that must pass before a step ends (a webhook's first answer)
     */
    public record Analysis(Optional<String> failure, boolean pending) {
        public static final Analysis NONE = new Analysis(Optional.empty(), false);

        public static Analysis failed(String why) {
            return new Analysis(Optional.of(why), false);
        }
    }

    /**
     * The canary's health at this check, counted over its current pods of the canary revision.
     *
     * @param readyReplicas pods that are Ready
     * @param unreadyReplicas pods that started (loaded their model) but are not Ready: what fails a check
     * @param desiredReplicas the canary Deployment's replica count
     * @param restarts container restarts of those pods
     * @param deadlineExceeded the canary Deployment passed its progress deadline (pods did not start in time)
     * @param problem what is wrong with a canary pod, when something is
     * @param analysis what its metrics and webhooks say
     */
    public record CanaryHealth(int readyReplicas, int unreadyReplicas, int desiredReplicas, int restarts,
            boolean deadlineExceeded, Optional<String> problem, Analysis analysis) {

        /** Health without a diagnosed pod problem or an analysis. */
        public CanaryHealth(int readyReplicas, int unreadyReplicas, int desiredReplicas, int restarts,
                boolean deadlineExceeded) {
            this(readyReplicas, unreadyReplicas, desiredReplicas, restarts, deadlineExceeded, Optional.empty(),
                    Analysis.NONE);
        }

        /** What is wrong with a canary pod, as the rollback's message ends: ": why", or nothing. */
        String why() {
            return problem.map(p -> ": " + p).orElse("");
        }

        /** Every desired pod is Ready and the analysis passes. */
        public boolean healthy() {
            return desiredReplicas > 0 && readyReplicas >= desiredReplicas && analysis.failure().isEmpty()
                    && !analysis.pending();
        }

        /** A started pod is not Ready, or the analysis fails. */
        public boolean failing() {
            return unreadyReplicas > 0 || analysis.failure().isPresent();
        }
    }

    /**
     * @param desiredRevision the revision the spec asks for now
     * @param canary the canary's health, when a canary Deployment exists
     * @param stableRunsCanaryRevision whether the stable Deployment has finished rolling out the promoted revision
     * @param action a manual action not handled before
     * @param stableMirrors whether the stable pods can send a shadow step's canary a copy of their requests (they
     *        started after the shadow Service, from a template that tells them to)
     */
    public record Observation(String desiredRevision, Optional<CanaryHealth> canary, boolean stableRunsCanaryRevision,
            Optional<Action> action, Instant now, boolean stableMirrors) {

        public Observation(String desiredRevision, Optional<CanaryHealth> canary, boolean stableRunsCanaryRevision,
                Optional<Action> action, Instant now) {
            this(desiredRevision, canary, stableRunsCanaryRevision, action, now, true);
        }

        /** The same observation as if no action had been asked for: what a decision that ignores it sees. */
        Observation withoutAction() {
            return new Observation(desiredRevision, canary, stableRunsCanaryRevision, Optional.empty(), now,
                    stableMirrors);
        }
    }

    /**
     * @param state the next state, to persist in status
     * @param canaryWeight the weight to give the canary now
     * @param transition a sentence for an Event and the status history when the phase or step changed
     * @param recheckAfter when to look again, if nothing else happens first
     */
    public record Decision(State state, int canaryWeight, Optional<String> transition, Duration recheckAfter,
            Optional<String> ignoredAction) {

        Decision(State state, int canaryWeight, Optional<String> transition, Duration recheckAfter) {
            this(state, canaryWeight, transition, recheckAfter, Optional.empty());
        }

        /** This decision, saying why the observed action was not applied. */
        Decision ignoring(Optional<Action> action, String why) {
            return action.map(a -> new Decision(state, canaryWeight, transition, recheckAfter,
                    Optional.of(a.name().toLowerCase(java.util.Locale.ROOT) + " ignored: " + why))).orElse(this);
        }
    }

    public static Decision next(Settings settings, State state, Observation seen) {
        String desired = seen.desiredRevision();
        Optional<Action> action = seen.action();
        return switch (state.phase()) {
            case STABLE -> (desired.equals(state.stableRevision())
                    ? stay(settings, state)
                    : start(settings, state, desired, seen.now(), "new revision " + desired))
                    .ignoring(action, "no canary is running");
            case ROLLED_BACK -> {
                if (desired.equals(state.stableRevision())) {
                    yield moved(settings, State.stable(state.stableRevision()), 0,
                            "spec returned to the stable revision " + state.stableRevision())
                            .ignoring(action, "the spec returned to the stable revision");
                }
                if (!desired.equals(state.failedRevision())) {
                    yield start(settings, state, desired, seen.now(), "new revision " + desired)
                            .ignoring(action, "the spec moved to revision " + desired);
                }
                if (action.equals(Optional.of(Action.RETRY))) {
                    yield start(settings, state, desired, seen.now(), "retry of revision " + desired + " requested");
                }
                yield stay(settings, state).ignoring(action, "revision " + state.failedRevision()
                        + " was rolled back; only retry applies");
            }
            case PROMOTING -> promoting(settings, state, seen);
            case PROGRESSING, PAUSED -> canary(settings, state, seen);
        };
    }

    /**
     * The stable Deployment rolls out the canary revision. A spec edited meanwhile does not reach the stable
     * Deployment unanalysed: the promotion finishes, then the newer revision starts as a canary in the same decision.
     * An abort before the stable Deployment finished rolls back: the stable Deployment returns to the stable
     * revision's template.
     */
    private static Decision promoting(Settings settings, State state, Observation seen) {
        String desired = seen.desiredRevision();
        if (!seen.stableRunsCanaryRevision()) {
            if (seen.action().equals(Optional.of(Action.ABORT))) {
                return rollBack(settings, state, "Aborted", "promotion aborted by a person");
            }
            return new Decision(state, 100, Optional.empty(), settings.checkInterval()).ignoring(seen.action(),
                    "revision " + state.canaryRevision() + " is being promoted; only abort applies");
        }
        State promoted = State.stable(state.canaryRevision());
        if (desired.equals(state.canaryRevision())) {
            return moved(settings, promoted, 0, "revision " + state.canaryRevision() + " promoted to stable")
                    .ignoring(seen.action(), "the promotion is done");
        }
        return start(settings, promoted, desired, seen.now(), "revision " + state.canaryRevision()
                + " promoted to stable; new revision " + desired).ignoring(seen.action(), "the promotion is done");
    }

    private static Decision canary(Settings settings, State persisted, Observation seen) {
        if (seen.action().equals(Optional.of(Action.RETRY))) {
            return canary(settings, persisted, seen.withoutAction())
                    .ignoring(seen.action(), "only promote and abort apply while a canary runs");
        }
        State state = withinSteps(settings, persisted);
        String desired = seen.desiredRevision();
        Optional<Action> action = seen.action();
        if (desired.equals(state.stableRevision())) {
            return moved(settings, State.stable(state.stableRevision()), 0, "canary " + state.canaryRevision()
                    + " dropped: the spec returned to the stable revision")
                    .ignoring(action, "the spec returned to the stable revision");
        }
        if (!desired.equals(state.canaryRevision())) {
            return start(settings, state, desired, seen.now(), "canary " + state.canaryRevision()
                    + " replaced by new revision " + desired).ignoring(action, "the spec moved to revision " + desired);
        }
        if (action.equals(Optional.of(Action.ABORT))) {
            return rollBack(settings, state, "Aborted", "rollout aborted by a person");
        }
        Optional<String> failure = seen.canary().flatMap(health -> immediateFailure(settings, health));
        if (failure.isPresent()) {
            return rollBack(settings, state, "RolledBack", failure.get())
                    .ignoring(action, "the canary was rolled back");
        }
        State checked = check(settings, state, seen);
        if (checked.failedChecks() >= settings.failureThreshold()) {
            Optional<String> analysis = seen.canary().flatMap(h -> h.analysis().failure())
                    .filter(m -> seen.canary().get().unreadyReplicas() == 0);
            return rollBack(settings, checked, "RolledBack", analysis
                    .map(m -> "canary failed its analysis for " + checked.failedChecks()
                            + " checks in a row: " + m)
                    .orElseGet(() -> "canary pods not ready for " + checked.failedChecks() + " checks in a row ("
                            + readiness(seen) + ")" + seen.canary().map(CanaryHealth::why).orElse("")))
                    .ignoring(action, "the canary was rolled back");
        }
        int weight = settings.steps().get(state.step()).weight();
        boolean promoted = action.equals(Optional.of(Action.PROMOTE));
        boolean held = state.phase() == Phase.PAUSED && HELD.equals(state.reason());
        if (action.equals(Optional.of(Action.PAUSE))) {
            if (held) {
                return new Decision(checked, weight, Optional.empty(), settings.checkInterval())
                        .ignoring(action, "the rollout is already paused");
            }
            State paused = withPhase(checked, Phase.PAUSED, HELD,
                    "step " + (state.step() + 1) + " at " + weight + "% paused by a person: resume or promote it");
            return new Decision(paused, weight, Optional.of(paused.message()), settings.checkInterval());
        }
        if (action.equals(Optional.of(Action.RESUME))) {
            if (!held) {
                return canary(settings, persisted, seen.withoutAction())
                        .ignoring(action, "the rollout is not paused by a person");
            }
            State resumed = new State(Phase.PROGRESSING, checked.stableRevision(), checked.canaryRevision(),
                    checked.step(), seen.now(), checked.failedChecks(), checked.lastCheckAt(), null, "Progressing",
                    "canary " + checked.canaryRevision() + " resumed at step " + (checked.step() + 1) + " of "
                            + settings.steps().size() + ", weight " + weight + "%");
            return new Decision(resumed, weight, Optional.of(resumed.message()), settings.checkInterval());
        }
        if (held && !promoted) {
            // Checked as ever (failures above still roll it back), but its step's pause does not end it.
            return new Decision(checked, weight, Optional.empty(), settings.checkInterval());
        }
        if (checked.failedChecks() > 0) {
            return new Decision(checked, weight, Optional.empty(), settings.checkInterval())
                    .ignoring(action, "the canary is failing its checks (" + readiness(seen)
                            + seen.canary().flatMap(h -> h.analysis().failure()).map(m -> "; " + m).orElse("") + ")");
        }
        boolean healthy = seen.canary().map(CanaryHealth::healthy).orElse(false);
        if (!healthy && !promoted) {
            // Still starting, or a webhook has not answered yet: neither a pass nor a failure. The progress deadline
            // bounds the first, a webhook's timeout the second.
            return new Decision(checked, weight, Optional.empty(), settings.checkInterval());
        }
        Step step = settings.steps().get(state.step());
        if (step.shadow() && !seen.stableMirrors() && !promoted && state.step() + 1 < settings.steps().size()) {
            // Nothing would be compared: waiting out the step would only delay the rollout.
            return advance(settings, state, seen, "shadow step skipped: the stable pods started before the shadow "
                    + "Service and cannot mirror (from the next rollout on they do); ");
        }
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
                    seen.now(), 0, null, null, "Promoting",
                    "promoting revision " + state.canaryRevision() + " to stable");
            return new Decision(promoting, 100, Optional.of(promoting.message()), settings.checkInterval());
        }
        return advance(settings, state, seen, "");
    }

    /** The canary goes to its next step; {@code why} starts the message. */
    private static Decision advance(Settings settings, State state, Observation seen, String why) {
        int nextStep = state.step() + 1;
        int nextWeight = settings.steps().get(nextStep).weight();
        State advanced = new State(Phase.PROGRESSING, state.stableRevision(), state.canaryRevision(), nextStep,
                seen.now(), 0, null, null, "Progressing",
                why + "canary " + state.canaryRevision() + " at step " + (nextStep + 1) + " of "
                        + settings.steps().size() + ", " + settings.steps().get(nextStep).traffic());
        return new Decision(advanced, nextWeight, Optional.of(advanced.message()), settings.checkInterval());
    }

    /** Failures that roll back at once, whatever the threshold: crash loops and a passed progress deadline. */
    private static Optional<String> immediateFailure(Settings settings, CanaryHealth health) {
        if (health.deadlineExceeded()) {
            return Optional.of("canary pods did not become ready within the progress deadline ("
                    + health.readyReplicas() + "/" + health.desiredReplicas() + " ready)" + health.why());
        }
        if (health.restarts() > settings.maxRestarts()) {
            return Optional.of("canary containers restarted " + health.restarts() + " times (limit "
                    + settings.maxRestarts() + ")" + health.why());
        }
        return Optional.empty();
    }

    /**
     * Counts a failed check (a started canary pod is not Ready) at most once per check interval; a healthy check
     * resets the count; a canary still starting leaves the state as it is. Only a failure persists its time, so a
     * healthy canary's state does not change from check to check.
     */
    private static State check(Settings settings, State state, Observation seen) {
        Optional<CanaryHealth> health = seen.canary();
        if (health.map(CanaryHealth::healthy).orElse(false)) {
            return state.failedChecks() == 0 && state.lastCheckAt() == null ? state : withChecks(state, 0, null);
        }
        if (!health.map(CanaryHealth::failing).orElse(false)) {
            return state;
        }
        boolean due = state.lastCheckAt() == null
                || !seen.now().isBefore(state.lastCheckAt().plus(settings.checkInterval()));
        return due ? withChecks(state, state.failedChecks() + 1, seen.now()) : state;
    }

    private static State withChecks(State state, int failedChecks, Instant lastCheckAt) {
        return new State(state.phase(), state.stableRevision(), state.canaryRevision(), state.step(),
                state.stepStartedAt(), failedChecks, lastCheckAt, state.failedRevision(), state.reason(),
                state.message());
    }

    private static String readiness(Observation seen) {
        return seen.canary().map(h -> h.readyReplicas() + "/" + h.desiredReplicas() + " ready, "
                + h.unreadyReplicas() + " started but not ready").orElse("no canary pods");
    }

    private static Decision start(Settings settings, State state, String revision, Instant now, String why) {
        int weight = settings.steps().get(0).weight();
        State started = new State(Phase.PROGRESSING, state.stableRevision(), revision, 0, now, 0, null, null,
                "Progressing", why + ": canary at step 1 of " + settings.steps().size() + ", "
                        + settings.steps().get(0).traffic());
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

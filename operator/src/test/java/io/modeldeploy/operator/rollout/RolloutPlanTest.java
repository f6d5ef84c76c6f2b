package io.modeldeploy.operator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.modeldeploy.operator.rollout.RolloutPlan.Action;
import io.modeldeploy.operator.rollout.RolloutPlan.CanaryHealth;
import io.modeldeploy.operator.rollout.RolloutPlan.Decision;
import io.modeldeploy.operator.rollout.RolloutPlan.Observation;
import io.modeldeploy.operator.rollout.RolloutPlan.Phase;
import io.modeldeploy.operator.rollout.RolloutPlan.Settings;
import io.modeldeploy.operator.rollout.RolloutPlan.State;
import io.modeldeploy.operator.rollout.RolloutPlan.Step;

class RolloutPlanTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final Settings THREE_STEPS = new Settings(List.of(
            new Step(10, Optional.of(Duration.ofSeconds(60))),
            new Step(50, Optional.of(Duration.ofSeconds(120))),
            new Step(100, Optional.of(Duration.ZERO))), Duration.ofSeconds(5), 3, 2);
    static final CanaryHealth HEALTHY = new CanaryHealth(1, 1, 0, false);
    static final CanaryHealth UNREADY = new CanaryHealth(0, 1, 0, false);

    @Test
    void aSingleManualStepFollowsItsEditedWeightUntilPromoted() {
        Settings at30 = new Settings(List.of(new Step(30, Optional.empty())), Duration.ofSeconds(5), 3, 2);
        Settings at60 = new Settings(List.of(new Step(60, Optional.empty())), Duration.ofSeconds(5), 3, 2);
        State started = RolloutPlan.next(at30, State.stable("v1"), seen("v2", Optional.empty(), 0)).state();
        Decision paused = RolloutPlan.next(at30, started, seen("v2", Optional.of(HEALTHY), 5));
        assertThat(paused.state().phase()).isEqualTo(Phase.PAUSED);
        assertThat(paused.canaryWeight()).isEqualTo(30);

        Decision edited = RolloutPlan.next(at60, paused.state(), seen("v2", Optional.of(HEALTHY), 10));
        assertThat(edited.state().phase()).isEqualTo(Phase.PAUSED);
        assertThat(edited.state().step()).isZero();
        assertThat(edited.canaryWeight()).isEqualTo(60);

        Decision promoted = RolloutPlan.next(at60, edited.state(),
                new Observation("v2", Optional.of(HEALTHY), false, Optional.of(Action.PROMOTE), T0.plusSeconds(15)));
        assertThat(promoted.state().phase()).isEqualTo(Phase.PROMOTING);
    }

    @Test
    void stepsShortenedWhileACanaryRunsContinueAtTheNewLastStep() {
        State s = RolloutPlan.next(THREE_STEPS, State.stable("v1"), seen("v2", Optional.empty(), 0)).state();
        s = RolloutPlan.next(THREE_STEPS, s, seen("v2", Optional.of(HEALTHY), 60)).state();
        s = RolloutPlan.next(THREE_STEPS, s, seen("v2", Optional.of(HEALTHY), 180)).state();
        assertThat(s.step()).isEqualTo(2);

        Settings oneStep = new Settings(List.of(new Step(40, Optional.empty())), Duration.ofSeconds(5), 3, 2);
        Decision d = RolloutPlan.next(oneStep, s, seen("v2", Optional.of(HEALTHY), 185));

        assertThat(d.state().step()).isZero();
        assertThat(d.state().phase()).isEqualTo(Phase.PAUSED);
        assertThat(d.canaryWeight()).isEqualTo(40);
    }

    @Test
    void aStableRevisionStaysStable() {
        Decision d = RolloutPlan.next(THREE_STEPS, State.stable("v1"), seen("v1", Optional.empty(), 0));
        assertThat(d.state().phase()).isEqualTo(Phase.STABLE);
        assertThat(d.canaryWeight()).isZero();
        assertThat(d.transition()).isEmpty();
    }

    @Test
    void aNewRevisionStartsACanaryAtTheFirstStep() {
        Decision d = RolloutPlan.next(THREE_STEPS, State.stable("v1"), seen("v2", Optional.empty(), 0));
        assertThat(d.state().phase()).isEqualTo(Phase.PROGRESSING);
        assertThat(d.state().canaryRevision()).isEqualTo("v2");
        assertThat(d.state().step()).isZero();
        assertThat(d.state().stepStartedAt()).isEqualTo(T0);
        assertThat(d.canaryWeight()).isEqualTo(10);
        assertThat(d.transition()).hasValue("new revision v2: canary at step 1 of 3, weight 10%");
    }

    @Test
    void aHealthyCanaryWalksTheStepsThenIsPromotedAndBecomesStable() {
        State s = RolloutPlan.next(THREE_STEPS, State.stable("v1"), seen("v2", Optional.empty(), 0)).state();

        Decision waiting = RolloutPlan.next(THREE_STEPS, s, seen("v2", Optional.of(HEALTHY), 30));
        assertThat(waiting.state().step()).as("the 60 s pause is not over").isZero();
        assertThat(waiting.canaryWeight()).isEqualTo(10);

        Decision fifty = RolloutPlan.next(THREE_STEPS, waiting.state(), seen("v2", Optional.of(HEALTHY), 60));
        assertThat(fifty.state().step()).isEqualTo(1);
        assertThat(fifty.canaryWeight()).isEqualTo(50);
        assertThat(fifty.state().stepStartedAt()).isEqualTo(T0.plusSeconds(60));

        Decision hundred = RolloutPlan.next(THREE_STEPS, fifty.state(), seen("v2", Optional.of(HEALTHY), 180));
        assertThat(hundred.state().step()).isEqualTo(2);
        assertThat(hundred.canaryWeight()).isEqualTo(100);

        Decision promoting = RolloutPlan.next(THREE_STEPS, hundred.state(), seen("v2", Optional.of(HEALTHY), 181));
        assertThat(promoting.state().phase()).isEqualTo(Phase.PROMOTING);
        assertThat(promoting.canaryWeight()).isEqualTo(100);

        Decision stillPromoting = RolloutPlan.next(THREE_STEPS, promoting.state(),
                new Observation("v2", Optional.of(HEALTHY), false, Optional.empty(), T0.plusSeconds(185)));
        assertThat(stillPromoting.state().phase()).isEqualTo(Phase.PROMOTING);

        Decision done = RolloutPlan.next(THREE_STEPS, promoting.state(),
                new Observation("v2", Optional.of(HEALTHY), true, Optional.empty(), T0.plusSeconds(190)));
        assertThat(done.state()).isEqualTo(State.stable("v2"));
        assertThat(done.transition()).hasValue("revision v2 promoted to stable");
    }

    @Test
    void aCanaryThatNeverBecomesReadyIsRolledBackAfterThresholdChecks() {
        State s = RolloutPlan.next(THREE_STEPS, State.stable("v1"), seen("v2", Optional.empty(), 0)).state();

        Decision first = RolloutPlan.next(THREE_STEPS, s, seen("v2", Optional.of(UNREADY), 1));
        Decision sameInterval = RolloutPlan.next(THREE_STEPS, first.state(), seen("v2", Optional.of(UNREADY), 3));
        assertThat(sameInterval.state().failedChecks()).as("one failed check per interval").isEqualTo(1);
        Decision second = RolloutPlan.next(THREE_STEPS, sameInterval.state(), seen("v2", Optional.of(UNREADY), 6));
        assertThat(second.state().phase()).isEqualTo(Phase.PROGRESSING);
        Decision third = RolloutPlan.next(THREE_STEPS, second.state(), seen("v2", Optional.of(UNREADY), 11));

        assertThat(third.state().phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(third.canaryWeight()).isZero();
        assertThat(third.state().failedRevision()).isEqualTo("v2");
        assertThat(third.state().stableRevision()).isEqualTo("v1");
        assertThat(third.state().reason()).isEqualTo("RolledBack");
        assertThat(third.transition()).hasValue("revision v2 rolled back: canary pods not ready for 3 checks in a row"
                + " (0/1 ready); revision v1 serves all traffic");
    }

    @Test
    void aHealthyCheckResetsTheFailureCount() {
        State s = RolloutPlan.next(THREE_STEPS, State.stable("v1"), seen("v2", Optional.empty(), 0)).state();
        State failing = RolloutPlan.next(THREE_STEPS, s, seen("v2", Optional.of(UNREADY), 1)).state();
        failing = RolloutPlan.next(THREE_STEPS, failing, seen("v2", Optional.of(UNREADY), 6)).state();
        State healed = RolloutPlan.next(THREE_STEPS, failing, seen("v2", Optional.of(HEALTHY), 11)).state();
        assertThat(healed.failedChecks()).isZero();
        assertThat(healed.phase()).isEqualTo(Phase.PROGRESSING);
    }

    @Test
    void aCanaryThatFailsAfterReachingFiftyPercentIsRolledBack() {
        State s = RolloutPlan.next(THREE_STEPS, State.stable("v1"), seen("v2", Optional.empty(), 0)).state();
        State fifty = RolloutPlan.next(THREE_STEPS, s, seen("v2", Optional.of(HEALTHY), 60)).state();
        assertThat(fifty.step()).isEqualTo(1);

        State next = fifty;
        for (int t = 65; t <= 75; t += 5) {
            next = RolloutPlan.next(THREE_STEPS, next, seen("v2", Optional.of(UNREADY), t)).state();
        }
        assertThat(next.phase()).isEqualTo(Phase.ROLLED_BACK);
    }

    @Test
    void crashLoopsAndAPassedDeadlineRollBackAtOnce() {
        State s = RolloutPlan.next(THREE_STEPS, State.stable("v1"), seen("v2", Optional.empty(), 0)).state();

        Decision restarts = RolloutPlan.next(THREE_STEPS, s, seen("v2", Optional.of(new CanaryHealth(1, 1, 3, false)), 1));
        assertThat(restarts.state().phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(restarts.state().message()).contains("canary containers restarted 3 times (limit 2)");

        Decision deadline = RolloutPlan.next(THREE_STEPS, s, seen("v2", Optional.of(new CanaryHealth(0, 1, 0, true)), 1));
        assertThat(deadline.state().message()).contains("canary Deployment passed its progress deadline");
    }

    @Test
    void aRolledBackRevisionIsNotRetriedUntilTheSpecChangesOrARetryIsAsked() {
        State rolledBack = rolledBackV2();

        Decision again = RolloutPlan.next(THREE_STEPS, rolledBack, seen("v2", Optional.empty(), 100));
        assertThat(again.state()).isEqualTo(rolledBack);
        assertThat(again.canaryWeight()).isZero();

        Decision v3 = RolloutPlan.next(THREE_STEPS, rolledBack, seen("v3", Optional.empty(), 100));
        assertThat(v3.state().phase()).isEqualTo(Phase.PROGRESSING);
        assertThat(v3.state().canaryRevision()).isEqualTo("v3");

        Decision retry = RolloutPlan.next(THREE_STEPS, rolledBack,
                new Observation("v2", Optional.empty(), false, Optional.of(Action.RETRY), T0.plusSeconds(100)));
        assertThat(retry.state().phase()).isEqualTo(Phase.PROGRESSING);
        assertThat(retry.transition()).hasValueSatisfying(t -> assertThat(t).startsWith("retry of revision v2"));

        Decision back = RolloutPlan.next(THREE_STEPS, rolledBack, seen("v1", Optional.empty(), 100));
        assertThat(back.state()).isEqualTo(State.stable("v1"));
    }

    @Test
    void aStepWithoutPauseWaitsForAPromote() {
        Settings manual = new Settings(List.of(new Step(20, Optional.empty()), new Step(100, Optional.of(Duration.ZERO))),
                Duration.ofSeconds(5), 3, 2);
        State s = RolloutPlan.next(manual, State.stable("v1"), seen("v2", Optional.empty(), 0)).state();

        Decision paused = RolloutPlan.next(manual, s, seen("v2", Optional.of(HEALTHY), 3600));
        assertThat(paused.state().phase()).isEqualTo(Phase.PAUSED);
        assertThat(paused.canaryWeight()).isEqualTo(20);
        assertThat(paused.transition()).hasValue("step 1 at 20% waits for a promote");
        assertThat(RolloutPlan.next(manual, paused.state(), seen("v2", Optional.of(HEALTHY), 7200)).transition())
                .as("no repeated event while paused").isEmpty();

        Decision promoted = RolloutPlan.next(manual, paused.state(),
                new Observation("v2", Optional.of(HEALTHY), false, Optional.of(Action.PROMOTE), T0.plusSeconds(7201)));
        assertThat(promoted.state().phase()).isEqualTo(Phase.PROGRESSING);
        assertThat(promoted.state().step()).isEqualTo(1);
        assertThat(promoted.canaryWeight()).isEqualTo(100);
    }

    @Test
    void anAbortRollsBackAndSaysWho() {
        State s = RolloutPlan.next(THREE_STEPS, State.stable("v1"), seen("v2", Optional.empty(), 0)).state();
        Decision aborted = RolloutPlan.next(THREE_STEPS, s,
                new Observation("v2", Optional.of(HEALTHY), false, Optional.of(Action.ABORT), T0.plusSeconds(5)));
        assertThat(aborted.state().phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(aborted.state().reason()).isEqualTo("Aborted");
        assertThat(aborted.state().message()).contains("rollout aborted by a person");
    }

    @Test
    void aNewRevisionDuringACanaryRestartsAtStepOneAndReturningToStableDropsIt() {
        State s = RolloutPlan.next(THREE_STEPS, State.stable("v1"), seen("v2", Optional.empty(), 0)).state();
        State fifty = RolloutPlan.next(THREE_STEPS, s, seen("v2", Optional.of(HEALTHY), 60)).state();

        Decision v3 = RolloutPlan.next(THREE_STEPS, fifty, seen("v3", Optional.of(HEALTHY), 70));
        assertThat(v3.state().canaryRevision()).isEqualTo("v3");
        assertThat(v3.state().step()).isZero();
        assertThat(v3.canaryWeight()).isEqualTo(10);

        Decision back = RolloutPlan.next(THREE_STEPS, fifty, seen("v1", Optional.of(HEALTHY), 70));
        assertThat(back.state()).isEqualTo(State.stable("v1"));
        assertThat(back.canaryWeight()).isZero();
    }

    @Test
    void resumingFromPersistedStateNeitherSkipsNorRepeatsAStep() {
        State s = RolloutPlan.next(THREE_STEPS, State.stable("v1"), seen("v2", Optional.empty(), 0)).state();
        State fifty = RolloutPlan.next(THREE_STEPS, s, seen("v2", Optional.of(HEALTHY), 60)).state();
        // The operator restarts: the same state comes back from status; the same observation gives the same step.
        State copy = new State(fifty.phase(), fifty.stableRevision(), fifty.canaryRevision(), fifty.step(),
                fifty.stepStartedAt(), fifty.failedChecks(), fifty.lastCheckAt(), fifty.failedRevision(),
                fifty.reason(), fifty.message());
        Decision resumed = RolloutPlan.next(THREE_STEPS, copy, seen("v2", Optional.of(HEALTHY), 100));
        assertThat(resumed.state().step()).isEqualTo(1);
        assertThat(resumed.canaryWeight()).isEqualTo(50);
        assertThat(resumed.recheckAfter()).isEqualTo(Duration.ofSeconds(5));
    }

    private static State rolledBackV2() {
        State s = RolloutPlan.next(THREE_STEPS, State.stable("v1"), seen("v2", Optional.empty(), 0)).state();
        return RolloutPlan.next(THREE_STEPS, s, new Observation("v2", Optional.of(HEALTHY), false,
                Optional.of(Action.ABORT), T0.plusSeconds(1))).state();
    }

    private static Observation seen(String revision, Optional<CanaryHealth> canary, int seconds) {
        return new Observation(revision, canary, false, Optional.empty(), T0.plusSeconds(seconds));
    }
}

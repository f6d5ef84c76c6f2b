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
    static final CanaryHealth HEALTHY = new CanaryHealth(1, 0, 1, 0, false);
    /** Its pod started (loaded the model) but is not Ready. */
    static final CanaryHealth UNREADY = new CanaryHealth(0, 1, 1, 0, false);
    /** Its pod has not started yet: pulling the image, starting the JVM, loading the model. */
    static final CanaryHealth STARTING = new CanaryHealth(0, 0, 1, 0, false);

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
                + " (0/1 ready, 1 started but not ready); revision v1 serves all traffic");
    }

    @Test
    void aReadyCanaryWhoseMetricsFailIsHeldAtItsStepAndRolledBackWithTheFigures() {
        String why = "the canary answered 12% of 400 requests with a 5xx status (at most 1%)";
        var failing = Optional.of(new CanaryHealth(1, 0, 1, 0, false, Optional.empty(),
                RolloutPlan.Analysis.failed(why)));
        State s = RolloutPlan.next(THREE_STEPS, State.stable("v1"), seen("v2", Optional.empty(), 0)).state();
        Decision first = RolloutPlan.next(THREE_STEPS, s, seen("v2", failing, 61));
        assertThat(first.state().step()).as("held at its step past the pause").isZero();
        assertThat(first.state().failedChecks()).isEqualTo(1);

        Decision recovered = RolloutPlan.next(THREE_STEPS, first.state(), seen("v2", Optional.of(HEALTHY), 66));
        assertThat(recovered.state().failedChecks()).as("a passing check resets the count").isZero();
        assertThat(recovered.state().step()).isEqualTo(1);

        s = RolloutPlan.next(THREE_STEPS, recovered.state(), seen("v2", failing, 71)).state();
        s = RolloutPlan.next(THREE_STEPS, s, seen("v2", failing, 76)).state();
        Decision third = RolloutPlan.next(THREE_STEPS, s, seen("v2", failing, 81));
        assertThat(third.state().phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(third.canaryWeight()).isZero();
        assertThat(third.state().message()).isEqualTo("revision v2 rolled back: canary failed its analysis "
                + "for 3 checks in a row: " + why + "; revision v1 serves all traffic");
    }

    @Test
    void aStepDoesNotEndBeforeTheWebhooksAnsweredOnce() {
        var waiting = Optional.of(new CanaryHealth(1, 0, 1, 0, false, Optional.empty(),
                new RolloutPlan.Analysis(Optional.empty(), true)));
        State s = RolloutPlan.next(THREE_STEPS, State.stable("v1"), seen("v2", Optional.empty(), 0)).state();

        Decision pending = RolloutPlan.next(THREE_STEPS, s, seen("v2", waiting, 61));
        assertThat(pending.state().step()).as("past its pause, held").isZero();
        assertThat(pending.state().failedChecks()).as("not a failure either").isZero();

        Decision answered = RolloutPlan.next(THREE_STEPS, pending.state(), seen("v2", Optional.of(HEALTHY), 62));
        assertThat(answered.state().step()).isEqualTo(1);
    }

    @Test
    void aRollbackSaysWhatIsWrongWithTheCanaryPodWhenThePodSaysIt() {
        var refused = Optional.of(new CanaryHealth(0, 1, 1, 1, false, Optional.of("pod iris-canary-x could not load "
                + "the model: acceptance failed: the model's accuracy 0.333 < 0.950 on 150 reference rows"),
                RolloutPlan.Analysis.NONE));
        State s = RolloutPlan.next(THREE_STEPS, State.stable("v1"), seen("v2", Optional.empty(), 0)).state();
        s = RolloutPlan.next(THREE_STEPS, s, seen("v2", refused, 1)).state();
        s = RolloutPlan.next(THREE_STEPS, s, seen("v2", refused, 6)).state();
        Decision third = RolloutPlan.next(THREE_STEPS, s, seen("v2", refused, 11));

        assertThat(third.state().phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(third.state().message()).isEqualTo("revision v2 rolled back: canary pods not ready for 3 checks in "
                + "a row (0/1 ready, 1 started but not ready): pod iris-canary-x could not load the model: acceptance "
                + "failed: the model's accuracy 0.333 < 0.950 on 150 reference rows; revision v1 serves all traffic");
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

        Decision restarts = RolloutPlan.next(THREE_STEPS, s, seen("v2", Optional.of(new CanaryHealth(1, 0, 1, 3, false)), 1));
        assertThat(restarts.state().phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(restarts.state().message()).contains("canary containers restarted 3 times (limit 2)");

        Decision deadline = RolloutPlan.next(THREE_STEPS, s, seen("v2", Optional.of(new CanaryHealth(0, 0, 1, 0, true)), 1));
        assertThat(deadline.state().message())
                .contains("canary pods did not become ready within the progress deadline (0/1 ready)");
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
    void aPausedCanaryStaysAtItsStepPastItsPauseUntilResumedWhichRestartsTheStep() {
        State s = RolloutPlan.next(THREE_STEPS, State.stable("v1"), seen("v2", Optional.empty(), 0)).state();
        Decision held = RolloutPlan.next(THREE_STEPS, s,
                new Observation("v2", Optional.of(HEALTHY), false, Optional.of(Action.PAUSE), T0.plusSeconds(10)));
        assertThat(held.state().phase()).isEqualTo(Phase.PAUSED);
        assertThat(held.state().reason()).isEqualTo("Held");
        assertThat(held.transition()).hasValue("step 1 at 10% paused by a person: resume or promote it");
        assertThat(held.canaryWeight()).isEqualTo(10);

        Decision later = RolloutPlan.next(THREE_STEPS, held.state(), seen("v2", Optional.of(HEALTHY), 3600));
        assertThat(later.state()).as("the step's 60 s pause is long over, and nothing moves").isEqualTo(held.state());
        assertThat(later.transition()).isEmpty();
        assertThat(RolloutPlan.next(THREE_STEPS, held.state(), seen("v2", Optional.of(UNREADY), 3600)).state()
                .failedChecks()).as("a held canary is still checked").isEqualTo(1);
        assertThat(RolloutPlan.next(THREE_STEPS, held.state(), new Observation("v2", Optional.of(HEALTHY), false,
                Optional.of(Action.PAUSE), T0.plusSeconds(3601))).ignoredAction())
                .hasValue("pause ignored: the rollout is already paused");

        Decision resumed = RolloutPlan.next(THREE_STEPS, held.state(), new Observation("v2", Optional.of(HEALTHY),
                false, Optional.of(Action.RESUME), T0.plusSeconds(3700)));
        assertThat(resumed.state().phase()).isEqualTo(Phase.PROGRESSING);
        assertThat(resumed.state().step()).isZero();
        assertThat(resumed.state().stepStartedAt()).isEqualTo(T0.plusSeconds(3700));
        assertThat(resumed.transition()).hasValue("canary v2 resumed at step 1 of 3, weight 10%");
        assertThat(RolloutPlan.next(THREE_STEPS, resumed.state(), seen("v2", Optional.of(HEALTHY), 3759)).state()
                .step()).as("the step's pause counts from the resume").isZero();
        assertThat(RolloutPlan.next(THREE_STEPS, resumed.state(), seen("v2", Optional.of(HEALTHY), 3760)).state()
                .step()).isEqualTo(1);
    }

    @Test
    void aResumeOfARolloutThatIsNotPausedSaysSoAndAPromoteMovesAHeldCanaryOn() {
        State s = RolloutPlan.next(THREE_STEPS, State.stable("v1"), seen("v2", Optional.empty(), 0)).state();
        assertThat(RolloutPlan.next(THREE_STEPS, s, new Observation("v2", Optional.of(HEALTHY), false,
                Optional.of(Action.RESUME), T0.plusSeconds(5))).ignoredAction())
                .hasValue("resume ignored: the rollout is not paused by a person");
        State held = RolloutPlan.next(THREE_STEPS, s, new Observation("v2", Optional.of(HEALTHY), false,
                Optional.of(Action.PAUSE), T0.plusSeconds(5))).state();
        Decision promoted = RolloutPlan.next(THREE_STEPS, held, new Observation("v2", Optional.of(HEALTHY), false,
                Optional.of(Action.PROMOTE), T0.plusSeconds(6)));
        assertThat(promoted.state().phase()).isEqualTo(Phase.PROGRESSING);
        assertThat(promoted.state().step()).isEqualTo(1);
        assertThat(act(State.stable("v1"), "v1", Action.PAUSE).ignoredAction())
                .hasValue("pause ignored: no canary is running");
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

    @Test
    void aCanaryStillStartingIsNeitherFailedNorAdvancedUntilItsProgressDeadline() {
        State s = RolloutPlan.next(THREE_STEPS, State.stable("v1"), seen("v2", Optional.empty(), 0)).state();
        for (int t = 1; t <= 90; t += 5) {
            Decision d = RolloutPlan.next(THREE_STEPS, s, seen("v2", Optional.of(STARTING), t));
            assertThat(d.state().phase()).as("at %d s", t).isEqualTo(Phase.PROGRESSING);
            assertThat(d.state().step()).as("the 60 s pause counts, but a canary not yet ready does not advance")
                    .isZero();
            assertThat(d.state().failedChecks()).isZero();
            s = d.state();
        }
        Decision started = RolloutPlan.next(THREE_STEPS, s, seen("v2", Optional.of(HEALTHY), 95));
        assertThat(started.state().step()).as("ready, and its first pause is over").isEqualTo(1);

        Decision tooSlow = RolloutPlan.next(THREE_STEPS, s,
                seen("v2", Optional.of(new CanaryHealth(0, 0, 1, 0, true)), 95));
        assertThat(tooSlow.state().phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(tooSlow.state().message()).contains("did not become ready within the progress deadline");
    }

    @Test
    void podsAddedAtALaterStepMayStartWithoutFailingTheCanary() {
        State s = RolloutPlan.next(THREE_STEPS, State.stable("v1"), seen("v2", Optional.empty(), 0)).state();
        State fifty = RolloutPlan.next(THREE_STEPS, s, seen("v2", Optional.of(HEALTHY), 60)).state();
        CanaryHealth scalingUp = new CanaryHealth(1, 0, 3, 0, false);
        for (int t = 65; t <= 100; t += 5) {
            fifty = RolloutPlan.next(THREE_STEPS, fifty, seen("v2", Optional.of(scalingUp), t)).state();
        }
        assertThat(fifty.phase()).isEqualTo(Phase.PROGRESSING);
        assertThat(fifty.failedChecks()).isZero();
    }

    @Test
    void aHealthyCanaryChangesNothingPersistedFromCheckToCheck() {
        State s = RolloutPlan.next(THREE_STEPS, State.stable("v1"), seen("v2", Optional.empty(), 0)).state();
        State first = RolloutPlan.next(THREE_STEPS, s, seen("v2", Optional.of(HEALTHY), 5)).state();
        for (int t = 10; t < 60; t += 5) {
            assertThat(RolloutPlan.next(THREE_STEPS, first, seen("v2", Optional.of(HEALTHY), t)).state())
                    .as("state at %d s: no status write for a healthy check", t).isEqualTo(first);
        }
        Settings manual = new Settings(List.of(new Step(20, Optional.empty())), Duration.ofSeconds(5), 3, 2);
        State paused = RolloutPlan.next(manual, State.stable("v1"), seen("v2", Optional.empty(), 0)).state();
        paused = RolloutPlan.next(manual, paused, seen("v2", Optional.of(HEALTHY), 5)).state();
        assertThat(RolloutPlan.next(manual, paused, seen("v2", Optional.of(HEALTHY), 3600)).state()).isEqualTo(paused);
    }

    @Test
    void aFailedCheckIsPersistedAndAHealthyOneClearsIt() {
        State s = RolloutPlan.next(THREE_STEPS, State.stable("v1"), seen("v2", Optional.empty(), 0)).state();
        State failing = RolloutPlan.next(THREE_STEPS, s, seen("v2", Optional.of(UNREADY), 5)).state();
        assertThat(failing.failedChecks()).isEqualTo(1);
        assertThat(failing.lastCheckAt()).isEqualTo(T0.plusSeconds(5));
        State healed = RolloutPlan.next(THREE_STEPS, failing, seen("v2", Optional.of(HEALTHY), 10)).state();
        assertThat(healed.failedChecks()).isZero();
        assertThat(healed.lastCheckAt()).isNull();
    }

    @Test
    void aSpecEditedDuringAPromotionWaitsForThePromotionThenStartsAsACanary() {
        State promoting = promotingV2();

        Decision stillPromoting = RolloutPlan.next(THREE_STEPS, promoting, seen("v3", Optional.empty(), 200));
        assertThat(stillPromoting.state()).as("v2 is still what is promoted").isEqualTo(promoting);
        assertThat(stillPromoting.canaryWeight()).isEqualTo(100);

        Decision next = RolloutPlan.next(THREE_STEPS, promoting,
                new Observation("v3", Optional.empty(), true, Optional.empty(), T0.plusSeconds(210)));
        assertThat(next.state().phase()).isEqualTo(Phase.PROGRESSING);
        assertThat(next.state().stableRevision()).isEqualTo("v2");
        assertThat(next.state().canaryRevision()).isEqualTo("v3");
        assertThat(next.state().step()).isZero();
        assertThat(next.transition()).hasValueSatisfying(t -> assertThat(t)
                .startsWith("revision v2 promoted to stable; new revision v3"));
    }

    @Test
    void anActionThatDoesNotApplySaysWhy() {
        assertThat(act(State.stable("v1"), "v1", Action.PROMOTE).ignoredAction())
                .hasValue("promote ignored: no canary is running");
        assertThat(act(promotingV2(), "v2", Action.PROMOTE).ignoredAction())
                .hasValue("promote ignored: revision v2 is being promoted; only abort applies");
        State s = RolloutPlan.next(THREE_STEPS, State.stable("v1"), seen("v2", Optional.empty(), 0)).state();
        assertThat(act(s, "v2", Action.RETRY).ignoredAction())
                .hasValue("retry ignored: only promote and abort apply while a canary runs");
        State failing = RolloutPlan.next(THREE_STEPS, s, seen("v2", Optional.of(UNREADY), 1)).state();
        Decision promoteFailing = RolloutPlan.next(THREE_STEPS, failing, new Observation("v2", Optional.of(UNREADY),
                false, Optional.of(Action.PROMOTE), T0.plusSeconds(2)));
        assertThat(promoteFailing.state().step()).isZero();
        assertThat(promoteFailing.ignoredAction()).hasValueSatisfying(why -> assertThat(why)
                .startsWith("promote ignored: the canary is failing its checks"));
        assertThat(act(rolledBackV2(), "v2", Action.PROMOTE).ignoredAction()).hasValueSatisfying(why ->
                assertThat(why).isEqualTo("promote ignored: revision v2 was rolled back; only retry applies"));

        assertThat(act(s, "v2", Action.PROMOTE).ignoredAction()).as("applied").isEmpty();
        assertThat(act(rolledBackV2(), "v2", Action.RETRY).ignoredAction()).as("applied").isEmpty();
    }

    @Test
    void anAbortDuringAPromotionRollsBackUntilTheStableDeploymentRunsThePromotedRevision() {
        Decision aborted = RolloutPlan.next(THREE_STEPS, promotingV2(), new Observation("v2", Optional.of(HEALTHY),
                false, Optional.of(Action.ABORT), T0.plusSeconds(200)));
        assertThat(aborted.state().phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(aborted.state().stableRevision()).isEqualTo("v1");
        assertThat(aborted.state().failedRevision()).isEqualTo("v2");
        assertThat(aborted.state().message()).contains("promotion aborted by a person");
        assertThat(aborted.ignoredAction()).isEmpty();

        Decision tooLate = RolloutPlan.next(THREE_STEPS, promotingV2(), new Observation("v2", Optional.of(HEALTHY),
                true, Optional.of(Action.ABORT), T0.plusSeconds(200)));
        assertThat(tooLate.state()).isEqualTo(State.stable("v2"));
        assertThat(tooLate.ignoredAction()).hasValue("abort ignored: the promotion is done");
    }

    @Test
    void aPromoteOfACanaryStillStartingIsApplied() {
        State s = RolloutPlan.next(THREE_STEPS, State.stable("v1"), seen("v2", Optional.empty(), 0)).state();
        Decision promoted = RolloutPlan.next(THREE_STEPS, s, new Observation("v2", Optional.of(STARTING), false,
                Optional.of(Action.PROMOTE), T0.plusSeconds(2)));
        assertThat(promoted.state().step()).isEqualTo(1);
        assertThat(promoted.ignoredAction()).isEmpty();
    }

    private static Decision act(State state, String desired, Action action) {
        return RolloutPlan.next(THREE_STEPS, state, new Observation(desired, Optional.of(HEALTHY), false,
                Optional.of(action), T0.plusSeconds(500)));
    }

    private static State promotingV2() {
        State s = RolloutPlan.next(THREE_STEPS, State.stable("v1"), seen("v2", Optional.empty(), 0)).state();
        s = RolloutPlan.next(THREE_STEPS, s, seen("v2", Optional.of(HEALTHY), 60)).state();
        s = RolloutPlan.next(THREE_STEPS, s, seen("v2", Optional.of(HEALTHY), 180)).state();
        s = RolloutPlan.next(THREE_STEPS, s, seen("v2", Optional.of(HEALTHY), 181)).state();
        assertThat(s.phase()).isEqualTo(Phase.PROMOTING);
        return s;
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

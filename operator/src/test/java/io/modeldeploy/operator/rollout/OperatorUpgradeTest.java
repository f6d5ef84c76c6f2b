package io.modeldeploy.operator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.modeldeploy.api.v1alpha1.TemplateStatus;

class OperatorUpgradeTest {
    static final Optional<TemplateStatus> CHOSEN_AT_3 = Optional.of(new TemplateStatus(3L, "r1", null, null));

    @Test
    void aNewModelDeploymentServesItsSpecsRevision() {
        var d = OperatorUpgrade.decide(1, "r1", Optional.empty(), Optional.empty(), Optional.empty());
        assertThat(d.revision()).isEqualTo("r1");
        assertThat(d.held()).isFalse();
        assertThat(d.template()).isEqualTo(new TemplateStatus(1L, "r1", null, null));
    }

    @Test
    void aRevisionOnlyTheOperatorChangedIsHeld() {
        var d = OperatorUpgrade.decide(3, "r2", CHOSEN_AT_3, Optional.empty(), Optional.empty());
        assertThat(d.revision()).isEqualTo("r1");
        assertThat(d.held()).isTrue();
        assertThat(d.template()).isEqualTo(new TemplateStatus(3L, "r1", "r2", null));
    }

    @Test
    void aSpecChangeRollsOutWithTheOperatorsCurrentDefaults() {
        var d = OperatorUpgrade.decide(4, "r3", Optional.of(new TemplateStatus(3L, "r1", "r2", null)),
                Optional.empty(), Optional.empty());
        assertThat(d.revision()).isEqualTo("r3");
        assertThat(d.held()).isFalse();
    }

    @Test
    void aNewAnnotationValueOptsInOnceAndIsRemembered() {
        var optedIn = OperatorUpgrade.decide(3, "r2", Optional.of(new TemplateStatus(3L, "r1", "r2", null)),
                Optional.empty(), Optional.of("2026-12"));
        assertThat(optedIn.revision()).isEqualTo("r2");
        assertThat(optedIn.template()).isEqualTo(new TemplateStatus(3L, "r2", null, "2026-12"));

        var nextUpgrade = OperatorUpgrade.decide(3, "r9", Optional.of(optedIn.template()), Optional.empty(),
                Optional.of("2026-12"));
        assertThat(nextUpgrade.revision()).as("the same value does not opt in again").isEqualTo("r2");
        assertThat(nextUpgrade.held()).isTrue();
    }

    @Test
    void aModelDeploymentFromAnOperatorWithoutTemplateStatusIsHeldToWhatItRan() {
        var d = OperatorUpgrade.decide(5, "r2", Optional.empty(), Optional.of(new TemplateStatus(5L, "r1", null, null)),
                Optional.empty());
        assertThat(d.revision()).isEqualTo("r1");
        assertThat(d.template().heldRevision()).isEqualTo("r2");

        var editedMeanwhile = OperatorUpgrade.decide(6, "r2", Optional.empty(),
                Optional.of(new TemplateStatus(5L, "r1", null, null)), Optional.empty());
        assertThat(editedMeanwhile.revision()).isEqualTo("r2");
    }
}

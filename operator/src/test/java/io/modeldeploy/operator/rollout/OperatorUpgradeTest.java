package io.modeldeploy.operator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.modeldeploy.api.v1alpha1.ModelDeploymentStatus;
import io.modeldeploy.api.v1alpha1.RolloutStatus;
import io.modeldeploy.api.v1alpha1.TemplateStatus;

class OperatorUpgradeTest {
    static final Optional<TemplateStatus> CHOSEN = Optional.of(new TemplateStatus("in1", "r1", null, null));

    @Test
    void aNewModelDeploymentServesItsSpecsRevision() {
        var d = OperatorUpgrade.decide("in1", "r1", Optional.empty(), Optional.empty());
        assertThat(d.revision()).isEqualTo("r1");
        assertThat(d.held()).isFalse();
        assertThat(d.template()).isEqualTo(new TemplateStatus("in1", "r1", null, null));
    }

    @Test
    void aRevisionOnlyTheOperatorChangedIsHeld() {
        var d = OperatorUpgrade.decide("in1", "r2", CHOSEN, Optional.empty());
        assertThat(d.revision()).isEqualTo("r1");
        assertThat(d.held()).isTrue();
        assertThat(d.template()).isEqualTo(new TemplateStatus("in1", "r1", "r2", null));
    }

    @Test
    void aChangeOfTheTemplateInputsRollsOutWithTheOperatorsCurrentDefaults() {
        var d = OperatorUpgrade.decide("in2", "r3", Optional.of(new TemplateStatus("in1", "r1", "r2", null)),
                Optional.empty());
        assertThat(d.revision()).isEqualTo("r3");
        assertThat(d.held()).isFalse();
    }

    @Test
    void aNewAnnotationValueOptsInOnceAndIsRemembered() {
        var optedIn = OperatorUpgrade.decide("in1", "r2", Optional.of(new TemplateStatus("in1", "r1", "r2", null)),
                Optional.of("2026-12"));
        assertThat(optedIn.revision()).isEqualTo("r2");
        assertThat(optedIn.template()).isEqualTo(new TemplateStatus("in1", "r2", null, "2026-12"));

        var nextUpgrade = OperatorUpgrade.decide("in1", "r9", Optional.of(optedIn.template()), Optional.of("2026-12"));
        assertThat(nextUpgrade.revision()).as("the same value does not opt in again").isEqualTo("r2");
        assertThat(nextUpgrade.held()).isTrue();
    }

    @Test
    void aModelDeploymentFromAnOperatorWithoutTemplateStatusIsHeldToWhatItChose() {
        assertThat(OperatorUpgrade.previous(status(5L, null), 5, "in1", Optional.of("r1")))
                .hasValue(new TemplateStatus("in1", "r1", null, null));
        assertThat(OperatorUpgrade.previous(status(5L, new RolloutStatus("Paused", "r1", "r2", 1, null, null, null,
                null, 50, 50, null, null, null, null, null)), 5, "in1", Optional.of("r1")))
                .as("a canary under way keeps its revision").hasValue(new TemplateStatus("in1", "r2", null, null));
        assertThat(OperatorUpgrade.previous(status(5L, null), 6, "in1", Optional.of("r1")))
                .as("the spec changed since that operator saw it").isEmpty();
        assertThat(OperatorUpgrade.previous(null, 1, "in1", Optional.empty())).isEmpty();
    }

    private static ModelDeploymentStatus status(Long observedGeneration, RolloutStatus rollout) {
        return new ModelDeploymentStatus(observedGeneration, "Ready", 1, 1, null, null, "1", "r1", List.of(), rollout,
                null, null, null);
    }
}

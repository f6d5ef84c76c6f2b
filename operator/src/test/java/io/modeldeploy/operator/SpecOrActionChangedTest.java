package io.modeldeploy.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.rollout.OperatorUpgrade;
import io.modeldeploy.operator.rollout.RolloutCoordinator;

class SpecOrActionChangedTest {
    final SpecOrActionChanged filter = new SpecOrActionChanged();

    @Test
    void aRolloutActionReconcilesAlthoughTheGenerationStaysTheSame() {
        assertThat(filter.accept(md(1, "promote"), md(1, null))).isTrue();
        assertThat(filter.accept(md(1, "retry-2"), md(1, "retry-1"))).isTrue();
    }

    @Test
    void anUpgradeOptInReconcilesAlthoughTheGenerationStaysTheSame() {
        ModelDeployment optedIn = md(1, null);
        optedIn.getMetadata().setAnnotations(Map.of(OperatorUpgrade.ANNOTATION, "now"));
        assertThat(filter.accept(optedIn, md(1, null))).isTrue();
    }

    @Test
    void aSpecChangeReconcilesAndAStatusWriteDoesNot() {
        assertThat(filter.accept(md(2, "promote"), md(1, "promote"))).isTrue();
        assertThat(filter.accept(md(1, "promote"), md(1, "promote"))).as("status or other metadata").isFalse();
    }

    private static ModelDeployment md(long generation, String action) {
        var md = new ModelDeployment();
        md.setMetadata(new ObjectMetaBuilder().withName("iris").withGeneration(generation)
                .withAnnotations(action == null ? Map.of() : Map.of(RolloutCoordinator.ACTION_ANNOTATION, action))
                .build());
        return md;
    }
}

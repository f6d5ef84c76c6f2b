package io.modeldeploy.operator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RolloutActionsTest {

    @Test
    void theActionsAreNamedAsAPersonWritesThemAndReadByTheirPrefix() {
        assertThat(RolloutCoordinator.ACTIONS).isEqualTo("promote, abort, retry, pause or resume");
        assertThat(RolloutCoordinator.action("Resume-2")).hasValue(RolloutPlan.Action.RESUME);
        assertThat(RolloutCoordinator.action("rewind")).isEmpty();
    }
}

package io.modeldeploy.operator.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplicaSplitTest {

    @ParameterizedTest(name = "{0} replicas at {1}% -> {2} stable, {3} canary, effective {4}%")
    @CsvSource({
            "10, 0, 10, 0, 0",
            "10, 10, 9, 1, 10",
            "10, 50, 5, 5, 50",
            "10, 100, 0, 10, 100",
            "4, 10, 3, 1, 25",
            "3, 50, 1, 2, 67",
            "2, 90, 1, 1, 50",
            "1, 10, 1, 1, 50",
            "1, 100, 0, 1, 100",
            "0, 50, 0, 0, 0",
    })
    void approximatesTheWeightWithWholePods(int total, int weight, int stable, int canary, int effective) {
        assertThat(ReplicaSplit.of(total, weight, canary)).isEqualTo(new ReplicaSplit(stable, canary, effective));
    }

    @ParameterizedTest(name = "{0} replicas at {1}% with {2} canary pods ready -> {3} stable, {4} canary, effective {5}%")
    @CsvSource({
            "10, 50, 0, 10, 5, 0",
            "10, 50, 2, 8, 5, 20",
            "10, 50, 5, 5, 5, 50",
            "10, 100, 0, 10, 10, 0",
            "10, 100, 6, 4, 10, 60",
            "1, 100, 0, 1, 1, 0",
            "3, 50, 9, 1, 2, 67",
    })
    void theStableTrackGivesUpAPodOnlyForAReadyCanaryPod(int total, int weight, int ready, int stable, int canary,
            int effective) {
        ReplicaSplit split = ReplicaSplit.of(total, weight, ready);
        assertThat(split).isEqualTo(new ReplicaSplit(stable, canary, effective));
        assertThat(split.stable() + Math.min(ready, split.canary())).as("ready serving pods never drop below the total")
                .isGreaterThanOrEqualTo(total);
    }

    @ParameterizedTest(name = "routed: {0} replicas at {1}% -> {2} stable, {3} canary")
    @CsvSource({
            "10, 0, 10, 0",
            "10, 10, 10, 1",
            "10, 25, 10, 3",
            "10, 50, 10, 5",
            "10, 100, 10, 10",
            "4, 10, 4, 1",
            "1, 50, 1, 1",
            "0, 50, 0, 0",
    })
    void routedKeepsEveryStableReplicaAndGivesTheExactWeightOnceTheCanaryPodsAreReady(int total, int weight,
            int stable, int canary) {
        assertThat(ReplicaSplit.routed(total, weight, canary)).isEqualTo(new ReplicaSplit(stable, canary,
                total == 0 ? 0 : weight));
        assertThat(ReplicaSplit.routed(total, weight, 0).effectiveWeight())
                .as("no weight on a backend without a ready pod").isZero();
    }

    @ParameterizedTest(name = "routed: {0} replicas at {1}% with {2} canary pods ready -> effective {3}%")
    @CsvSource({
            "10, 50, 1, 10",
            "10, 50, 4, 40",
            "10, 100, 5, 50",
            "4, 10, 1, 10",
    })
    void routedWeightFollowsTheReadyShareOfTheCanary(int total, int weight, int ready, int effective) {
        assertThat(ReplicaSplit.routed(total, weight, ready).effectiveWeight()).isEqualTo(effective);
    }

    @ParameterizedTest
    @CsvSource({"-1", "101"})
    void rejectsWeightsOutsideZeroToHundred(int weight) {
        assertThatThrownBy(() -> ReplicaSplit.of(3, weight, 0)).hasMessageContaining("between 0 and 100");
        assertThatThrownBy(() -> ReplicaSplit.routed(3, weight, 0)).hasMessageContaining("between 0 and 100");
    }
}

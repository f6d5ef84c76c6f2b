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
        assertThat(ReplicaSplit.of(total, weight)).isEqualTo(new ReplicaSplit(stable, canary, effective));
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
    void routedKeepsEveryStableReplicaAndGivesTheExactWeightOnceACanaryPodIsReady(int total, int weight,
            int stable, int canary) {
        assertThat(ReplicaSplit.routed(total, weight, true)).isEqualTo(new ReplicaSplit(stable, canary,
                total == 0 ? 0 : weight));
        assertThat(ReplicaSplit.routed(total, weight, false).effectiveWeight())
                .as("no weight on a backend without a ready pod").isZero();
    }

    @ParameterizedTest
    @CsvSource({"-1", "101"})
    void rejectsWeightsOutsideZeroToHundred(int weight) {
        assertThatThrownBy(() -> ReplicaSplit.of(3, weight)).hasMessageContaining("between 0 and 100");
        assertThatThrownBy(() -> ReplicaSplit.routed(3, weight, true)).hasMessageContaining("between 0 and 100");
    }
}

package io.modeldeploy.operator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.modeldeploy.operator.resources.Labels;

/** Which canary pods the analysis judges: the canary revision's current pods, started ones for readiness. */
class CanaryHealthTest {
    static final String CREATED = "2026-01-01T00:01:00Z";

    @Test
    void onlyCurrentPodsOfTheCanaryRevisionAreJudged() {
        List<Pod> pods = List.of(
                pod("ready", "v2", CREATED, true, true, 0, false),
                pod("started-unready", "v2", CREATED, false, true, 0, false),
                pod("starting", "v2", CREATED, false, false, 0, false),
                pod("terminating", "v2", CREATED, false, true, 5, true),
                pod("older-revision", "v1", CREATED, false, true, 7, false),
                pod("of-a-rolled-back-canary", "v2", "2026-01-01T00:00:00Z", false, true, 9, false));

        RolloutPlan.CanaryHealth health = RolloutCoordinator.health(canary("v2", 3, 2L, 2L, false), pods,
                RolloutPlan.Analysis.NONE);

        assertThat(health).isEqualTo(new RolloutPlan.CanaryHealth(1, 1, 3, 0, false));
    }

    @Test
    void aPodWhoseContainerExitedWithAnErrorIsFailingNotStarting() {
        Pod crashed = pod("model-refused", "v2", CREATED, false, false, 1, false);
        crashed.getStatus().getContainerStatuses().get(0).setLastState(new io.fabric8.kubernetes.api.model
                .ContainerStateBuilder().withNewTerminated().withExitCode(1).endTerminated().build());

        RolloutPlan.CanaryHealth health = RolloutCoordinator.health(canary("v2", 1, 1L, 1L, false), List.of(crashed),
                RolloutPlan.Analysis.NONE);

        assertThat(health.unreadyReplicas()).isEqualTo(1);
        assertThat(health.failing()).isTrue();
    }

    @Test
    void aProgressDeadlineCountsOnlyOnceTheControllerSawTheLatestTemplate() {
        assertThat(RolloutCoordinator.health(canary("v3", 1, 3L, 2L, true), List.of(), RolloutPlan.Analysis.NONE)
                .deadlineExceeded())
                .as("the condition is about the previous template").isFalse();
        assertThat(RolloutCoordinator.health(canary("v3", 1, 3L, 3L, true), List.of(), RolloutPlan.Analysis.NONE)
                .deadlineExceeded()).isTrue();
    }

    private static Deployment canary(String revision, int replicas, long generation, long observed, boolean deadline) {
        var builder = new DeploymentBuilder()
                .withNewMetadata().withName("iris-canary").withGeneration(generation).withCreationTimestamp(CREATED)
                .endMetadata()
                .withNewSpec().withReplicas(replicas)
                .withNewTemplate().withNewMetadata().addToLabels(Labels.REVISION, revision).endMetadata().endTemplate()
                .endSpec()
                .withNewStatus().withObservedGeneration(observed).endStatus();
        if (deadline) {
            builder.editStatus().addNewCondition().withType("Progressing").withStatus("False")
                    .withReason("ProgressDeadlineExceeded").endCondition().endStatus();
        }
        return builder.build();
    }

    private static Pod pod(String name, String revision, String created, boolean ready, boolean started, int restarts,
            boolean terminating) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withCreationTimestamp(created)
                .withLabels(Map.of(Labels.TRACK, Labels.TRACK_CANARY, Labels.REVISION, revision))
                .withDeletionTimestamp(terminating ? "2026-01-01T00:02:00Z" : null)
                .endMetadata()
                .withNewStatus()
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .addNewContainerStatus().withName("model-server").withStarted(started).withRestartCount(restarts)
                .endContainerStatus()
                .endStatus()
                .build();
    }
}

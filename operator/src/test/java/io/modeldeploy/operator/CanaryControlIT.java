package io.modeldeploy.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modeldeploy.api.v1alpha1.AnalysisSpec;
import io.modeldeploy.api.v1alpha1.BatchingSpec;
import io.modeldeploy.api.v1alpha1.CanaryStepSpec;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.ModelDeploymentSpec;
import io.modeldeploy.api.v1alpha1.ModelFormat;
import io.modeldeploy.api.v1alpha1.ModelSpec;
import io.modeldeploy.api.v1alpha1.RolloutSpec;
import io.modeldeploy.api.v1alpha1.RolloutStatus;
import io.modeldeploy.api.v1alpha1.RuntimeSpec;
import io.modeldeploy.operator.resources.Labels;
import io.modeldeploy.operator.status.PodStates;
import io.modeldeploy.testing.ClusterTest;
import io.modeldeploy.testing.OperatorProcess;
import io.modeldeploy.testing.TestCluster;

/**
 * Canary control on the real control plane, each test with operators of its own: a crash mid-rollout resumes at
 * the same step, a paused step waits until a person promotes, and an abort rolls back.
 */
@ClusterTest
class CanaryControlIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    void anOperatorKilledMidRolloutResumesAtTheSameStepAndAPromoteFinishesIt(KubernetesClient client,
            TestCluster cluster) {
        String lease = "modeldeploy-test-" + UUID.randomUUID();
        List<CanaryStepSpec> steps = List.of(new CanaryStepSpec(20, "10m"), new CanaryStepSpec(100, "0s"));
        RolloutStatus atStep1;
        try (OperatorProcess first = operator(cluster, lease, "first")) {
            client.resource(modelDeployment("1.0.0", steps)).create();
            await().atMost(TIMEOUT).until(() -> phase(client, "Stable") && servesVersion(client, "1.0.0"));
            UserEdits.replaceSpec(client, "iris", modelDeployment("2.0.0", steps).getSpec());
            await().atMost(TIMEOUT).until(() -> phase(client, "Progressing") && canaryReplicas(client) == 2);
            atStep1 = rollout(client);
            first.kill();
        }

        try (OperatorProcess second = operator(cluster, lease, "second")) {
            // The new operator leads once the dead one's Lease expires; the rollout stays where it was.
            await().during(Duration.ofSeconds(20)).atMost(Duration.ofSeconds(30)).until(() -> {
                RolloutStatus now = rollout(client);
                return now.step().equals(atStep1.step()) && now.stepStartedAt().equals(atStep1.stepStartedAt())
                        && now.canaryRevision().equals(atStep1.canaryRevision()) && canaryReplicas(client) == 2;
            });
            assertThat(second.isAlive()).isTrue();

            UserEdits.requestRolloutAction(client, "iris", "promote");
            await().atMost(TIMEOUT).until(() -> phase(client, "Stable") && servesVersion(client, "2.0.0"));
            assertThat(client.apps().deployments().withName("iris-canary").get()).isNull();
            assertThat(rollout(client).lastAction()).isEqualTo("promote");
        }
    }

    @Test
    void aStepWithoutPauseWaitsAndAnAbortRollsBack(KubernetesClient client, TestCluster cluster) {
        List<CanaryStepSpec> steps = List.of(new CanaryStepSpec(30, null), new CanaryStepSpec(100, "0s"));
        try (OperatorProcess operator = operator(cluster, "modeldeploy-test-" + UUID.randomUUID(), "abort")) {
            client.resource(modelDeployment("1.0.0", steps)).create();
            await().atMost(TIMEOUT).until(() -> phase(client, "Stable") && servesVersion(client, "1.0.0"));
            UserEdits.replaceSpec(client, "iris", modelDeployment("2.0.0", steps).getSpec());

            await().atMost(TIMEOUT).until(() -> phase(client, "Paused"));
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(8)).until(() -> phase(client, "Paused")
                    && canaryReplicas(client) == 3);

            UserEdits.requestRolloutAction(client, "iris", "abort");
            await().atMost(TIMEOUT).until(() -> phase(client, "RolledBack"));
            assertThat(rollout(client).reason()).isEqualTo("Aborted");
            assertThat(rollout(client).message()).contains("rollout aborted by a person");
            await().atMost(TIMEOUT).until(() -> client.apps().deployments().withName("iris-canary").get() == null);
            assertThat(client.resources(ModelDeployment.class).withName("iris").get().getStatus().modelVersion())
                    .isEqualTo("1.0.0");
        }
    }

    @Test
    void anActionTakesEffectWithinASecondAndOneThatDoesNotApplySaysWhy(KubernetesClient client, TestCluster cluster) {
        // Checks once a minute and a ten-minute pause: nothing but the annotation itself can move this rollout soon.
        List<CanaryStepSpec> steps = List.of(new CanaryStepSpec(20, "10m"), new CanaryStepSpec(100, "0s"));
        try (OperatorProcess operator = operator(cluster, "modeldeploy-test-" + UUID.randomUUID(), "actions")) {
            client.resource(modelDeployment("1.0.0", steps, new AnalysisSpec(60, 3, 3))).create();
            await().atMost(TIMEOUT).until(() -> phase(client, "Stable") && servesVersion(client, "1.0.0"));

            UserEdits.requestRolloutAction(client, "iris", "promote");
            await().atMost(Duration.ofSeconds(2)).until(() -> "promote".equals(rollout(client).lastAction()));
            assertThat(rollout(client).lastActionIgnored()).isEqualTo("promote ignored: no canary is running");
            await().atMost(Duration.ofSeconds(5)).until(() -> client.v1().events().list().getItems().stream()
                    .anyMatch(e -> "RolloutActionIgnored".equals(e.getReason())
                            && e.getMessage().equals("promote ignored: no canary is running")));

            UserEdits.replaceSpec(client, "iris", modelDeployment("2.0.0", steps, new AnalysisSpec(60, 3, 3)).getSpec());
            await().atMost(TIMEOUT).until(() -> phase(client, "Progressing") && canaryReplicas(client) == 2
                    && readyCanaryPods(client) == 2);
            UserEdits.requestRolloutAction(client, "iris", "promote-2");
            await().atMost(Duration.ofSeconds(2)).until(() -> Integer.valueOf(2).equals(rollout(client).step()));
            assertThat(rollout(client).lastActionIgnored()).isNull();
        }
    }

    @Test
    void aStoppedLeaderGivesUpItsLeaseAndExitsGracefully(KubernetesClient client, TestCluster cluster) {
        String lease = "modeldeploy-test-" + UUID.randomUUID();
        String leaseNamespace = LeaderElectionSetup.FALLBACK_NAMESPACE;
        try (OperatorProcess operator = operator(cluster, lease, "stop")) {
            await().atMost(TIMEOUT).until(() -> holder(client, leaseNamespace, lease) != null);

            int exitCode = operator.stop();

            assertThat(exitCode).as("SIGTERM ends the JVM normally (143 = 128 + SIGTERM), not by a forced kill")
                    .isIn(0, 143);
            assertThat(holder(client, leaseNamespace, lease)).as("the Lease is released for the next leader")
                    .isNullOrEmpty();
        }
    }

    /**
     * A leader that cannot renew its Lease (another replica holds it: after a stall longer than the Lease, one would)
     * exits, so that it never reconciles beside the new leader; the tests' operators are then started again, as the
     * kubelet starts a pod's container again, and the new process leads once the other holder's Lease expires.
     */
    @Test
    void aLeaderThatLosesItsLeaseExitsAndIsStartedAgainAsAPodWouldBe(KubernetesClient client, TestCluster cluster)
            throws IOException {
        String lease = "modeldeploy-test-" + UUID.randomUUID();
        String leaseNamespace = LeaderElectionSetup.FALLBACK_NAMESPACE;
        try (OperatorProcess operator = operator(cluster, lease, "lost").restartingAfterALostLease()) {
            await().atMost(TIMEOUT).until(() -> holder(client, leaseNamespace, lease) != null);
            long first = operator.pid();

            client.leases().inNamespace(leaseNamespace).withName(lease).edit(taken -> {
                taken.getSpec().setHolderIdentity("another-replica");
                taken.getSpec().setRenewTime(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC));
                return taken;
            });

            await().atMost(TIMEOUT).until(() -> operator.pid() != first && operator.isAlive());
            assertThat(java.nio.file.Files.readString(operator.log()))
                    .contains("lost the leader Lease while running; exiting");
            await().atMost(TIMEOUT).until(() -> {
                String holder = holder(client, leaseNamespace, lease);
                return holder != null && !holder.isEmpty() && !"another-replica".equals(holder);
            });
        }
    }

    private static String holder(KubernetesClient client, String namespace, String lease) {
        return Optional.ofNullable(client.leases().inNamespace(namespace).withName(lease).get())
                .map(l -> l.getSpec().getHolderIdentity()).orElse(null);
    }

    private static OperatorProcess operator(TestCluster cluster, String lease, String name) {
        return OperatorProcess.start(Path.of(System.getProperty("modeldeploy.operator.jar",
                        "target/quarkus-app/quarkus-run.jar")), cluster,
                Path.of("target/operator-logs/CanaryControlIT-" + name + ".log"),
                Map.of("MODELDEPLOY_LEADER_ELECTION_LEASE_NAME", lease));
    }

    private static ModelDeployment modelDeployment(String version, List<CanaryStepSpec> steps) {
        return modelDeployment(version, steps, new AnalysisSpec(1, 3, 3));
    }

    private static ModelDeployment modelDeployment(String version, List<CanaryStepSpec> steps, AnalysisSpec analysis) {
        var md = new ModelDeployment();
        md.setMetadata(new ObjectMetaBuilder().withName("iris").build());
        md.setSpec(new ModelDeploymentSpec(
                new ModelSpec("iris", version, ModelFormat.ONNX, "file:///models/iris", null, null),
                new RuntimeSpec(null, null, 8080, null, null, new BatchingSpec(32, 0)),
                10, null, null, null, null, null, 600,
                new RolloutSpec(RolloutSpec.Strategy.Canary, steps, analysis, null)));
        return md;
    }

    private static RolloutStatus rollout(KubernetesClient client) {
        return client.resources(ModelDeployment.class).withName("iris").get().getStatus().rollout();
    }

    private static boolean phase(KubernetesClient client, String phase) {
        ModelDeployment md = client.resources(ModelDeployment.class).withName("iris").get();
        return md.getStatus() != null && md.getStatus().rollout() != null
                && phase.equals(md.getStatus().rollout().phase());
    }

    private static int canaryReplicas(KubernetesClient client) {
        var canary = client.apps().deployments().withName("iris-canary").get();
        return canary == null ? 0 : canary.getSpec().getReplicas();
    }

    private static long readyCanaryPods(KubernetesClient client) {
        return client.pods().withLabel(Labels.TRACK, Labels.TRACK_CANARY).list().getItems().stream()
                .filter(PodStates::ready).count();
    }

    private static boolean servesVersion(KubernetesClient client, String version) {
        return ModelDeploymentStates.servesVersion(client.resources(ModelDeployment.class).withName("iris").get(),
                version);
    }
}

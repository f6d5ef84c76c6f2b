package io.modeldeploy.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.modeldeploy.api.v1alpha1.AnalysisSpec;
import io.modeldeploy.api.v1alpha1.AutoscalingSpec;
import io.modeldeploy.api.v1alpha1.BatchingSpec;
import io.modeldeploy.api.v1alpha1.CanaryStepSpec;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.ModelDeploymentSpec;
import io.modeldeploy.api.v1alpha1.ModelFormat;
import io.modeldeploy.api.v1alpha1.ModelSpec;
import io.modeldeploy.api.v1alpha1.RolloutSpec;
import io.modeldeploy.api.v1alpha1.RuntimeSpec;
import io.modeldeploy.api.v1alpha1.TemplateStatus;
import io.modeldeploy.operator.rollout.OperatorUpgrade;
import io.modeldeploy.testing.ClusterTest;
import io.modeldeploy.testing.OperatorProcess;
import io.modeldeploy.testing.TestCluster;

/**
 * An operator upgrade that changes the default runtime image, on the real control plane: the running
 * ModelDeployments keep their pods until a person opts in (the upgrade annotation) or changes the spec, instead of
 * all rolling at once.
 */
@ClusterTest
class OperatorUpgradeIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String OLD = "registry.example/modeldeploy/serving-runtime:0.1.0";
    private static final String NEW = "registry.example/modeldeploy/serving-runtime:0.2.0";

    @Test
    void anUpgradedOperatorHoldsItsNewDefaultsUntilOptedInOrTheSpecChanges(KubernetesClient client,
            TestCluster cluster) {
        String lease = "modeldeploy-test-" + UUID.randomUUID();
        try (OperatorProcess before = operator(cluster, lease, "before", OLD)) {
            client.resource(modelDeployment("plain", "1.0.0", null)).create();
            client.resource(modelDeployment("canaried", "1.0.0", canary())).create();
            await().atMost(TIMEOUT).until(() -> serves(client, "plain", "1.0.0", OLD)
                    && serves(client, "canaried", "1.0.0", OLD));
        }

        try (OperatorProcess after = operator(cluster, lease, "after", NEW)) {
            await().atMost(TIMEOUT).until(() -> held(client, "plain") != null && held(client, "canaried") != null);
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8)).until(() ->
                    image(client, "plain").equals(OLD) && image(client, "canaried").equals(OLD)
                            && client.apps().deployments().withName("canaried-canary").get() == null);
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.v1().events().list().getItems())
                    .anySatisfy(e -> {
                        assertThat(e.getReason()).isEqualTo("UpgradeHeld");
                        assertThat(e.getMessage()).contains("set the " + OperatorUpgrade.ANNOTATION + " annotation");
                    }));

            // Scaling is not an opt-in: it changes no template input.
            UserEdits.scale(client, "plain", 3);
            await().atMost(TIMEOUT).until(() -> client.apps().deployments().withName("plain").get().getSpec()
                    .getReplicas() == 3);
            assertThat(image(client, "plain")).isEqualTo(OLD);
            assertThat(held(client, "plain")).isNotNull();

            UserEdits.annotate(client, "plain", OperatorUpgrade.ANNOTATION, "2026-12-02");
            // The status and the Deployment are written in one reconcile, the Deployment first: wait for both.
            await().atMost(TIMEOUT).until(() -> "2026-12-02".equals(template(client, "plain").lastUpgrade())
                    && serves(client, "plain", "1.0.0", NEW));
            assertThat(template(client, "plain").heldRevision()).isNull();
            assertThat(template(client, "canaried").heldRevision()).as("only the annotated one rolled").isNotNull();

            // A spec change rolls out with the new defaults, as a canary.
            UserEdits.replaceSpec(client, "canaried", modelDeployment("canaried", "2.0.0", canary()).getSpec());
            await().atMost(TIMEOUT).until(() -> {
                var canaryDeployment = client.apps().deployments().withName("canaried-canary").get();
                return canaryDeployment != null && NEW.equals(canaryDeployment.getSpec().getTemplate().getSpec()
                        .getContainers().get(0).getImage());
            });
            await().atMost(TIMEOUT).until(() -> serves(client, "canaried", "2.0.0", NEW));
            assertThat(held(client, "canaried")).isNull();
        }
    }

    /**
     * An operator started over running ModelDeployments (an upgrade, a new leader) reconciles each at once, before
     * Quarkus has finished starting and bound its metrics registry; those reconciles are counted too, so that
     * {@code modeldeploy_reconciliations_total} never reads fewer than the reconciles that ended.
     */
    @Test
    void anOperatorStartedOverRunningModelDeploymentsCountsEveryReconcile(KubernetesClient client,
            TestCluster cluster) {
        String lease = "modeldeploy-test-" + UUID.randomUUID();
        List<String> names = List.of("counted-a", "counted-b", "counted-c", "counted-d", "counted-e", "counted-f");
        try (OperatorProcess before = operator(cluster, lease, "counted-before", OLD)) {
            names.forEach(name -> client.resource(modelDeployment(name, "1.0.0", null)).create());
            await().atMost(TIMEOUT).until(() -> names.stream().allMatch(name -> serves(client, name, "1.0.0", OLD)));
        }

        try (OperatorProcess after = operator(cluster, lease, "counted-after", OLD)) {
            await().atMost(TIMEOUT).until(() -> OperatorCounts.of(after.metrics()).reconcilesEnded()
                    >= names.size());
            OperatorCounts counts = OperatorCounts.of(after.metrics());
            assertThat(counts.reconciles()).as("reconciles started, of %s ended", counts.reconcilesEnded())
                    .isGreaterThanOrEqualTo(counts.reconcilesEnded());
        }
    }

    /**
     * Operator versions before autoscaling moved to the ModelDeployment pointed the HorizontalPodAutoscaler at the
     * stable Deployment, which then held the autoscaler's count while spec.replicas kept its default. The upgraded
     * operator carries that count over to the ModelDeployment before it points the autoscaler there: the Deployment
     * never drops to spec.replicas on the way.
     */
    @Test
    void anAutoscalerThatScaledTheDeploymentMovesToTheModelDeploymentWithItsCount(KubernetesClient client,
            TestCluster cluster) {
        String lease = "modeldeploy-test-" + UUID.randomUUID();
        ModelDeployment md = modelDeployment("scaled", "1.0.0", null);
        var spec = md.getSpec();
        md.setSpec(new ModelDeploymentSpec(spec.model(), spec.runtime(), null, new AutoscalingSpec(2, 6, 70, null),
                spec.probes(), spec.scheduling(), spec.securityContext(), spec.podAnnotations(),
                spec.progressDeadlineSeconds(), spec.rollout()));
        try (OperatorProcess before = operator(cluster, lease, "autoscaled-before", OLD)) {
            client.resource(md).create();
            await().atMost(TIMEOUT).until(() -> serves(client, "scaled", "1.0.0", OLD));
        }

        // What an earlier version left: its autoscaler scales the Deployment, to 5 by now, and the ModelDeployment's
        // spec.replicas is a count no one reads.
        client.autoscaling().v2().horizontalPodAutoscalers().withName("scaled").edit(hpa -> {
            hpa.getSpec().getScaleTargetRef().setApiVersion("apps/v1");
            hpa.getSpec().getScaleTargetRef().setKind("Deployment");
            return hpa;
        });
        client.apps().deployments().withName("scaled").scale(5);
        assertThat(client.resources(ModelDeployment.class).withName("scaled").get().getSpec().replicas()).isLessThan(5);
        var counts = new CopyOnWriteArrayList<Integer>();
        try (Watch watch = client.apps().deployments().withName("scaled").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Deployment deployment) {
                counts.add(deployment.getSpec().getReplicas());
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        }); OperatorProcess after = operator(cluster, lease, "autoscaled-after", OLD)) {
            await().atMost(TIMEOUT).until(() -> {
                var target = client.autoscaling().v2().horizontalPodAutoscalers().withName("scaled").get().getSpec()
                        .getScaleTargetRef();
                ModelDeployment now = client.resources(ModelDeployment.class).withName("scaled").get();
                return "ModelDeployment".equals(target.getKind()) && now.getSpec().replicas() == 5
                        && now.getStatus().replicas() == 5;
            });
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() ->
                    client.apps().deployments().withName("scaled").get().getSpec().getReplicas() == 5);
        }
        assertThat(counts).as("spec.replicas of every version of the Deployment while the autoscaler moved")
                .isNotEmpty().containsOnly(5);
    }

    private static RolloutSpec canary() {
        return new RolloutSpec(RolloutSpec.Strategy.Canary, List.of(new CanaryStepSpec(50, "1s")),
                new AnalysisSpec(1, 3, 3), null);
    }

    private static boolean serves(KubernetesClient client, String name, String version, String image) {
        ModelDeployment md = client.resources(ModelDeployment.class).withName(name).get();
        return ModelDeploymentStates.servesVersion(md, version) && image(client, name).equals(image)
                && client.apps().deployments().withName(name + "-canary").get() == null;
    }

    private static String image(KubernetesClient client, String name) {
        return client.apps().deployments().withName(name).get().getSpec().getTemplate().getSpec().getContainers()
                .get(0).getImage();
    }

    private static TemplateStatus template(KubernetesClient client, String name) {
        ModelDeployment md = client.resources(ModelDeployment.class).withName(name).get();
        return md.getStatus() == null ? null : md.getStatus().template();
    }

    private static String held(KubernetesClient client, String name) {
        TemplateStatus template = template(client, name);
        return template == null ? null : template.heldRevision();
    }

    private static OperatorProcess operator(TestCluster cluster, String lease, String name, String image) {
        return OperatorProcess.start(Path.of(System.getProperty("modeldeploy.operator.jar",
                        "target/quarkus-app/quarkus-run.jar")), cluster,
                Path.of("target/operator-logs/OperatorUpgradeIT-" + name + ".log"),
                Map.of("MODELDEPLOY_LEADER_ELECTION_LEASE_NAME", lease, "MODELDEPLOY_RUNTIME_IMAGE", image));
    }

    private static ModelDeployment modelDeployment(String name, String version, RolloutSpec rollout) {
        var md = new ModelDeployment();
        md.setMetadata(new ObjectMetaBuilder().withName(name).build());
        md.setSpec(new ModelDeploymentSpec(
                new ModelSpec("iris", version, ModelFormat.ONNX, "file:///models/iris", null, null),
                new RuntimeSpec(null, null, 8080, null, null, new BatchingSpec(32, 0)),
                2, null, null, null, null, null, 600, rollout));
        return md;
    }
}

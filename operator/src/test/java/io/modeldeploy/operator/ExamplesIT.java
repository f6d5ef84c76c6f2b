package io.modeldeploy.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.testing.Kubectl;
import io.modeldeploy.testing.RepositoryRoot;
import io.modeldeploy.testing.TestCluster;
import io.modeldeploy.testing.TestNamespace;
import io.modeldeploy.testing.UnreadyMarker;

/** The examples, applied with kubectl as a user would, reach Ready; the GitOps overlay bumps the version. */
@RunningOperator
class ExamplesIT {
    private static final Path EXAMPLES = RepositoryRoot.find().resolve("examples");
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    void everyExampleManifestBecomesReady(KubernetesClient client, TestNamespace ns, TestCluster cluster)
            throws IOException {
        List<Path> manifests;
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            manifests = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(manifests).extracting(p -> p.getFileName().toString())
                .contains("iris.yaml", "iris-autoscaling.yaml", "iris-canary.yaml", "iris-gateway.yaml",
                        "xgboost.yaml", "iris-torch.yaml", "iris-http.yaml", "iris-s3.yaml", "iris-oci.yaml",
                        "iris-shadow.yaml", "penguins.yaml");

        for (Path manifest : manifests) {
            Kubectl.kubectl(cluster, ns.name(), "apply", "--server-side", "-f", manifest.toString()).ok();
        }
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(
                client.resources(ModelDeployment.class).list().getItems())
                .hasSize(manifests.size())
                .allSatisfy(md -> assertThat(ModelDeploymentStates.ready(md)).as(md.getMetadata().getName())
                        .isTrue()));
    }

    @Test
    void theCanaryExampleRollsABrokenVersionBackOnItsOwn(KubernetesClient client, TestNamespace ns,
            TestCluster cluster) {
        Kubectl.kubectl(cluster, ns.name(), "apply", "--server-side", "-f",
                EXAMPLES.resolve("iris-canary.yaml").toString()).ok();
        await().atMost(TIMEOUT).until(() -> ModelDeploymentStates.ready(
                client.resources(ModelDeployment.class).withName("iris-rollout").get()));

        // Version 2 whose pods never pass their readiness probe (on the test cluster, the unready marker).
        Kubectl.kubectl(cluster, ns.name(), "patch", "md", "iris-rollout", "--type", "merge", "-p",
                "{\"spec\":{\"model\":{\"version\":\"2.0.0\"},\"podAnnotations\":{\"" + UnreadyMarker.ANNOTATION
                        + "\":\"true\"}}}").ok();

        assertThat(Kubectl.kubectl(cluster, ns.name(), "wait", "md/iris-rollout",
                "--for=jsonpath={.status.phase}=RolledBack", "--timeout=90s").ok()).contains("condition met");
        ModelDeployment md = client.resources(ModelDeployment.class).withName("iris-rollout").get();
        assertThat(md.getStatus().modelVersion()).as("version 1 still serves").isEqualTo("1.0.0");
        assertThat(md.getStatus().rollout().message()).contains("canary pods not ready for 3 checks in a row");
    }

    @Test
    void theGitOpsOverlayRollsTheModelToVersion2AndReapplyingChangesNothing(KubernetesClient client,
            TestNamespace ns, TestCluster cluster) {
        Kubectl.kubectl(cluster, ns.name(), "apply", "--server-side", "-k", EXAMPLES.resolve("gitops/base").toString())
                .ok();
        await().atMost(TIMEOUT).until(() -> servesVersion(client, "1.0.0"));

        String overlay = EXAMPLES.resolve("gitops/overlays/v2").toString();
        Kubectl.kubectl(cluster, ns.name(), "apply", "--server-side", "-k", overlay).ok();
        await().atMost(TIMEOUT).until(() -> servesVersion(client, "2.0.0"));

        String before = client.resources(ModelDeployment.class).withName("iris").get().getMetadata().getResourceVersion();
        Kubectl.kubectl(cluster, ns.name(), "apply", "--server-side", "-k", overlay).ok();
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() -> before.equals(
                client.resources(ModelDeployment.class).withName("iris").get().getMetadata().getResourceVersion()));
    }

    @Test
    void theArgoCdApplicationAndFluxKustomizationPointAtTheOverlay(TestCluster cluster) throws IOException {
        var yaml = new ObjectMapper(new YAMLFactory());
        JsonNode application = yaml.readTree(EXAMPLES.resolve("gitops/argocd/application.yaml").toFile());
        JsonNode kustomization = yaml.readTree(EXAMPLES.resolve("gitops/flux/kustomization.yaml").toFile());

        for (String path : List.of(application.at("/spec/source/path").asText(),
                kustomization.at("/spec/path").asText().replaceFirst("^\\./", ""))) {
            assertThat(path).isEqualTo("examples/gitops/overlays/v2");
            String rendered = Kubectl.kubectl(cluster, "default", "kustomize",
                    RepositoryRoot.find().resolve(path).toString()).ok();
            assertThat(rendered).contains("kind: ModelDeployment").contains("version: 2.0.0");
        }
        assertThat(application.at("/spec/syncPolicy/syncOptions").toString()).contains("ServerSideApply=true");
        assertThat(kustomization.at("/spec/wait").asBoolean()).isTrue();
    }

    @Test
    void theNetworkPolicyExampleSelectsEveryServingPodAndItsPort(KubernetesClient client, TestNamespace ns,
            TestCluster cluster) {
        // The test bed's bridge CNI does not enforce NetworkPolicy: what is checked is that the API server takes the
        // example and that its selector and port name the pods the operator makes, and only those.
        Kubectl.kubectl(cluster, ns.name(), "apply", "--server-side", "-f",
                EXAMPLES.resolve("iris.yaml").toString()).ok();
        Kubectl.kubectl(cluster, ns.name(), "apply", "-f",
                EXAMPLES.resolve("security/serving-network-policy.yaml").toString()).ok();
        await().atMost(TIMEOUT).until(() -> ModelDeploymentStates.ready(
                client.resources(ModelDeployment.class).withName("iris").get()));

        var policy = client.network().v1().networkPolicies().withName("modeldeploy-serving").get();
        var selected = client.pods().withLabels(policy.getSpec().getPodSelector().getMatchLabels()).list().getItems();
        var serving = client.pods().withLabel(io.modeldeploy.operator.resources.Labels.MODEL_DEPLOYMENT, "iris").list()
                .getItems();
        assertThat(selected).extracting(p -> p.getMetadata().getName()).isNotEmpty()
                .containsExactlyInAnyOrderElementsOf(serving.stream().map(p -> p.getMetadata().getName()).toList());
        var clientPorts = policy.getSpec().getIngress().get(0).getPorts().stream().map(p -> p.getPort().getStrVal())
                .toList();
        assertThat(serving).allSatisfy(pod -> assertThat(pod.getSpec().getContainers().get(0).getPorts())
                .extracting(p -> p.getName()).as("clients reach REST and gRPC")
                .containsExactlyInAnyOrderElementsOf(clientPorts));
    }

    private static boolean servesVersion(KubernetesClient client, String version) {
        return ModelDeploymentStates.servesVersion(client.resources(ModelDeployment.class).withName("iris").get(),
                version);
    }

}

package io.modeldeploy.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * Proves the test cluster is a real control plane: the behaviours the operator relies on and a mock server would
 * fake are all here.
 */
@ClusterTest
class RealControlPlaneTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void deploymentBecomesAvailableOnFakeNodes(KubernetesClient client) {
        client.resource(deployment("web", 2)).create();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            Deployment d = client.apps().deployments().withName("web").get();
            assertThat(d.getStatus().getReadyReplicas()).isEqualTo(2);
            assertThat(condition(d, "Available").getStatus()).isEqualTo("True");
        });
        assertThat(client.pods().withLabel("app", "web").list().getItems())
                .allSatisfy(pod -> assertThat(pod.getSpec().getNodeName()).isNotBlank());
    }

    @Test
    void deletingAnOwnerGarbageCollectsItsDependents(KubernetesClient client) {
        ConfigMap owner = client.resource(new ConfigMapBuilder().withNewMetadata().withName("owner").endMetadata()
                .build()).create();
        client.resource(new ConfigMapBuilder().withNewMetadata().withName("dependent")
                .addNewOwnerReference().withApiVersion("v1").withKind("ConfigMap").withName("owner")
                .withUid(owner.getMetadata().getUid()).endOwnerReference()
                .endMetadata().build()).create();

        client.resource(owner).delete();

        await().atMost(TIMEOUT).until(() -> client.configMaps().withName("dependent").get() == null);
    }

    @Test
    void serverSideApplyTracksFieldOwnersAndReportsConflicts(KubernetesClient client) {
        client.resource(configMap(Map.of("threshold", "1"))).fieldManager("first").serverSideApply();

        assertThatThrownBy(() -> client.resource(configMap(Map.of("threshold", "2")))
                .fieldManager("second").serverSideApply())
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(409))
                .hasMessageContaining("conflict");

        ConfigMap forced = client.resource(configMap(Map.of("threshold", "2")))
                .fieldManager("second").forceConflicts().serverSideApply();
        assertThat(forced.getData()).containsEntry("threshold", "2");
        assertThat(forced.getMetadata().getManagedFields())
                .anySatisfy(f -> assertThat(f.getManager()).isEqualTo("second"));
    }

    @Test
    void celValidationRuleRejectsABadObjectWithItsMessage(KubernetesClient client) {
        CrdInstaller.install(client, Path.of("src/test/resources/widgets-crd.yaml").toAbsolutePath());
        var widgets = client.genericKubernetesResources(new ResourceDefinitionContext.Builder()
                .withGroup("testbed.modeldeploy.io").withVersion("v1").withPlural("widgets").withKind("Widget")
                .withNamespaced(true).build());

        assertThatThrownBy(() -> widgets.resource(widget("bad", 5, 1)).create())
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
                .hasMessageContaining("spec.min must not exceed spec.max");
        assertThat(widgets.resource(widget("good", 1, 5)).create().getMetadata().getUid()).isNotBlank();
    }

    @Test
    void unreadyMarkerMakesItsDeploymentMissTheProgressDeadline(KubernetesClient client) {
        Deployment d = deployment("sick", 1);
        d.getSpec().setProgressDeadlineSeconds(3);
        UnreadyMarker.apply(d.getSpec().getTemplate());
        client.resource(d).create();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            DeploymentCondition progressing = condition(client.apps().deployments().withName("sick").get(),
                    "Progressing");
            assertThat(progressing.getStatus()).isEqualTo("False");
            assertThat(progressing.getReason()).isEqualTo("ProgressDeadlineExceeded");
        });
        Pod pod = client.pods().withLabel("app", "sick").list().getItems().get(0);
        assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
        assertThat(pod.getStatus().getConditions())
                .anySatisfy(c -> {
                    assertThat(c.getType()).isEqualTo("Ready");
                    assertThat(c.getStatus()).isEqualTo("False");
                });
    }

    @Test
    void markingAReadyPodUnreadyTakesItOutOfTheReadyCount(KubernetesClient client) {
        client.resource(deployment("flaky", 1)).create();
        await().atMost(TIMEOUT).until(() -> readyReplicas(client, "flaky") == 1);

        Pod pod = client.pods().withLabel("app", "flaky").list().getItems().get(0);
        client.pods().withName(pod.getMetadata().getName())
                .edit(p -> {
                    p.getMetadata().getAnnotations().put(UnreadyMarker.ANNOTATION, "true");
                    return p;
                });
        await().atMost(TIMEOUT).until(() -> readyReplicas(client, "flaky") == 0);

        client.pods().withName(pod.getMetadata().getName())
                .edit(p -> {
                    p.getMetadata().getAnnotations().remove(UnreadyMarker.ANNOTATION);
                    return p;
                });
        await().atMost(TIMEOUT).until(() -> readyReplicas(client, "flaky") == 1);
    }

    private static int readyReplicas(KubernetesClient client, String name) {
        Integer ready = client.apps().deployments().withName(name).get().getStatus().getReadyReplicas();
        return ready == null ? 0 : ready;
    }

    private static Deployment deployment(String name, int replicas) {
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withReplicas(replicas)
                .withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate()
                .withNewMetadata().addToLabels("app", name).addToAnnotations("example", "true").endMetadata()
                .withNewSpec().addNewContainer().withName("main").withImage("registry.k8s.io/pause:3.10")
                .endContainer().endSpec()
                .endTemplate().endSpec().build();
    }

    private static DeploymentCondition condition(Deployment d, String type) {
        return d.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " condition yet on " + d.getMetadata().getName()));
    }

    private static ConfigMap configMap(Map<String, String> data) {
        return new ConfigMapBuilder().withNewMetadata().withName("settings").endMetadata().withData(data).build();
    }

    private static GenericKubernetesResource widget(String name, int min, int max) {
        return new GenericKubernetesResourceBuilder().withApiVersion("testbed.modeldeploy.io/v1").withKind("Widget")
                .withNewMetadata().withName(name).endMetadata()
                .addToAdditionalProperties("spec", Map.of("min", min, "max", max)).build();
    }
}

package io.modeldeploy.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.modeldeploy.testing.ClusterTest;
import io.modeldeploy.testing.Kubectl;
import io.modeldeploy.testing.RepositoryRoot;
import io.modeldeploy.testing.TestCluster;
import io.modeldeploy.testing.TestNamespace;

/**
 * examples/security/tenancy-policy.yaml on the real API server: in a namespace labelled for it, a ModelDeployment that
 * reads a Secret, runs an image from elsewhere, tolerates another taint or claims another domain's hostname is refused
 * at apply time with the rule's message; one that keeps to the rules is created.
 */
@ClusterTest
class TenancyAdmissionPolicyTest {
    private static final String EXAMPLE = RepositoryRoot.find().resolve("examples/security/tenancy-policy.yaml")
            .toString();
    private TestCluster cluster;

    @AfterEach
    void removePolicy() {
        if (cluster != null) {
            Kubectl.kubectl(cluster, "default", "delete", "--ignore-not-found", "-f", EXAMPLE).ok();
        }
    }

    @Test
    void theExamplePolicyRefusesWhatATenantMayNotUse(KubernetesClient client, TestNamespace ns, TestCluster cluster)
            throws Exception {
        this.cluster = cluster;
        Kubectl.kubectl(cluster, ns.name(), "apply", "-f", EXAMPLE).ok();
        Kubectl.kubectl(cluster, ns.name(), "label", "namespace", ns.name(), "modeldeploy.io/tenancy=restricted").ok();

        String readsSecret = "runtime: {env: [{name: TOKEN, valueFrom: {secretKeyRef: {name: db, key: password}}}]}";
        // The API server takes a moment to load a new policy: ask with server-side dry runs until it answers.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!apply(cluster, ns, "secret", readsSecret, "--dry-run=server").contains("denied request")
                && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        assertThat(apply(cluster, ns, "secret", readsSecret)).contains("ValidatingAdmissionPolicy "
                + "'modeldeploy-tenancy' with binding 'modeldeploy-tenancy' denied request: spec.runtime.env may not "
                + "read Secrets here");
        assertThat(apply(cluster, ns, "image", "runtime: {image: evil.example.com/miner:1}"))
                .contains("spec.runtime.image evil.example.com/miner:1 is not from registry.example.com/models/");
        assertThat(apply(cluster, ns, "taint", "scheduling: {tolerations: [{operator: Exists}]}"))
                .contains("spec.scheduling.tolerations may only tolerate the taint gpu here");
        assertThat(apply(cluster, ns, "host", "rollout: {strategy: Canary, steps: [{weight: 50}], traffic: {provider: GatewayAPI, "
                + "gateway: {name: shared}, hostnames: [shop.example.com]}}"))
                .contains("spec.rollout.traffic.hostnames must be names under models.example.com here");
        assertThat(client.resources(ModelDeployment.class).list().getItems()).isEmpty();

        String allowed = apply(cluster, ns, "allowed", "runtime: {image: registry.example.com/models/runtime:2, "
                + "env: [{name: LOG, value: debug}]}\nscheduling: {tolerations: [{key: gpu, operator: Exists}]}");
        assertThat(allowed).contains("modeldeployment.serving.modeldeploy.io/allowed created");
        assertThat(client.resources(ModelDeployment.class).withName("allowed").get().getSpec().runtime().image())
                .isEqualTo("registry.example.com/models/runtime:2");
    }

    /** kubectl apply of a ModelDeployment with this spec YAML beside a valid model; the command's output. */
    private static String apply(TestCluster cluster, TestNamespace ns, String name, String specYaml,
            String... flags) throws Exception {
        var file = java.nio.file.Files.createTempFile("md-" + name, ".yaml");
        java.nio.file.Files.writeString(file, """
                apiVersion: serving.modeldeploy.io/v1alpha1
                kind: ModelDeployment
                metadata: {name: %s}
                spec:
                  model: {name: iris, version: "1.0.0", format: onnx, uri: "file:///models/iris"}
                  %s
                """.formatted(name, specYaml.replace("\n", "\n  ")));
        try {
            var args = new java.util.ArrayList<>(java.util.List.of("apply", "-f", file.toString()));
            args.addAll(java.util.List.of(flags));
            return Kubectl.kubectl(cluster, ns.name(), args.toArray(String[]::new)).output();
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

}

package io.modeldeploy.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.modeldeploy.api.v1alpha1.ModelDeploymentSpec;

/** What a ModelDeployment's author may use, decided from the spec alone. */
class TenancyPolicyTest {
    private static final String DEFAULT_IMAGE = "ghcr.io/modeldeploy/serving-runtime:0.1.0";
    private static final TenancyPolicy SHARED = new TenancyPolicy(List.of("registry.example.com/models/"), false,
            List.of("models"), List.of("gpu"), List.of("*.models.example.com", "iris.example.com"));

    private static ModelDeploymentSpec spec(String yaml) {
        return Serialization.unmarshal("""
                model: {name: iris, version: "1.0.0", format: onnx, uri: "file:///models/iris"}
                """ + yaml, ModelDeploymentSpec.class);
    }

    private static String denied(TenancyPolicy policy, String yaml) {
        return policy.violation(spec(yaml), DEFAULT_IMAGE).orElse("allowed");
    }

    @Test
    void anOpenPolicyAllowsEverything() {
        assertThat(denied(TenancyPolicy.OPEN, """
                runtime:
                  image: evil.example.com/miner:1
                  env: [{name: TOKEN, valueFrom: {secretKeyRef: {name: db, key: password}}}]
                scheduling: {tolerations: [{operator: Exists}]}
                """)).isEqualTo("allowed");
    }

    @Test
    void imagesMustComeFromAnAllowedPrefixExceptTheOperatorsDefault() {
        assertThat(denied(SHARED, "runtime: {image: registry.example.com/models/runtime:2}\n")).isEqualTo("allowed");
        assertThat(denied(SHARED, "runtime: {image: " + DEFAULT_IMAGE + "}\n")).isEqualTo("allowed");
        assertThat(denied(SHARED, "runtime: {image: evil.example.com/miner:1}\n")).isEqualTo(
                "spec.runtime.image evil.example.com/miner:1 is not allowed here; allowed: images starting with "
                        + "registry.example.com/models/ (operator setting MODELDEPLOY_POLICY_IMAGES)");
    }

    @Test
    void secretsAreReadOnlyWhenTheOperatorAllowsIt() {
        String yaml = "runtime: {env: [{name: A, value: b}, {name: TOKEN, valueFrom: {secretKeyRef: {name: db, "
                + "key: password}}}]}\n";
        assertThat(denied(SHARED, yaml)).isEqualTo("spec.runtime.env[1] (TOKEN) reads the Secret db; this operator "
                + "does not let ModelDeployments read Secrets (operator setting MODELDEPLOY_POLICY_SECRET_REFERENCES)");
        assertThat(denied(new TenancyPolicy(List.of(), true, List.of(), List.of(), List.of()), yaml))
                .isEqualTo("allowed");
        assertThat(denied(SHARED, "runtime: {env: [{name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]}\n"))
                .isEqualTo("allowed");
        assertThat(Serialization.unmarshal("""
                model: {name: iris, version: "1.0.0", format: onnx, uri: "s3://models/iris/model.onnx",
                        s3: {credentialsSecret: iris-store}}
                """, ModelDeploymentSpec.class)).satisfies(s3 -> {
                    assertThat(SHARED.violation(s3, DEFAULT_IMAGE)).hasValue("spec.model.s3.credentialsSecret reads "
                            + "the Secret iris-store; this operator does not let ModelDeployments read Secrets "
                            + "(operator setting MODELDEPLOY_POLICY_SECRET_REFERENCES); use the cluster's workload "
                            + "identity, or ask for it");
                    assertThat(TenancyPolicy.OPEN.violation(s3, DEFAULT_IMAGE)).isEmpty();
                });
    }

    @Test
    void anOciModelMustComeFromAnAllowedImagePrefixBeforeTheOperatorAsksItsRegistry() {
        String model = "model: {name: iris, version: \"1\", format: onnx, uri: \"%s\"}\n";
        assertThat(SHARED.violation(oci(model.formatted("oci://registry.example.com/models/iris:1.0.0")),
                DEFAULT_IMAGE)).isEmpty();
        assertThat(SHARED.violation(oci(model.formatted("oci://169.254.169.254/latest:meta")), DEFAULT_IMAGE))
                .hasValue("spec.model.uri names the image 169.254.169.254/latest:meta, which is not allowed here; "
                        + "allowed: images starting with registry.example.com/models/ (operator setting "
                        + "MODELDEPLOY_POLICY_IMAGES)");
        assertThat(TenancyPolicy.OPEN.violation(oci(model.formatted("oci://ghcr.io/acme/iris:1")), DEFAULT_IMAGE))
                .isEmpty();
    }

    private static ModelDeploymentSpec oci(String yaml) {
        return Serialization.unmarshal(yaml, ModelDeploymentSpec.class);
    }

    @Test
    void webhooksMayCallOnlyUrlsUnderAnAllowedPrefix() {
        var policy = new TenancyPolicy(List.of(), false, List.of(), List.of(), List.of(),
                List.of("https://checks.example.com", "http://load-test.team-a.svc:8080/hooks/"));
        String yaml = """
                rollout:
                  strategy: Canary
                  steps: [{weight: 10}]
                  analysis:
                    webhooks:
                    - {name: smoke, url: "https://checks.example.com/iris?step=1"}
                    - {name: load, url: "%s"}
                """;

        assertThat(denied(policy, yaml.formatted("http://load-test.team-a.svc:8080/hooks/iris"))).isEqualTo("allowed");
        assertThat(denied(policy, yaml.formatted("https://checks.example.com.evil.io/steal"))).isEqualTo(
                "spec.rollout.analysis.webhooks[1] (load) calls https://checks.example.com.evil.io/steal, which is "
                        + "not allowed here; allowed: URLs starting with https://checks.example.com, "
                        + "http://load-test.team-a.svc:8080/hooks/ (operator setting MODELDEPLOY_POLICY_WEBHOOK_URLS)");
        assertThat(denied(policy, yaml.formatted("http://169.254.169.254/latest/meta-data/")))
                .startsWith("spec.rollout.analysis.webhooks[1] (load) calls http://169.254.169.254/");
        assertThat(denied(TenancyPolicy.OPEN, yaml.formatted("http://169.254.169.254/latest/meta-data/")))
                .as("an open policy allows any").isEqualTo("allowed");
    }

    @Test
    void claimsTolerationsAndHostnamesFollowTheirAllowlists() {
        assertThat(denied(SHARED, "")).isEqualTo("allowed");
        assertThat(Serialization.unmarshal("""
                model: {name: iris, version: "1", format: onnx, uri: "pvc://finance-data/iris"}
                """, ModelDeploymentSpec.class)).satisfies(s -> assertThat(SHARED.violation(s, DEFAULT_IMAGE))
                .hasValue("spec.model.uri names the PersistentVolumeClaim finance-data, which is not allowed here; "
                        + "allowed: models (operator setting MODELDEPLOY_POLICY_CLAIMS)"));
        assertThat(Serialization.unmarshal("""
                model: {name: iris, version: "1", format: onnx, uri: "https://models.example.com/iris/model.onnx",
                        sha256: "%s", cacheClaim: finance-data}
                """.formatted("ab".repeat(32)), ModelDeploymentSpec.class)).satisfies(s -> assertThat(
                SHARED.violation(s, DEFAULT_IMAGE)).hasValue("spec.model.cacheClaim names the PersistentVolumeClaim "
                        + "finance-data, which is not allowed here; allowed: models (operator setting "
                        + "MODELDEPLOY_POLICY_CLAIMS)"));
        assertThat(denied(SHARED, "scheduling: {tolerations: [{key: gpu, operator: Exists}]}\n")).isEqualTo("allowed");
        assertThat(denied(SHARED, "scheduling: {tolerations: [{operator: Exists}]}\n"))
                .startsWith("spec.scheduling.tolerations[0] tolerates every taint, which is not allowed here");
        assertThat(denied(SHARED, "scheduling: {tolerations: [{key: dedicated, value: payments}]}\n"))
                .startsWith("spec.scheduling.tolerations[0] tolerates the taint dedicated");
        String routed = "rollout: {strategy: Canary, traffic: {provider: GatewayAPI, gateway: {name: shared}, hostnames: [%s]}}\n";
        assertThat(denied(SHARED, routed.formatted("a.models.example.com, iris.example.com"))).isEqualTo("allowed");
        assertThat(denied(SHARED, routed.formatted("shop.example.com"))).isEqualTo("spec.rollout.traffic.hostnames "
                + "names shop.example.com, which is not allowed here; allowed: *.models.example.com, iris.example.com "
                + "(operator setting MODELDEPLOY_POLICY_HOSTNAMES)");
        assertThat(denied(SHARED, routed.formatted("models.example.com"))).as("the wildcard is for names under it")
                .startsWith("spec.rollout.traffic.hostnames names models.example.com");
    }
}

package io.modeldeploy.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.modeldeploy.testing.ClusterTest;

/** The API server itself rejects bad ModelDeployments, each with a message that names the problem. */
@ClusterTest
class ModelDeploymentValidationTest {

    static Stream<Arguments> badManifests() {
        return Stream.of(
                bad("negative replicas", spec -> spec.put("replicas", -1),
                        "spec.replicas in body should be greater than or equal to 0"),
                bad("autoscaling min above max", spec -> spec.put("autoscaling", Map.of("minReplicas", 5, "maxReplicas", 2)),
                        "autoscaling.minReplicas must not exceed autoscaling.maxReplicas"),
                bad("autoscaling without max", spec -> spec.put("autoscaling", Map.of("minReplicas", 2)),
                        "spec.autoscaling.maxReplicas: Required value"),
                bad("CPU target above 100%", spec -> spec.put("autoscaling",
                                Map.of("maxReplicas", 3, "targetCPUUtilizationPercentage", 150)),
                        "spec.autoscaling.targetCPUUtilizationPercentage in body should be less than or equal to 100"),
                bad("acceptance without a threshold", spec -> model(spec).put("acceptance", Map.of()),
                        "model.acceptance needs minAccuracy (classifiers) or maxAbsoluteError (regressors)"),
                bad("accuracy above 1", spec -> model(spec).put("acceptance", Map.of("minAccuracy", 1.5)),
                        "spec.model.acceptance.minAccuracy in body should be less than or equal to 1"),
                bad("negative error", spec -> model(spec).put("acceptance", Map.of("maxAbsoluteError", -0.1)),
                        "spec.model.acceptance.maxAbsoluteError in body should be greater than or equal to 0"),
                bad("unknown format", spec -> model(spec).put("format", "tensorflow"),
                        "spec.model.format: Unsupported value: \"tensorflow\": supported values: \"onnx\", \"pytorch\", \"xgboost\""),
                bad("unsupported uri scheme", spec -> model(spec).put("uri", "gs://bucket/iris.onnx"),
                        "spec.model.uri: Invalid value: model.uri must start with pvc://, file://, http://, https://, s3:// or oci://"),
                bad("plain http uri without a digest", spec -> model(spec).put("uri", "http://models.svc/iris/model.onnx"),
                        "spec.model.sha256: Invalid value: an http:// model.uri needs model.sha256"),
                bad("cache claim without a digest", spec -> {
                    model(spec).put("uri", "https://models.example.com/iris/model.onnx");
                    model(spec).put("cacheClaim", "model-cache");
                }, "spec.model.cacheClaim: Invalid value: model.cacheClaim shares downloaded bundles by their digest"),
                bad("cache claim for a model in the image", spec -> {
                    model(spec).put("sha256", "a".repeat(64));
                    model(spec).put("cacheClaim", "model-cache");
                }, "it needs model.sha256 and an http://, https:// or s3:// model.uri"),
                bad("oci uri without a tag or digest", spec -> model(spec).put("uri", "oci://ghcr.io/acme/iris"),
                        "an oci:// model.uri takes the form oci://<registry>/<repository>:<tag> or"),
                bad("oci uri with an uppercase repository", spec -> model(spec).put("uri", "oci://ghcr.io/Acme/iris:1"),
                        "an oci:// model.uri takes the form"),
                bad("oci uri with a short digest", spec -> model(spec).put("uri", "oci://ghcr.io/acme/iris@sha256:abc"),
                        "an oci:// model.uri takes the form"),
                bad("pvc uri without a path", spec -> model(spec).put("uri", "pvc://models"),
                        "a pvc:// model.uri takes the form pvc://<claim-name>/<path in the volume>"),
                bad("pvc uri that climbs out of its volume", spec -> model(spec).put("uri", "pvc://models/../../etc/iris"),
                        "a pvc:// model.uri must not contain '..': the path stays inside the claim's volume"),
                bad("relative file uri", spec -> model(spec).put("uri", "file://models/iris"),
                        "a file:// model.uri must be an absolute path in the image"),
                bad("malformed sha256", spec -> model(spec).put("sha256", "abc123"),
                        "spec.model.sha256: Invalid value: model.sha256 must be 64 lowercase hex digits"),
                bad("uppercase sha256", spec -> model(spec).put("sha256", "A".repeat(64)),
                        "model.sha256 must be 64 lowercase hex digits"),
                bad("missing model", spec -> spec.remove("model"),
                        "spec.model: Required value"),
                bad("missing model uri", spec -> model(spec).remove("uri"),
                        "spec.model.uri: Required value"),
                bad("s3 uri without a key", spec -> model(spec).put("uri", "s3://models"),
                        "an s3:// model.uri takes the form s3://<bucket>/<key of the model file>"),
                bad("s3 settings for a file model", spec -> model(spec).put("s3",
                                Map.of("endpoint", "http://minio:9000")),
                        "model.s3 configures the store of an s3:// model.uri; this uri is not one"),
                bad("s3 endpoint that is no URL", spec -> {
                    model(spec).put("uri", "s3://models/iris/model.onnx");
                    model(spec).put("s3", Map.of("endpoint", "minio:9000"));
                }, "spec.model.s3.endpoint in body should match"),
                bad("model name with uppercase", spec -> model(spec).put("name", "Iris"),
                        "model.name must be lowercase letters, digits"),
                bad("version that is no label value", spec -> model(spec).put("version", "1.0/beta"),
                        "model.version must be letters, digits, '.', '_' or '-'"),
                bad("privileged port", spec -> spec.put("runtime", Map.of("port", 80)),
                        "spec.runtime.port in body should be greater than or equal to 1024"),
                bad("gRPC on the REST port", spec -> spec.put("runtime", Map.of("port", 9000, "grpcPort", 9000)),
                        "runtime.port and runtime.grpcPort must differ"),
                bad("gRPC on the default REST port", spec -> spec.put("runtime", Map.of("grpcPort", 8080)),
                        "runtime.port and runtime.grpcPort must differ"),
                bad("zero batch size", spec -> spec.put("runtime", Map.of("batching", Map.of("maxBatchSize", 0))),
                        "spec.runtime.batching.maxBatchSize in body should be greater than or equal to 1"),
                bad("relative probe path", spec -> spec.put("probes", Map.of("readiness",
                                Map.of("path", "health", "periodSeconds", 5, "timeoutSeconds", 1, "failureThreshold", 3))),
                        "a probe path must start with '/'"),
                bad("canary without steps", spec -> spec.put("rollout", Map.of("strategy", "Canary")),
                        "a Canary rollout needs at least one step in rollout.steps"),
                bad("pause that is no duration", spec -> spec.put("rollout", Map.of("strategy", "Canary",
                                "steps", List.of(Map.of("weight", 10, "pause", "a minute")))),
                        "a step's pause is a duration such as 30s, 5m or 1h"),
                bad("step weight above 100", spec -> spec.put("rollout", Map.of("strategy", "Canary",
                                "steps", List.of(Map.of("weight", 120)))),
                        "spec.rollout.steps[0].weight in body should be less than or equal to 100"),
                bad("shadow step with a weight", spec -> spec.put("rollout", Map.of("strategy", "Canary",
                                "steps", List.of(Map.of("weight", 10, "shadow", true)), "traffic", GATEWAY_TRAFFIC)),
                        "a shadow step gives the canary a copy of the traffic and no share of it: its weight is 0"),
                bad("shadow step after a weighted one", spec -> spec.put("rollout", Map.of("strategy", "Canary",
                                "steps", List.of(Map.of("weight", 10), Map.of("weight", 0, "shadow", true)),
                                "traffic", GATEWAY_TRAFFIC)),
                        "a shadow step comes first, and there is at most one"),
                bad("unknown strategy", spec -> spec.put("rollout", Map.of("strategy", "BlueGreen")),
                        "spec.rollout.strategy: Unsupported value: \"BlueGreen\""),
                bad("gateway traffic without a gateway", spec -> spec.put("rollout", Map.of("strategy", "Canary",
                                "steps", List.of(Map.of("weight", 10)), "traffic", Map.of("provider", "GatewayAPI"))),
                        "traffic.provider GatewayAPI needs traffic.gateway: the Gateway the HTTPRoute attaches to"),
                bad("unknown traffic provider", spec -> spec.put("rollout", Map.of("traffic", Map.of("provider", "Istio"))),
                        "spec.rollout.traffic.provider: Unsupported value: \"Istio\""),
                bad("gateway without a name", spec -> spec.put("rollout", Map.of("traffic",
                                Map.of("provider", "GatewayAPI", "gateway", Map.of("namespace", "gateways")))),
                        "spec.rollout.traffic.gateway.name: Required value"),
                bad("hostname that is no DNS name", spec -> spec.put("rollout", Map.of("traffic",
                                Map.of("provider", "GatewayAPI", "gateway", Map.of("name", "public"),
                                        "hostnames", List.of("Iris.Example.com")))),
                        "a hostname is a lower-case DNS name, optionally starting with '*.', such as iris.example.com"),
                bad("unknown image pull policy", spec -> spec.put("runtime", Map.of("imagePullPolicy", "Sometimes")),
                        "spec.runtime.imagePullPolicy: Unsupported value: \"Sometimes\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badManifests")
    void apiServerRejectsBadManifestWithASpecificMessage(String name, Consumer<Map<String, Object>> breakIt,
            String message, KubernetesClient client) {
        Map<String, Object> spec = validSpec();
        breakIt.accept(spec);

        assertThatThrownBy(() -> client.resource(manifest("bad", spec)).create())
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
                .hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "iris.v1 | must start with a lower-case letter and contain only lower-case letters, digits and '-'",
            "1iris | must start with a lower-case letter",
            "a-name-that-is-far-too-long-for-its-services-to-fit-in-63 | is at most 56 characters",
            "iris-canary | must not end in -canary or -stable: the ModelDeployment iris names its canary's Deployment "
                    + "and Services that way",
            "iris-stable | must not end in -canary or -stable",
    })
    void apiServerRejectsANameThatCannotNameItsChildren(String name, String message, KubernetesClient client) {
        assertThatThrownBy(() -> client.resource(manifest(name, validSpec())).create())
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
                .hasMessageContaining(message);
    }

    @Test
    void aNameThatOnlyContainsCanaryIsAccepted(KubernetesClient client) {
        assertThat(client.resource(manifest("canary-iris", validSpec())).create()).isNotNull();
        assertThat(client.resource(manifest("iris-canaryx", validSpec())).create()).isNotNull();
    }

    @Test
    void aFiftySixCharacterNameIsAccepted(KubernetesClient client) {
        String name = "m" + "x".repeat(55);
        assertThat(client.resource(manifest(name, validSpec())).create().getMetadata().getName()).hasSize(56);
    }

    @Test
    void apiServerAcceptsAValidManifestAndFillsInTheDefaults(KubernetesClient client) {
        var created = client.resources(ModelDeployment.class).resource(
                client.getKubernetesSerialization().convertValue(manifest("iris", validSpec()), ModelDeployment.class))
                .create();

        ModelDeploymentSpec spec = created.getSpec();
        assertThat(spec.replicas()).isEqualTo(1);
        assertThat(spec.runtime().port()).isEqualTo(8080);
        assertThat(spec.runtime().grpcPort()).isEqualTo(8081);
        assertThat(spec.runtime().batching()).isEqualTo(new BatchingSpec(32, 0));
        assertThat(spec.probes().readiness()).isEqualTo(new ProbeSpec("/v2/health/ready", null, 5, 2, 3));
        assertThat(spec.probes().liveness()).isEqualTo(new ProbeSpec("/v2/health/live", null, 10, 2, 3));
        assertThat(spec.model().format()).isEqualTo(ModelFormat.ONNX);
        assertThat(spec.rollout().strategy()).isEqualTo(RolloutSpec.Strategy.RollingUpdate);
        assertThat(spec.rollout().traffic().provider()).isEqualTo(TrafficSpec.Provider.ReplicaRatio);
    }

    @Test
    void anS3ModelWithItsStoreIsAccepted(KubernetesClient client) {
        Map<String, Object> spec = validSpec();
        model(spec).put("uri", "s3://models/iris/model.onnx");
        Map<String, Object> byPrefix = validSpec();
        model(byPrefix).put("uri", "s3://models/iris/1.0.0/");
        assertThat(client.resource(manifest("from-s3-prefix", byPrefix)).create().getMetadata().getUid())
                .as("a prefix names the bundle's folder").isNotBlank();
        model(spec).put("s3", Map.of("endpoint", "https://minio.storage.svc:9000", "region", "eu-west-1",
                "pathStyle", true, "credentialsSecret", "iris-store"));

        var created = client.resources(ModelDeployment.class).resource(
                client.getKubernetesSerialization().convertValue(manifest("from-s3", spec), ModelDeployment.class))
                .create();

        assertThat(created.getSpec().model().s3().credentialsSecret()).isEqualTo("iris-store");
        assertThat(created.getSpec().model().s3().pathStyle()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"oci://ghcr.io/acme/models/iris:1.0.0",
            "oci://localhost:5000/iris@sha256:4e4f1c0b6a0bb0d1c3e1f5a0b7d2e8c9f3a6b5d4c3b2a1908f7e6d5c4b3a2910",
            "oci://registry.models.svc:5000/team-a/iris_onnx:v2.1-rc.1"})
    void anOciModelByTagOrDigestIsAccepted(String uri, KubernetesClient client) {
        Map<String, Object> spec = validSpec();
        model(spec).put("uri", uri);

        var created = client.resource(manifest("from-oci-" + Math.abs(uri.hashCode()), spec)).create();

        assertThat(created.getAdditionalProperties().toString()).contains(uri);
    }

    @Test
    void aPlainHttpModelWithItsDigestIsAccepted(KubernetesClient client) {
        Map<String, Object> spec = validSpec();
        model(spec).put("uri", "http://models.storage.svc/iris/model.onnx");
        model(spec).put("sha256", "a".repeat(64));

        assertThat(client.resource(manifest("from-http", spec)).create().getMetadata().getUid()).isNotBlank();
    }

    private static final Map<String, Object> GATEWAY_TRAFFIC = Map.of("provider", "GatewayAPI",
            "gateway", Map.of("name", "public"));

    @ParameterizedTest
    @ValueSource(strings = {"ReplicaRatio", "GatewayAPI"})
    void aShadowStepFirstIsAcceptedWithEitherTrafficProvider(String provider, KubernetesClient client) {
        Map<String, Object> spec = validSpec();
        spec.put("rollout", Map.of("strategy", "Canary", "steps", List.of(Map.of("weight", 0, "shadow", true,
                "pause", "5m"), Map.of("weight", 50)), "traffic", "GatewayAPI".equals(provider) ? GATEWAY_TRAFFIC
                        : Map.of("provider", provider)));

        var created = client.resources(ModelDeployment.class).resource(client.getKubernetesSerialization()
                .convertValue(manifest("shadowed-" + provider.toLowerCase(java.util.Locale.ROOT), spec),
                        ModelDeployment.class)).create();

        assertThat(created.getSpec().rollout().hasShadowStep()).isTrue();
        assertThat(created.getSpec().rollout().analysis().metrics().minShadowAgreementPercent()).isEqualTo(95.0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ReplicaRatio", "GatewayAPI"})
    void aCanaryWithAutoscalingIsAcceptedWithEitherTrafficProvider(String provider, KubernetesClient client) {
        Map<String, Object> spec = validSpec();
        spec.put("autoscaling", Map.of("minReplicas", 2, "maxReplicas", 6));
        spec.put("rollout", Map.of("strategy", "Canary", "steps", List.of(Map.of("weight", 10)),
                "traffic", provider.equals("GatewayAPI")
                        ? Map.of("provider", provider, "gateway", Map.of("name", "public"))
                        : Map.of("provider", provider)));

        var created = client.resources(ModelDeployment.class).resource(
                client.getKubernetesSerialization().convertValue(
                        manifest("autoscaled-" + provider.toLowerCase(Locale.ROOT), spec),
                        ModelDeployment.class))
                .create();

        assertThat(created.getSpec().rollout().traffic().provider().name()).isEqualTo(provider);
        assertThat(created.getSpec().autoscaling().maxReplicas()).isEqualTo(6);
    }

    private static Arguments bad(String name, Consumer<Map<String, Object>> breakIt, String message) {
        return Arguments.of(name, breakIt, message);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> model(Map<String, Object> spec) {
        return (Map<String, Object>) spec.get("model");
    }

    private static Map<String, Object> validSpec() {
        var model = new HashMap<String, Object>(Map.of("name", "iris", "version", "1.0.0", "format", "onnx",
                "uri", "file:///models/iris"));
        return new HashMap<>(Map.of("model", model));
    }

    private static GenericKubernetesResource manifest(String name,
            Map<String, Object> spec) {
        var resource = new GenericKubernetesResourceBuilder()
                .withApiVersion(ModelDeployment.GROUP + "/" + ModelDeployment.VERSION)
                .withKind("ModelDeployment")
                .withNewMetadata().withName(name).endMetadata()
                .build();
        resource.setAdditionalProperties(new HashMap<>(Map.of("spec", spec)));
        return resource;
    }
}

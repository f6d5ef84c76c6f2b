package io.modeldeploy.operator.resources;

import static io.modeldeploy.operator.ModelDeployments.IMAGE;
import static io.modeldeploy.operator.ModelDeployments.iris;
import static io.modeldeploy.operator.ModelDeployments.spec;
import static io.modeldeploy.operator.ModelDeployments.with;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.ModelDeploymentSpec;
import io.modeldeploy.api.v1alpha1.S3SourceSpec;

class ServingPodTemplateTest {

    @Test
    void configuresTheRuntimeThroughItsEnvironment() {
        assertThat(env(container(iris()))).containsExactlyInAnyOrderEntriesOf(Map.of(
                RuntimeContract.ENV_MODEL_NAME, "iris",
                RuntimeContract.ENV_MODEL_VERSION, "1.0.0",
                RuntimeContract.ENV_MODEL_FORMAT, "onnx",
                RuntimeContract.ENV_MODEL_LOCATION, "/models/iris",
                RuntimeContract.ENV_HTTP_PORT, "8080",
                RuntimeContract.ENV_GRPC_PORT, "8081",
                RuntimeContract.ENV_BATCH_MAX_SIZE, "32",
                RuntimeContract.ENV_BATCH_MAX_DELAY_MS, "0",
                RuntimeContract.ENV_CACHE_DIR, RuntimeContract.CACHE_PATH,
                RuntimeContract.ENV_MAX_MODEL_MIB, "4096"));
    }

    @Test
    void withAShadowStepTheRuntimeMirrorsToTheShadowServiceByTheAddressTheKubeletGivesIt() {
        var spec = iris().getSpec();
        var rollout = new io.modeldeploy.api.v1alpha1.RolloutSpec(io.modeldeploy.api.v1alpha1.RolloutSpec.Strategy.Canary,
                List.of(new io.modeldeploy.api.v1alpha1.CanaryStepSpec(0, "5m", true),
                        new io.modeldeploy.api.v1alpha1.CanaryStepSpec(50, null)),
                null, new io.modeldeploy.api.v1alpha1.TrafficSpec(io.modeldeploy.api.v1alpha1.TrafficSpec.Provider.GatewayAPI,
                        new io.modeldeploy.api.v1alpha1.GatewayRefSpec("public", null, null), null));
        var md = with(new ModelDeploymentSpec(spec.model(), spec.runtime(), 2, null, spec.probes(), null, null, null,
                600, rollout));

        assertThat(env(container(md))).containsEntry(RuntimeContract.ENV_SHADOW_URL,
                "http://$(IRIS_SHADOW_SERVICE_HOST):$(IRIS_SHADOW_SERVICE_PORT)");
        assertThat(ServingPodTemplate.desired(md, Labels.TRACK_STABLE, IMAGE).getSpec().getEnableServiceLinks())
                .as("the kubelet expands the variables only with service links").isTrue();
        assertThat(env(container(iris()))).doesNotContainKey(RuntimeContract.ENV_SHADOW_URL);
        assertThat(ServingPodTemplate.desired(iris(), Labels.TRACK_STABLE, IMAGE).getSpec().getEnableServiceLinks())
                .isFalse();
    }

    @Test
    void scratchVolumesHaveSizeLimitsThatHoldTheLargestDownloadedModel() {
        var volumes = ServingPodTemplate.desired(iris(), Labels.TRACK_STABLE, IMAGE).getSpec().getVolumes();
        assertThat(volumes).filteredOn(v -> v.getName().equals(RuntimeContract.CACHE_VOLUME)).singleElement()
                .satisfies(v -> assertThat(v.getEmptyDir().getSizeLimit().toString()).isEqualTo("6144Mi"));
        assertThat(volumes).filteredOn(v -> v.getName().equals(RuntimeContract.TMP_VOLUME)).singleElement()
                .satisfies(v -> assertThat(v.getEmptyDir().getSizeLimit().toString()).isEqualTo("1Gi"));
    }

    @Test
    void aUserVariableReplacesTheRuntimeSettingOfTheSameNameInsteadOfDuplicatingIt() {
        var md = with(spec("file:///models/iris", "1", 1, null,
                List.of(new EnvVar(RuntimeContract.ENV_BATCH_MAX_SIZE, "8", null), new EnvVar("EXTRA", "x", null)),
                null));

        List<EnvVar> env = container(md).getEnv();
        assertThat(env).extracting(EnvVar::getName).doesNotHaveDuplicates().contains("EXTRA");
        assertThat(env(container(md))).containsEntry(RuntimeContract.ENV_BATCH_MAX_SIZE, "8");
    }

    @Test
    void aPvcModelIsMountedReadOnlyAndFoundUnderTheMount() {
        var md = with(spec("pvc://model-store/iris/v1", "1", 1, null, null, null));
        PodTemplateSpec template = ServingPodTemplate.desired(md, Labels.TRACK_STABLE, IMAGE);

        assertThat(env(container(md))).containsEntry(RuntimeContract.ENV_MODEL_LOCATION, "/mnt/models/iris/v1");
        assertThat(template.getSpec().getVolumes()).filteredOn(v -> v.getPersistentVolumeClaim() != null)
                .singleElement().satisfies(v -> {
            assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("model-store");
            assertThat(v.getPersistentVolumeClaim().getReadOnly()).isTrue();
        });
        assertThat(container(md).getVolumeMounts())
                .filteredOn(m -> m.getMountPath().equals(RuntimeContract.MODEL_STORE_PATH)).singleElement()
                .satisfies(m -> {
            assertThat(m.getMountPath()).isEqualTo(RuntimeContract.MODEL_STORE_PATH);
            assertThat(m.getReadOnly()).isTrue();
        });
    }

    @Test
    void anHttpModelIsLeftForTheRuntimeToDownloadAndVerify() {
        var spec = spec("https://models.example/iris.onnx", "1", 1, null, null, null);
        var model = spec.model();
        var md = with(new ModelDeploymentSpec(new io.modeldeploy.api.v1alpha1.ModelSpec(model.name(),
                model.version(), model.format(), model.uri(), "a".repeat(64), null), spec.runtime(), 1, null,
                spec.probes(), null, null, null, 600, spec.rollout()));

        assertThat(env(container(md)))
                .containsEntry(RuntimeContract.ENV_MODEL_LOCATION, "https://models.example/iris.onnx")
                .containsEntry(RuntimeContract.ENV_MODEL_SHA256, "a".repeat(64));
        assertThat(ServingPodTemplate.desired(md, Labels.TRACK_STABLE, IMAGE).getSpec().getVolumes())
                .allSatisfy(v -> assertThat(v.getPersistentVolumeClaim()).isNull());
    }

    @Test
    void anS3ModelGetsItsStoreAndItsCredentialsFromTheSecretWithoutTheirValues() {
        var spec = spec("s3://models/iris/model.onnx", "1", 1, null, null, null);
        var model = spec.model();
        var md = with(new ModelDeploymentSpec(new io.modeldeploy.api.v1alpha1.ModelSpec(model.name(),
                model.version(), model.format(), model.uri(), null, null, new S3SourceSpec(
                        "http://minio.storage.svc:9000", "eu-west-1", null, "iris-store")), spec.runtime(), 1, null,
                spec.probes(), null, null, null, 600, spec.rollout()));

        List<EnvVar> env = container(md).getEnv();
        assertThat(env(container(md)))
                .containsEntry(RuntimeContract.ENV_MODEL_LOCATION, "s3://models/iris/model.onnx")
                .containsEntry(RuntimeContract.ENV_S3_ENDPOINT, "http://minio.storage.svc:9000")
                .containsEntry(RuntimeContract.ENV_S3_REGION, "eu-west-1")
                .doesNotContainKey(RuntimeContract.ENV_S3_PATH_STYLE);
        assertThat(env).filteredOn(e -> e.getName().startsWith("AWS_")).extracting(EnvVar::getName)
                .containsExactly("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
        assertThat(env).filteredOn(e -> e.getName().startsWith("AWS_")).allSatisfy(e -> {
            assertThat(e.getValue()).isNull();
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("iris-store");
            assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo(e.getName());
        });
    }

    @Test
    void anOciModelAtADigestIsAnImageVolumeMountedReadOnlyAndFoundUnderTheMount() {
        String digest = "sha256:" + "4e".repeat(32);
        var md = with(spec("oci://ghcr.io/acme/iris@" + digest, "1", 1, null, null, null));

        PodTemplateSpec template = ServingPodTemplate.desired(md, Labels.TRACK_STABLE, IMAGE);
        assertThat(template.getSpec().getVolumes())
                .filteredOn(v -> v.getName().equals(RuntimeContract.MODEL_IMAGE_VOLUME)).singleElement()
                .satisfies(v -> {
                    assertThat(v.getImage().getReference()).isEqualTo("ghcr.io/acme/iris@" + digest);
                    assertThat(v.getImage().getPullPolicy()).isEqualTo("IfNotPresent");
                });
        assertThat(container(md).getVolumeMounts())
                .filteredOn(m -> m.getName().equals(RuntimeContract.MODEL_IMAGE_VOLUME)).singleElement()
                .satisfies(m -> {
                    assertThat(m.getMountPath()).isEqualTo(RuntimeContract.MODEL_IMAGE_PATH);
                    assertThat(m.getReadOnly()).isTrue();
                });
        assertThat(env(container(md))).containsEntry(RuntimeContract.ENV_MODEL_LOCATION,
                RuntimeContract.MODEL_IMAGE_PATH);
        assertThat(ServingPodTemplate.revision(md, IMAGE)).as("another digest is another revision")
                .isNotEqualTo(ServingPodTemplate.revision(
                        with(spec("oci://ghcr.io/acme/iris@sha256:" + "5f".repeat(32), "1", 1, null, null, null)),
                        IMAGE));
    }

    @Test
    void aCacheClaimIsMountedWritableForTheRuntimesGroupAndNamedToTheRuntime() {
        var spec = spec("s3://models/iris/model.onnx", "1", 1, null, null, null);
        var model = spec.model();
        var md = with(new ModelDeploymentSpec(new io.modeldeploy.api.v1alpha1.ModelSpec(model.name(),
                model.version(), model.format(), model.uri(), "ab".repeat(32), null, null, "model-cache"),
                spec.runtime(), 1, null, spec.probes(), null, null, null, 600, spec.rollout()));

        PodTemplateSpec template = ServingPodTemplate.desired(md, Labels.TRACK_STABLE, IMAGE);
        assertThat(template.getSpec().getVolumes())
                .filteredOn(v -> v.getName().equals(RuntimeContract.SHARED_CACHE_VOLUME)).singleElement()
                .satisfies(v -> assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("model-cache"));
        assertThat(container(md).getVolumeMounts())
                .filteredOn(m -> m.getName().equals(RuntimeContract.SHARED_CACHE_VOLUME)).singleElement()
                .satisfies(m -> assertThat(m.getReadOnly()).isNull());
        assertThat(env(container(md))).containsEntry(RuntimeContract.ENV_SHARED_CACHE_DIR,
                RuntimeContract.SHARED_CACHE_PATH);
        assertThat(template.getSpec().getSecurityContext().getFsGroup()).isEqualTo(RuntimeContract.RUNTIME_USER);
        assertThat(ServingPodTemplate.desired(iris(), Labels.TRACK_STABLE, IMAGE).getSpec().getSecurityContext()
                .getFsGroup()).as("no shared cache, no group").isNull();
    }

    @Test
    void anAcceptanceGateReachesTheRuntimeAndIsPartOfTheRevision() {
        var spec = spec("file:///models/iris", "1", 1, null, null, null);
        var model = spec.model();
        var gated = with(new ModelDeploymentSpec(new io.modeldeploy.api.v1alpha1.ModelSpec(model.name(),
                model.version(), model.format(), model.uri(), null,
                new io.modeldeploy.api.v1alpha1.AcceptanceSpec(0.95, null)), spec.runtime(), 1, null,
                spec.probes(), null, null, null, 600, spec.rollout()));

        assertThat(env(container(gated))).containsEntry(RuntimeContract.ENV_ACCEPTANCE_MIN_ACCURACY, "0.95")
                .doesNotContainKey(RuntimeContract.ENV_ACCEPTANCE_MAX_ABSOLUTE_ERROR);
        assertThat(env(container(with(spec)))).doesNotContainKey(RuntimeContract.ENV_ACCEPTANCE_MIN_ACCURACY);
        assertThat(ServingPodTemplate.inputs(gated)).as("a user's change, not an operator upgrade")
                .isNotEqualTo(ServingPodTemplate.inputs(with(spec)));
    }

    @Test
    void runsRestrictedByDefaultAndWithTheUsersPodSecurityContextWhenGiven() {
        Container c = container(iris());
        assertThat(c.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        var pod = ServingPodTemplate.desired(iris(), Labels.TRACK_STABLE, IMAGE).getSpec();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();

        var spec = iris().getSpec();
        var custom = new PodSecurityContextBuilder().withRunAsUser(1234L).withFsGroup(2000L).build();
        var md = with(new ModelDeploymentSpec(spec.model(), spec.runtime(), 1, null, spec.probes(), null, custom,
                null, 600, spec.rollout()));
        assertThat(ServingPodTemplate.desired(md, Labels.TRACK_STABLE, IMAGE).getSpec().getSecurityContext())
                .isEqualTo(custom);
    }

    @Test
    void aStartupProbeWaitsForTheModelAsLongAsTheProgressDeadline() {
        Container c = container(iris());
        assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo("/v2/health/ready");
        assertThat(c.getStartupProbe().getPeriodSeconds()).isEqualTo(1);
        assertThat(c.getStartupProbe().getFailureThreshold()).isEqualTo(600);
    }

    @Test
    void aTerminatingPodKeepsServingUntilEndpointsConvergeThenDrains() {
        var template = ServingPodTemplate.desired(iris(), Labels.TRACK_STABLE, IMAGE);
        Container c = template.getSpec().getContainers().get(0);
        assertThat(c.getLifecycle().getPreStop().getSleep().getSeconds()).isEqualTo(RuntimeContract.DRAIN_DELAY_SECONDS);
        assertThat(template.getSpec().getTerminationGracePeriodSeconds())
                .isGreaterThan(RuntimeContract.DRAIN_DELAY_SECONDS + 20);
    }

    @Test
    void probesCheckTheRuntimesHealthEndpointsOnItsNamedPort() {
        Container c = container(iris());
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/v2/health/ready");
        assertThat(c.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo(RuntimeContract.PORT_NAME);
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/v2/health/live");
        assertThat(c.getPorts()).extracting(p -> p.getName() + ":" + p.getContainerPort())
                .containsExactly(RuntimeContract.PORT_NAME + ":8080", RuntimeContract.GRPC_PORT_NAME + ":8081");
        assertThat(c.getImage()).isEqualTo(IMAGE);
    }

    @Test
    void theRevisionChangesWithTheModelButNotWithTheReplicaCount() {
        String v1 = ServingPodTemplate.revision(iris(), IMAGE);
        assertThat(ServingPodTemplate.revision(iris(), IMAGE)).isEqualTo(v1);
        assertThat(ServingPodTemplate.revision(with(spec("file:///models/iris", "1.0.0", 7, null, null, null)),
                IMAGE)).isEqualTo(v1);
        assertThat(ServingPodTemplate.revision(with(spec("file:///models/iris", "2.0.0", 2, null, null, null)),
                IMAGE)).isNotEqualTo(v1);
        assertThat(ServingPodTemplate.revision(iris(), IMAGE + "-other")).isNotEqualTo(v1);
        assertThat(ServingPodTemplate.desired(iris(), Labels.TRACK_STABLE, IMAGE).getMetadata().getLabels())
                .containsEntry(Labels.REVISION, v1).containsEntry(Labels.TRACK, Labels.TRACK_STABLE);
    }

    @Test
    void theRevisionDoesNotDependOnTheOrderOfPodAnnotations() {
        var ab = new java.util.LinkedHashMap<String, String>();
        ab.put("a", "1");
        ab.put("b", "2");
        var ba = new java.util.LinkedHashMap<String, String>();
        ba.put("b", "2");
        ba.put("a", "1");
        assertThat(ServingPodTemplate.revision(with(spec("file:///m", "1", 1, null, null, ab)), IMAGE))
                .isEqualTo(ServingPodTemplate.revision(with(spec("file:///m", "1", 1, null, null, ba)), IMAGE));
    }

    private static Container container(ModelDeployment md) {
        return ServingPodTemplate.desired(md, Labels.TRACK_STABLE, IMAGE).getSpec().getContainers().get(0);
    }

    /** The container's plain environment values (not those read from a Secret or a field). */
    private static Map<String, String> env(Container c) {
        return c.getEnv().stream().filter(e -> e.getValueFrom() == null).collect(Collectors.toMap(EnvVar::getName,
                EnvVar::getValue,
                (a, b) -> { throw new AssertionError("duplicate env " + a); }, java.util.LinkedHashMap::new));
    }
}

package io.modeldeploy.operator;

import static io.modeldeploy.operator.ModelDeployments.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.ModelDeploymentStatus;
import io.modeldeploy.api.v1alpha1.ResolvedModelStatus;
import io.modeldeploy.operator.resources.RuntimeContract;
import io.modeldeploy.operator.status.Conditions;
import io.modeldeploy.testing.RealNode;
import io.modeldeploy.testing.TestNamespace;

/**
 * oci:// models against the test bed's real OCI registry (CNCF Distribution), published with hack/publish-model: the
 * operator pins a tag to its digest and the pods mount that digest as an image volume (on kwok's nodes here; the
 * end-to-end tests serve one on the real node).
 */
@RunningOperator
class OciModelIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void aTagIsPinnedToItsDigestAndPushingTheTagAgainChangesNothingUntilTheSpecChanges(KubernetesClient client,
            TestNamespace ns, @TempDir Path bundles) throws IOException {
        String repository = "it/" + ns.name() + "/iris";
        String first = RealNode.publishModel(bundle(bundles.resolve("first"), "first"), repository + ":prod");
        String tagged = "oci://" + RealNode.registry() + "/" + repository + ":prod";
        client.resource(modelDeployment(tagged, "1.0.0", 2)).create();

        await().atMost(TIMEOUT).until(() -> ModelDeploymentStates.ready(md(client)));
        ResolvedModelStatus pinned = md(client).getStatus().resolvedModel();
        assertThat(pinned.uri()).isEqualTo(tagged);
        assertThat("oci://" + pinned.image()).isEqualTo(first);
        assertThat(first).endsWith("@" + pinned.digest());
        assertThat(modelImage(client)).isEqualTo(pinned.image());

        // Someone pushes another bundle under the same tag; scaling up must not bring it in.
        String second = RealNode.publishModel(bundle(bundles.resolve("retrained"), "retrained"), repository + ":prod");
        assertThat(second).isNotEqualTo(first);
        UserEdits.replaceSpec(client, "iris", spec(tagged, "1.0.0", 3, null, null, null));
        await().atMost(TIMEOUT).until(() -> client.apps().deployments().withName("iris").get().getSpec()
                .getReplicas() == 3);
        assertThat(modelImage(client)).as("the pods still mount the pinned digest").isEqualTo(pinned.image());
        assertThat(md(client).getStatus().resolvedModel().digest()).isEqualTo(pinned.digest());

        // A new model version is a new spec: the tag is resolved again.
        UserEdits.replaceSpec(client, "iris", spec(tagged, "2.0.0", 3, null, null, null));
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat("oci://" + md(client).getStatus().resolvedModel().image()).isEqualTo(second);
            assertThat("oci://" + modelImage(client)).isEqualTo(second);
        });
    }

    @Test
    void aTagTheRegistryDoesNotHaveStallsWithTheRegistrysAnswerUntilItIsPushed(KubernetesClient client,
            TestNamespace ns, @TempDir Path bundles) throws IOException {
        String repository = "it/" + ns.name() + "/iris";
        String reference = RealNode.registry() + "/" + repository + ":1.0.0";
        client.resource(modelDeployment("oci://" + reference, "1.0.0", 1)).create();

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(md(client).getStatus())
                .extracting(ModelDeploymentStatus::conditions).asInstanceOf(InstanceOfAssertFactories.LIST)
                .anySatisfy(condition -> {
                    var c = (io.fabric8.kubernetes.api.model.Condition) condition;
                    assertThat(c.getType()).isEqualTo(Conditions.STALLED);
                    assertThat(c.getStatus()).isEqualTo(Conditions.TRUE);
                    assertThat(c.getReason()).isEqualTo(Conditions.MODEL_UNRESOLVABLE);
                    assertThat(c.getMessage()).isEqualTo("the registry " + RealNode.registry() + " has no "
                            + reference + " (404): push the bundle first, e.g. with hack/publish-model");
                }));
        assertThat(client.apps().deployments().withName("iris").get()).as("nothing to run yet").isNull();

        String published = RealNode.publishModel(bundle(bundles, "late"), repository + ":1.0.0");
        await().atMost(TIMEOUT).until(() -> ModelDeploymentStates.ready(md(client)));
        assertThat("oci://" + modelImage(client)).isEqualTo(published);
    }

    private static ModelDeployment modelDeployment(String uri, String version, int replicas) {
        var md = new ModelDeployment();
        md.setMetadata(new ObjectMetaBuilder().withName("iris").build());
        md.setSpec(spec(uri, version, replicas, null, null, null));
        return md;
    }

    private static ModelDeployment md(KubernetesClient client) {
        return client.resources(ModelDeployment.class).withName("iris").get();
    }

    /** The image the stable Deployment's pods mount the model from. */
    private static String modelImage(KubernetesClient client) {
        return client.apps().deployments().withName("iris").get().getSpec().getTemplate().getSpec().getVolumes()
                .stream().filter(v -> v.getName().equals(RuntimeContract.MODEL_IMAGE_VOLUME)).map(Volume::getImage)
                .findFirst().orElseThrow().getReference();
    }

    /**
     * A bundle hack/publish-model accepts (model.json naming its model file); kwok's pods never load it, so its model
     * file is only bytes, which differ with {@code content}.
     */
    private static Path bundle(Path dir, String content) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("model.json"), "{\"name\": \"iris\", \"format\": \"onnx\", \"file\": \"model.onnx\"}");
        Files.writeString(dir.resolve("model.onnx"), "not a model: " + content);
        return dir;
    }
}

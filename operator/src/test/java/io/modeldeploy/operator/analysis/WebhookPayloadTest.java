package io.modeldeploy.operator.analysis;

import static io.modeldeploy.operator.ModelDeployments.iris;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.ModelDeploymentStatus;
import io.modeldeploy.api.v1alpha1.RolloutStatus;
import io.modeldeploy.operator.resources.Labels;

/** What a webhook is POSTed, and how its answer reads in a message. */
class WebhookPayloadTest {

    @Test
    void aWebhookGetsTheRevisionsTheStepAndTheAddressesOfTheReadyCanaryPods() throws Exception {
        ModelDeployment md = iris();
        md.getMetadata().setNamespace("models");
        md.setStatus(new ModelDeploymentStatus(1L, "Canary", 2, 2, null, null, "1.0.0", "v1", List.of(),
                new RolloutStatus("Progressing", "v1", "v2", 2, null, null, null, null, 50, 50, "Progressing",
                        "canary v2 at step 2", null, null, null), null, null, null));

        Map<String, Object> payload = new ObjectMapper().readValue(CanaryAnalyses.payload(md, "v2",
                List.of(pod("iris-canary-a", Labels.TRACK_CANARY, "v2", "10.88.0.7", true),
                        pod("iris-canary-b", Labels.TRACK_CANARY, "v2", "10.88.0.8", false),
                        pod("iris-old", Labels.TRACK_CANARY, "v1", "10.88.0.9", true),
                        pod("iris-x", Labels.TRACK_STABLE, "v1", "10.88.0.3", true))), new TypeReference<>() {
                        });

        assertThat(payload).containsEntry("modelDeployment", "iris").containsEntry("namespace", "models")
                .containsEntry("model", "iris").containsEntry("modelVersion", "1.0.0")
                .containsEntry("canaryRevision", "v2").containsEntry("stableRevision", "v1")
                .containsEntry("step", 2).containsEntry("canaryWeight", 50)
                .containsEntry("canaryPods", List.of("10.88.0.7:8080"))
                .doesNotContainKey("canaryService");
    }

    @Test
    void anAnswersBodyIsShortenedToOneLine() {
        assertThat(WebhookCalls.message("")).isEmpty();
        assertThat(WebhookCalls.message("error rate\n  too high ")).isEqualTo(": error rate too high");
        assertThat(WebhookCalls.message("x".repeat(500))).hasSize(2 + 200 + 1).endsWith("…");
    }

    private static Pod pod(String name, String track, String revision, String ip, boolean ready) {
        return new PodBuilder().withNewMetadata().withName(name)
                .withLabels(Map.of(Labels.TRACK, track, Labels.REVISION, revision)).endMetadata()
                .withNewStatus().withPodIP(ip).addNewCondition().withType("Ready")
                .withStatus(ready ? "True" : "False").endCondition().endStatus().build();
    }
}

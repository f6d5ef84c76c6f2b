package io.modeldeploy.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.resources.Labels;
import io.modeldeploy.operator.status.Conditions;

/** What cluster tests wait for on a ModelDeployment read from the API server. */
public final class ModelDeploymentStates {
    private ModelDeploymentStates() {
    }

    /** Ready=True. */
    public static boolean ready(ModelDeployment md) {
        return md != null && md.getStatus() != null && md.getStatus().conditions() != null
                && md.getStatus().conditions().stream().anyMatch(
                        c -> Conditions.READY.equals(c.getType()) && Conditions.TRUE.equals(c.getStatus()));
    }

    /** Ready=True for the current generation, serving the model version. */
    public static boolean servesVersion(ModelDeployment md, String version) {
        return ready(md) && version.equals(md.getStatus().modelVersion())
                && md.getStatus().observedGeneration().equals(md.getMetadata().getGeneration());
    }

    /**
     * Waits until the ModelDeployment serves the version; on a timeout the failure says what the ModelDeployment,
     * its Deployments, ReplicaSets and pods looked like last, so that a slow test bed and an operator bug can be
     * told apart from the test's output alone.
     */
    public static void awaitServes(KubernetesClient client, String name, String version, Duration timeout) {
        await().atMost(timeout).untilAsserted(() -> assertThat(servesVersion(
                client.resources(ModelDeployment.class).withName(name).get(), version))
                .as(() -> "serving " + version + "; " + describe(client, name)).isTrue());
    }

    /** A one-paragraph account of a ModelDeployment and what it owns, read now. */
    public static String describe(KubernetesClient client, String name) {
        ModelDeployment md = client.resources(ModelDeployment.class).withName(name).get();
        var text = new StringBuilder();
        if (md == null || md.getStatus() == null) {
            text.append("md ").append(name).append(md == null ? " missing" : " without status");
        } else {
            var status = md.getStatus();
            text.append("md generation ").append(md.getMetadata().getGeneration()).append(" observed ")
                    .append(status.observedGeneration()).append(" phase ").append(status.phase())
                    .append(" version ").append(status.modelVersion()).append(" conditions ")
                    .append(status.conditions() == null ? "none" : status.conditions().stream()
                            .map(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason() + ": " + c.getMessage())
                            .collect(Collectors.joining("; ")));
        }
        client.apps().deployments().withLabel(Labels.MODEL_DEPLOYMENT, name).list().getItems().forEach(d -> text
                .append(" | deployment ").append(d.getMetadata().getName()).append(" generation ")
                .append(d.getMetadata().getGeneration()).append(" observed ")
                .append(d.getStatus() == null ? null : d.getStatus().getObservedGeneration()).append(" replicas ")
                .append(d.getSpec().getReplicas()).append(" ready ")
                .append(d.getStatus() == null ? null : d.getStatus().getReadyReplicas()).append(" updated ")
                .append(d.getStatus() == null ? null : d.getStatus().getUpdatedReplicas()));
        client.apps().replicaSets().withLabel(Labels.MODEL_DEPLOYMENT, name).list().getItems().forEach(r -> text
                .append(" | replicaset ").append(r.getMetadata().getName()).append(" replicas ")
                .append(r.getSpec().getReplicas()).append(" ready ")
                .append(r.getStatus() == null ? null : r.getStatus().getReadyReplicas()).append(" observed ")
                .append(r.getStatus() == null ? null : r.getStatus().getObservedGeneration()).append("/")
                .append(r.getMetadata().getGeneration()));
        var pods = client.pods().withLabel(Labels.MODEL_DEPLOYMENT, name).list().getItems();
        text.append(" | pods ").append(pods.size()).append(", ready ").append(pods.stream()
                .filter(ModelDeploymentStates::podReady).count());
        return text.toString();
    }

    private static boolean podReady(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
                .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}

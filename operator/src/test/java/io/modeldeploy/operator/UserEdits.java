package io.modeldeploy.operator;

import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.ModelDeploymentSpec;
import io.modeldeploy.operator.rollout.RolloutCoordinator;
import io.modeldeploy.testing.UnreadyMarker;

/**
 * What a person does to objects the operator and the cluster keep writing, sent as {@code kubectl annotate} and
 * {@code kubectl patch} send it: a patch without a resourceVersion. Fabric8's {@code edit} locks on the
 * resourceVersion it read, so a status write landing in between (the operator's, kwok's) fails it with 409.
 */
public final class UserEdits {
    private UserEdits() {
    }

    /** Sets the rollout-action annotation of the ModelDeployment {@code name} to {@code action}. */
    public static void requestRolloutAction(KubernetesClient client, String name, String action) {
        annotate(client, name, RolloutCoordinator.ACTION_ANNOTATION, action);
    }

    /** Sets spec.replicas of the ModelDeployment {@code name}, as kubectl scale does. */
    public static void scale(KubernetesClient client, String name, int replicas) {
        client.resources(ModelDeployment.class).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
                Serialization.asJson(Map.of("spec", Map.of("replicas", replicas))));
    }

    /** Sets one annotation of the ModelDeployment {@code name}, as kubectl annotate --overwrite does. */
    public static void annotate(KubernetesClient client, String name, String key, String value) {
        client.resources(ModelDeployment.class).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
                Serialization.asJson(Map.of("metadata", Map.of("annotations", Map.of(key, value)))));
    }

    /** Replaces the spec of the ModelDeployment {@code name}, as a new manifest applied over the old one does. */
    public static void replaceSpec(KubernetesClient client, String name, ModelDeploymentSpec spec) {
        client.resources(ModelDeployment.class).withName(name).patch(PatchContext.of(PatchType.JSON),
                "[{\"op\":\"replace\",\"path\":\"/spec\",\"value\":" + Serialization.asJson(spec) + "}]");
    }

    /** Makes a running pod fail its readiness checks from now on (see {@link UnreadyMarker}). */
    public static void markUnready(KubernetesClient client, Pod pod) {
        client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("metadata",
                        Map.of("annotations", Map.of(UnreadyMarker.ANNOTATION, "true")))));
    }
}

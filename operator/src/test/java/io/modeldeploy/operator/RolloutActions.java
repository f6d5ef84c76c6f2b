package io.modeldeploy.operator;

import java.util.HashMap;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.rollout.RolloutCoordinator;

/** What a person does to steer a rollout in the tests: set the rollout-action annotation. */
final class RolloutActions {
    private RolloutActions() {
    }

    /** Sets the rollout-action annotation of the ModelDeployment {@code name} to {@code action}. */
    static void request(KubernetesClient client, String name, String action) {
        client.resources(ModelDeployment.class).withName(name).edit(md -> {
            var annotations = new HashMap<String, String>();
            if (md.getMetadata().getAnnotations() != null) {
                annotations.putAll(md.getMetadata().getAnnotations());
            }
            annotations.put(RolloutCoordinator.ACTION_ANNOTATION, action);
            md.getMetadata().setAnnotations(annotations);
            return md;
        });
    }
}

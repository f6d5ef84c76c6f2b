package io.modeldeploy.operator.dependents;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.resources.Labels;

/**
 * An earlier pod template of the stable Deployment, from the ReplicaSets its controller keeps as history
 * (revisionHistoryLimit). Read only when a promotion is aborted after the stable Deployment took the canary's
 * template: the stable revision's template is no longer anywhere else. A direct read, no informer: it is rare.
 */
final class StableHistory {
    /** The label the Deployment controller adds to its ReplicaSets' templates. */
    private static final String POD_TEMPLATE_HASH = "pod-template-hash";

    private StableHistory() {
    }

    static Optional<PodTemplateSpec> template(KubernetesClient client, ModelDeployment md, String revision) {
        Map<String, String> selector = new HashMap<>(Labels.track(md, Labels.TRACK_STABLE));
        selector.put(Labels.REVISION, revision);
        return client.apps().replicaSets().inNamespace(md.getMetadata().getNamespace()).withLabels(selector).list()
                .getItems().stream()
                .filter(rs -> rs.getMetadata().getOwnerReferences().stream()
                        .anyMatch(o -> "Deployment".equals(o.getKind()) && md.getMetadata().getName().equals(o.getName())))
                .findFirst()
                .map(rs -> new PodTemplateSpecBuilder(rs.getSpec().getTemplate()).editMetadata()
                        .removeFromLabels(POD_TEMPLATE_HASH).endMetadata().build());
    }
}

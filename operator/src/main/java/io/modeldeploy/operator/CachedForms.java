package io.modeldeploy.operator;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;

/**
 * What the operator keeps of the objects it only reads (its serving pods and their Services' EndpointSlices) in its
 * informers' caches: the fields its status, rollout and analysis code reads, nothing else. A pod as the API server
 * sends it is mostly its spec (containers, probes, environment, volumes) and its managed fields, none of which the
 * operator reads; kept whole, the pod cache would grow with the size of every pod and not only with their number.
 * <p>
 * The objects the operator applies (Deployments, Services, autoscalers, HTTPRoutes) are cached whole: server-side
 * apply's comparison of desired and actual reads their managed fields.
 */
public final class CachedForms {
    private CachedForms() {
    }

    /** An item store that keeps each pod in its {@linkplain #pod cached form}. */
    public static ItemStore<Pod> pods() {
        return new TransformingItemStore<>(CachedForms::pod);
    }

    /** An item store that keeps each EndpointSlice in its {@linkplain #endpointSlice cached form}. */
    public static ItemStore<EndpointSlice> endpointSlices() {
        return new TransformingItemStore<>(CachedForms::endpointSlice);
    }

    /**
     * A pod's identity, labels, creation and deletion times, the image volumes of its spec (an {@code oci://}
     * model's image, named in a pull error) and its status: all that status, rollout and analysis read.
     */
    public static Pod pod(Pod pod) {
        var kept = new Pod();
        kept.setApiVersion(pod.getApiVersion());
        kept.setKind(pod.getKind());
        kept.setMetadata(metadata(pod.getMetadata()));
        if (pod.getSpec() != null) {
            var spec = new PodSpec();
            spec.setNodeName(pod.getSpec().getNodeName());
            if (pod.getSpec().getVolumes() != null) {
                spec.setVolumes(pod.getSpec().getVolumes().stream().filter(v -> v.getImage() != null).toList());
            }
            kept.setSpec(spec);
        }
        kept.setStatus(pod.getStatus());
        return kept;
    }

    /** An EndpointSlice's identity, labels (the Service it belongs to), endpoints and ports. */
    public static EndpointSlice endpointSlice(EndpointSlice slice) {
        var kept = new EndpointSlice();
        kept.setApiVersion(slice.getApiVersion());
        kept.setKind(slice.getKind());
        kept.setMetadata(metadata(slice.getMetadata()));
        kept.setAddressType(slice.getAddressType());
        kept.setEndpoints(slice.getEndpoints());
        kept.setPorts(slice.getPorts());
        return kept;
    }

    /** Name, namespace, uid, resource version, labels, creation and deletion: no managed fields, no annotations. */
    private static ObjectMeta metadata(ObjectMeta meta) {
        return new ObjectMetaBuilder()
                .withName(meta.getName())
                .withNamespace(meta.getNamespace())
                .withUid(meta.getUid())
                .withResourceVersion(meta.getResourceVersion())
                .withLabels(meta.getLabels())
                .withCreationTimestamp(meta.getCreationTimestamp())
                .withDeletionTimestamp(meta.getDeletionTimestamp())
                .build();
    }
}

package io.modeldeploy.operator;

import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.SSABasedGenericKubernetesResourceMatcher;
import io.modeldeploy.api.v1alpha1.ModelDeployment;

/**
 * What the operator keeps of the objects it only reads (its serving pods and their Services' EndpointSlices) in its
 * informers' caches: the fields its status, rollout and analysis code reads, nothing else. A pod as the API server
 * sends it is mostly its spec (containers, probes, environment, volumes) and its managed fields, none of which the
 * operator reads; kept whole, the pod cache would grow with the size of every pod and not only with their number.
 * <p>
 * The objects the operator applies (Deployments, Services, autoscalers, routes) are cached whole but for their
 * managed fields: server-side apply's comparison of desired and actual (JOSDK's matcher) reads only the operator's
 * own apply entry, so the entries of the other writers (the API server's defaults, the controllers' status) are
 * dropped, and the branches of the operator's entry are shared by every object that has the same ones. A
 * ModelDeployment is cached without its managed fields and kubectl's copy of the last applied manifest: the operator
 * reads its spec, annotations and status, and writes its status from a new object. In each cached form, the empty
 * extension maps of the Fabric8 model objects are one shared map and its strings are their canonical instances
 * ({@link SharedValues}).
 */
public final class CachedForms {
    /** kubectl's client-side apply annotation: the whole manifest once more, read by kubectl only. */
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    /**
     * One instance of each distinct branch of the operator's field sets: the {@code f:spec} of a thousand
     * Deployments of one shape is one tree, although each field set differs from the others in its owner
     * reference's uid. Weak, so a branch no cached object holds any more is collected.
     */
    private static final Map<Map<String, Object>, WeakReference<Map<String, Object>>> BRANCHES = new WeakHashMap<>();

    private CachedForms() {
    }

    /**
     * An informer's item store that keeps each object in a cached form. Unlike JOSDK's {@code
     * TransformingItemStore}, it does not put the object's own name, namespace and resource version back after the
     * cached form is made (for forms that drop them): every cached form keeps them, as their canonical instances
     * ({@link SharedValues}), so that the namespace is one string for all the objects in it and not a copy in each
     * (and in each key JOSDK makes from it). The keys ({@code namespace/name}) are shared by the caches of all
     * kinds too.
     */
    public static class Store<R extends HasMetadata> implements ItemStore<R> {
        private final ConcurrentHashMap<String, R> objects = new ConcurrentHashMap<>();
        private final UnaryOperator<R> form;

        public Store(UnaryOperator<R> form) {
            this.form = form;
        }

        @Override
        public String getKey(R object) {
            return Cache.metaNamespaceKeyFunc(object).intern();
        }

        @Override
        public R put(String key, R object) {
            return objects.put(key, form.apply(object));
        }

        @Override
        public R remove(String key) {
            return objects.remove(key);
        }

        @Override
        public Stream<String> keySet() {
            return objects.keySet().stream();
        }

        @Override
        public Stream<R> values() {
            return objects.values().stream();
        }

        @Override
        public int size() {
            return objects.size();
        }

        @Override
        public R get(String key) {
            return objects.get(key);
        }

        /** Not the objects as the API server sent them: an informer must not compare them with those. */
        @Override
        public boolean isFullState() {
            return false;
        }
    }

    /** An item store that keeps each object the operator applies in its {@linkplain #applied cached form}. */
    public static final class Applied<R extends HasMetadata> extends Store<R> {
        public Applied() {
            super(CachedForms::applied);
        }
    }

    /** An item store that keeps each ModelDeployment in its {@linkplain #modelDeployment cached form}. */
    public static final class ModelDeployments extends Store<ModelDeployment> {
        public ModelDeployments() {
            super(CachedForms::modelDeployment);
        }
    }

    /**
     * An applied object with, of its managed fields, only the operator's own apply entry: the one entry
     * server-side apply's matcher reads ({@link SSABasedGenericKubernetesResourceMatcher}). Its field set is
     * made of the branch instances every cached object with the same branches shares: they are only read.
     */
    public static <R extends HasMetadata> R applied(R object) {
        ObjectMeta meta = object.getMetadata();
        if (meta.getManagedFields() != null) {
            meta.setManagedFields(meta.getManagedFields().stream().filter(CachedForms::operatorsApply)
                    .map(CachedForms::sharingItsFieldSet).toList());
        }
        return SharedValues.share(object);
    }

    /** A ModelDeployment without its managed fields and kubectl's last-applied annotation. */
    public static ModelDeployment modelDeployment(ModelDeployment md) {
        ObjectMeta meta = md.getMetadata();
        meta.setManagedFields(null);
        if (meta.getAnnotations() != null && meta.getAnnotations().containsKey(LAST_APPLIED)) {
            var annotations = new LinkedHashMap<>(meta.getAnnotations());
            annotations.remove(LAST_APPLIED);
            meta.setAnnotations(annotations);
        }
        return SharedValues.share(md);
    }

    private static boolean operatorsApply(ManagedFieldsEntry entry) {
        return ModelDeploymentReconciler.FIELD_MANAGER.equals(entry.getManager())
                && SSABasedGenericKubernetesResourceMatcher.APPLY_OPERATION.equals(entry.getOperation());
    }

    private static ManagedFieldsEntry sharingItsFieldSet(ManagedFieldsEntry entry) {
        FieldsV1 fields = entry.getFieldsV1();
        if (fields != null) {
            var shared = new FieldsV1();
            synchronized (BRANCHES) {
                shared.setAdditionalProperties(shared(fields.getAdditionalProperties()));
            }
            entry.setFieldsV1(shared);
        }
        return entry;
    }

    /** The known instance equal to {@code branch} once its own branches are the known ones (bottom up). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> shared(Map<String, Object> branch) {
        var rebuilt = new LinkedHashMap<String, Object>(branch.size() * 4 / 3 + 1);
        branch.forEach((key, value) -> rebuilt.put(key,
                value instanceof Map<?, ?> child ? shared((Map<String, Object>) child) : value));
        WeakReference<Map<String, Object>> known = BRANCHES.get(rebuilt);
        Map<String, Object> instance = known == null ? null : known.get();
        if (instance == null) {
            instance = Collections.unmodifiableMap(rebuilt);
            BRANCHES.put(instance, new WeakReference<>(instance));
        }
        return instance;
    }

    /** An item store that keeps each pod in its {@linkplain #pod cached form}. */
    public static ItemStore<Pod> pods() {
        return new Store<>(CachedForms::pod);
    }

    /** An item store that keeps each EndpointSlice in its {@linkplain #endpointSlice cached form}. */
    public static ItemStore<EndpointSlice> endpointSlices() {
        return new Store<>(CachedForms::endpointSlice);
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
        return SharedValues.share(kept);
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
        return SharedValues.share(kept);
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

package io.modeldeploy.operator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.SSABasedGenericKubernetesResourceMatcher;
import io.modeldeploy.api.v1alpha1.ModelDeployment;

/**
 * What the operator keeps of the objects in its informers' caches, and how. Each object is kept in a cached form
 * that holds what the operator reads of it:
 * <ul>
 * <li>The objects it only reads (its serving pods and their Services' EndpointSlices): the fields its status,
 * rollout and analysis code reads, nothing else. A pod as the API server sends it is mostly its spec (containers,
 * probes, environment, volumes) and its managed fields, none of which the operator reads.
 * <li>The objects it applies (Deployments, Services, autoscalers, routes): whole but for their managed fields.
 * Server-side apply's comparison of desired and actual (JOSDK's matcher) reads only the operator's own apply entry,
 * so the entries of the other writers (the API server's defaults, the controllers' status) are dropped. The pod
 * template stays: a promotion or an operator upgrade's hold carries a Deployment's template over as it is.
 * <li>A ModelDeployment: without its managed fields and kubectl's copy of the last applied manifest. The operator
 * reads its spec, annotations and status, and writes its status from a new object.
 * </ul>
 * Each cached form is kept as its JSON, deflated with the JSON of the first object of its store as the preset
 * dictionary ({@link Store}): the objects of one kind that the operator makes differ in a few names and values, so
 * each compresses to what sets it apart: a Deployment of the operator's, 3.3 KB of JSON without the API server's
 * defaults and managed fields, to 110 bytes; at 10,000 ModelDeployments the children's caches had held 124 MB as
 * objects (docs/benchmarks.md, hack/bench-cached-forms). A read parses the object anew (18 µs for that
 * Deployment), so each read is the caller's own copy.
 * <p>
 * Of the objects a child's store is handed and hands on, only their identities stay whole ({@link Store}): what
 * the informer passes on to JOSDK's handlers, which read no more than an object's metadata, would otherwise be
 * every object of the kind at once while an informer (re)starts.
 */
public final class CachedForms {
    /**
     * The objects an informer asks for per list request when it starts (client-go's page). Without a limit the API
     * server sends every object of the kind in one answer, which the client parses whole before it caches any: a
     * restart over 10,000 ModelDeployments would hold 10,000 whole Deployments at once (about 75 MB of JSON and
     * as much as model objects), where a page holds 500.
     */
    public static final long LIST_PAGE = 500;
    /** kubectl's client-side apply annotation: the whole manifest once more, read by kubectl only. */
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    /** zlib reads no more of a preset dictionary than its 32 KiB window. */
    private static final int DICTIONARY_LIMIT = 32 * 1024;
    /**
     * Writes and parses cached forms, configured as Fabric8 configures the client's: its modules, what it leaves out
     * when it writes. Used on bytes directly, without Fabric8's stream wrappers and strings.
     */
    private static final ObjectMapper MAPPER = kubernetesMapper();

    private CachedForms() {
    }

    private static ObjectMapper kubernetesMapper() {
        ObjectMapper mapper = new ObjectMapper();
        new KubernetesSerialization(mapper, true); // configures the mapper it is given
        return mapper;
    }

    /**
     * An informer's item store that keeps each object's cached form packed: its JSON, deflated with a preset
     * dictionary, the JSON of the first object put in this store. Every object of a store is of one kind and, for
     * the operator's own, of one shape, so the dictionary holds nearly all of each. It is kept for the store's
     * life, whatever becomes of that first object. {@link #get}, {@link #values} and the objects that {@link #put}
     * and {@link #remove} return are parsed anew from the packed form: each is the caller's own, and writing to
     * it changes nothing in the cache.
     * <p>
     * A store of one of the operator's children ({@code identities}) keeps memory to what it holds packed while
     * an informer starts, when the API server sends every object of the kind at once:
     * <ul>
     * <li>{@link #values} lists each object's identity, its metadata without managed fields, and no spec or
     * status. Only Fabric8 and JOSDK list a store, and only for identities: after each full list, Fabric8 lists
     * it to find the keys that are gone, and JOSDK lists it at start to index each child under its
     * ModelDeployment (by labels). Each lists the whole store into one list: at 10,000 ModelDeployments, 10,000
     * Deployments parsed at once, where identities are a tenth of that.
     * <li>{@link #put} returns the identity of the object it replaces, and leaves of the object it was handed
     * only its identity: the informer hands both on to JOSDK's handlers (as an update's old and new, or an add),
     * which map a child to its ModelDeployment by its metadata and compare resource versions. While they catch up
     * with an informer's first list, its objects wait in the informer's queue: as the API server sent them, that
     * was every object of the kind whole.
     * </ul>
     * A ModelDeployment's store hands on whole objects: the update filter compares the old spec and the new.
     * <p>
     * The keys ({@code namespace/name}) are their canonical instances, shared by the caches of all kinds.
     */
    public static class Store<R extends HasMetadata> implements ItemStore<R> {
        private final ConcurrentHashMap<String, byte[]> objects = new ConcurrentHashMap<>();
        private final UnaryOperator<R> form;
        private final boolean identities;
        /** Puts come one at a time from the informer; they share one deflater. */
        private final Deflater deflater = new Deflater();
        private final Queue<Inflater> inflaters = new ConcurrentLinkedQueue<>();
        private volatile Class<? extends R> type;
        /** How an identity of the store's kind is made: its constructor without arguments. */
        private volatile Constructor<? extends R> empty;
        private volatile byte[] dictionary;

        /**
         * A store that keeps each object in its cached {@code form}; with {@code identities}, one that lists and
         * hands on identities only.
         */
        public Store(UnaryOperator<R> form, boolean identities) {
            this.form = form;
            this.identities = identities;
        }

        @Override
        public String getKey(R object) {
            return Cache.metaNamespaceKeyFunc(object).intern();
        }

        @Override
        public R put(String key, R object) {
            byte[] previous = objects.put(key, pack(form.apply(object)));
            if (!identities) {
                return unpack(previous);
            }
            leaveIdentity(object);
            return identity(previous);
        }

        @Override
        public R remove(String key) {
            byte[] removed = objects.remove(key);
            return identities ? identity(removed) : unpack(removed);
        }

        @Override
        public Stream<String> keySet() {
            return objects.keySet().stream();
        }

        @Override
        public Stream<R> values() {
            return objects.values().stream().map(identities ? this::identity : this::unpack);
        }

        @Override
        public int size() {
            return objects.size();
        }

        @Override
        public R get(String key) {
            return unpack(objects.get(key));
        }

        /** Not the objects as the API server sent them: an informer must not compare them with those. */
        @Override
        public boolean isFullState() {
            return false;
        }

        /** The bytes this store holds for its objects, without the map's own. */
        public long packedBytes() {
            return objects.values().stream().mapToLong(packed -> packed.length).sum();
        }

        /** The JSON's length in four bytes, then the JSON deflated. */
        @SuppressWarnings("unchecked")
        private byte[] pack(R kept) {
            byte[] json;
            try {
                json = MAPPER.writeValueAsBytes(kept);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write a " + kept.getKind() + " as JSON", e);
            }
            synchronized (deflater) {
                if (dictionary == null) {
                    type = (Class<? extends R>) kept.getClass();
                    empty = identities ? emptyOf(type) : null;
                    dictionary = Arrays.copyOfRange(json, Math.max(0, json.length - DICTIONARY_LIMIT), json.length);
                }
                deflater.reset();
                deflater.setDictionary(dictionary);
                deflater.setInput(json);
                deflater.finish();
                var packed = new ByteArrayOutputStream(json.length / 8 + 16);
                packed.writeBytes(ByteBuffer.allocate(4).putInt(json.length).array());
                byte[] chunk = new byte[Math.max(256, json.length / 4)];
                while (!deflater.finished()) {
                    packed.write(chunk, 0, deflater.deflate(chunk));
                }
                return packed.toByteArray();
            }
        }

        private R unpack(byte[] packed) {
            return packed == null ? null : parse(packed, type);
        }

        /** A new object of the store's kind with the packed object's metadata but its managed fields. */
        private R identity(byte[] packed) {
            if (packed == null) {
                return null;
            }
            ObjectMeta meta = parse(packed, Identity.class).metadata();
            meta.setManagedFields(null);
            try {
                R identity = empty.newInstance();
                identity.setMetadata(meta);
                return identity;
            } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot make an empty " + type.getName(), e);
            }
        }

        private static <T> Constructor<? extends T> emptyOf(Class<? extends T> type) {
            try {
                return type.getConstructor();
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(type.getName() + " has no public constructor without arguments", e);
            }
        }

        /** The object of {@code kind} whose JSON a packed form holds. */
        private <T> T parse(byte[] packed, Class<T> kind) {
            byte[] json = json(packed);
            try {
                return MAPPER.readValue(json, 0, json.length - 1, kind);
            } catch (IOException e) {
                throw new IllegalStateException("a packed " + type.getSimpleName() + " is not a " + kind.getSimpleName(),
                        e);
            }
        }

        /** The JSON a packed form holds, and one byte more. */
        private byte[] json(byte[] packed) {
            int declared = ByteBuffer.wrap(packed, 0, 4).getInt();
            // One byte to spare, so that the inflater always has room to reach the stream's end.
            byte[] json = new byte[declared + 1];
            int length = 0;
            Inflater inflater = Objects.requireNonNullElseGet(inflaters.poll(), Inflater::new);
            try {
                inflater.setInput(packed, 4, packed.length - 4);
                while (!inflater.finished()) {
                    if (inflater.needsDictionary()) {
                        inflater.setDictionary(dictionary);
                        continue;
                    }
                    int read = inflater.inflate(json, length, json.length - length);
                    if (read == 0 && (inflater.needsInput() || length == json.length)) {
                        break;
                    }
                    length += read;
                }
            } catch (DataFormatException e) {
                throw new IllegalStateException("a packed " + type.getSimpleName() + " is not deflated JSON", e);
            } finally {
                inflater.reset();
                inflaters.offer(inflater);
            }
            if (length != declared) {
                throw new IllegalStateException("a packed " + type.getSimpleName() + " holds " + length
                        + " bytes of JSON where it says " + declared);
            }
            return json;
        }
    }

    /** An object's metadata, read from its JSON without the rest of it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Identity(ObjectMeta metadata) {
    }

    /** An item store that keeps each object the operator applies in its {@linkplain #applied cached form}. */
    public static final class Applied<R extends HasMetadata> extends Store<R> {
        public Applied() {
            super(CachedForms::applied, true);
        }
    }

    /** An item store that keeps each ModelDeployment in its {@linkplain #modelDeployment cached form}. */
    public static final class ModelDeployments extends Store<ModelDeployment> {
        public ModelDeployments() {
            super(CachedForms::modelDeployment, false);
        }
    }

    /**
     * An applied object with, of its managed fields, only the operator's own apply entry: the one entry
     * server-side apply's matcher reads ({@link SSABasedGenericKubernetesResourceMatcher}).
     */
    public static <R extends HasMetadata> R applied(R object) {
        ObjectMeta meta = object.getMetadata();
        if (meta.getManagedFields() != null) {
            meta.setManagedFields(meta.getManagedFields().stream().filter(CachedForms::operatorsApply).toList());
        }
        return object;
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
        return md;
    }

    /**
     * Leaves of an object of a kind the operator caches its metadata without managed fields: no spec, no status,
     * no endpoints. An object of another kind keeps all but its managed fields.
     */
    static void leaveIdentity(HasMetadata object) {
        object.getMetadata().setManagedFields(null);
        if (object instanceof Deployment deployment) {
            deployment.setSpec(null);
            deployment.setStatus(null);
        } else if (object instanceof Service service) {
            service.setSpec(null);
            service.setStatus(null);
        } else if (object instanceof HorizontalPodAutoscaler autoscaler) {
            autoscaler.setSpec(null);
            autoscaler.setStatus(null);
        } else if (object instanceof HTTPRoute route) {
            route.setSpec(null);
            route.setStatus(null);
        } else if (object instanceof GRPCRoute route) {
            route.setSpec(null);
            route.setStatus(null);
        } else if (object instanceof Pod pod) {
            pod.setSpec(null);
            pod.setStatus(null);
        } else if (object instanceof EndpointSlice slice) {
            slice.setAddressType(null);
            slice.setEndpoints(null);
            slice.setPorts(null);
        }
    }

    private static boolean operatorsApply(ManagedFieldsEntry entry) {
        return ModelDeploymentReconciler.FIELD_MANAGER.equals(entry.getManager())
                && SSABasedGenericKubernetesResourceMatcher.APPLY_OPERATION.equals(entry.getOperation());
    }

    /** An item store that keeps each pod in its {@linkplain #pod cached form}. */
    public static ItemStore<Pod> pods() {
        return new Store<>(CachedForms::pod, true);
    }

    /** An item store that keeps each EndpointSlice in its {@linkplain #endpointSlice cached form}. */
    public static ItemStore<EndpointSlice> endpointSlices() {
        return new Store<>(CachedForms::endpointSlice, true);
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

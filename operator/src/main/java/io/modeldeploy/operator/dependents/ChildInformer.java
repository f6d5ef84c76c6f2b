package io.modeldeploy.operator.dependents;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.ReconcilerUtilsInternal;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.resources.Owner;

/**
 * The informer of a kind of ModelDeployment child, which finds a ModelDeployment's children by their names and keeps
 * those it controls, and keeps the API server's answer to the operator's own write only while the informer has not
 * yet delivered that version.
 *
 * <p>The names ({@link ChildDependent}) are JOSDK's primary-to-secondary mapper, so that JOSDK keeps no index of
 * its own; an object of one of those names that this ModelDeployment does not control (another ModelDeployment's,
 * whose name ends like a child's, or one left behind by a deleted ModelDeployment of the same name) is not its
 * child, as it was not one in that index.
 *
 * <p>JOSDK keeps that answer in a temporary cache so that a read right after the write sees it, and drops it when
 * an event of the same or a later version is handled. When the write's own event is handled while the write is
 * still waiting for its answer (JOSDK defers it and then discards it as the operator's own), the answer is put in
 * afterwards: JOSDK 5.3.2's {@code TemporaryResourceCache.putResource} refuses only versions older than the
 * informer's last one, not equal ones. Nothing would drop it then for an object nobody changes again, so it stayed
 * for good, whole (with every managed field, not in {@link io.modeldeploy.operator.CachedForms}' form): at 10,000
 * ModelDeployments the answers to 4,278 Service applies (docs/benchmarks.md). Here the answer is not kept when this
 * informer has already handled an event of its namespace at or past its version: events of one namespace come in
 * the order of their versions, so the informer's own copy is that version or a later one.
 *
 * <p>An event's version is counted as handled before JOSDK handles it, and the count and the check each hold the
 * temporary cache's lock (its methods are synchronized), so that the check and JOSDK's put are one step against
 * it. Either the answer is put first, and the event finds it and drops it; or the event is counted first, and the
 * answer is not put. In the second case, when the write has ended before JOSDK handles the event, JOSDK takes its
 * own event for someone else's and reconciles once more, which writes nothing.
 */
final class ChildInformer<R extends HasMetadata> extends InformerEventSource<R, ModelDeployment> {

    /** The latest resource version of each namespace whose event this informer has handled or is handling. */
    private final Map<String, String> handled = new ConcurrentHashMap<>();

    ChildInformer(InformerEventSourceConfiguration<R> configuration, EventSourceContext<ModelDeployment> context) {
        super(configuration, context);
    }

    @Override
    public Set<R> getSecondaryResources(ModelDeployment md) {
        return super.getSecondaryResources(md).stream().filter(child -> Owner.controls(md, child))
                .collect(Collectors.toSet());
    }

    @Override
    public void onAdd(R resource) {
        handling(resource);
        super.onAdd(resource);
    }

    @Override
    public void onUpdate(R old, R resource) {
        handling(resource);
        super.onUpdate(old, resource);
    }

    @Override
    public void handleRecentResourceCreate(ResourceID id, R resource) {
        synchronized (temporaryResourceCache) {
            if (!alreadyHandled(resource)) {
                super.handleRecentResourceCreate(id, resource);
            }
        }
    }

    @Override
    public void handleRecentResourceUpdate(ResourceID id, R resource, R previous) {
        synchronized (temporaryResourceCache) {
            if (!alreadyHandled(resource)) {
                super.handleRecentResourceUpdate(id, resource, previous);
            }
        }
    }

    private void handling(R resource) {
        String version = resource.getMetadata().getResourceVersion();
        if (version != null) {
            synchronized (temporaryResourceCache) {
                handled.merge(namespace(resource), version, (last, next) ->
                        ReconcilerUtilsInternal.compareResourceVersions(next, last) > 0 ? next : last);
            }
        }
    }

    private static String namespace(HasMetadata resource) {
        return Objects.requireNonNullElse(resource.getMetadata().getNamespace(), "");
    }

    private boolean alreadyHandled(R resource) {
        String version = resource.getMetadata().getResourceVersion();
        String last = handled.get(namespace(resource));
        return version != null && last != null && ReconcilerUtilsInternal.compareResourceVersions(last, version) >= 0;
    }
}

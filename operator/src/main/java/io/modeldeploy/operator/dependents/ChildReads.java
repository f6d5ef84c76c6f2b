package io.modeldeploy.operator.dependents;

import java.util.Optional;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.modeldeploy.api.v1alpha1.ModelDeployment;

/**
 * The children one reconcile has read, by kind and name, so that each is parsed from its cached form
 * ({@link io.modeldeploy.operator.CachedForms}) once per reconcile: the reconciler and the dependents read the
 * stable Deployment three or four times in one, the autoscaler three times, and parsing a Deployment was about a
 * tenth of the operator's Java CPU at 1,000 ModelDeployments (docs/benchmarks.md). The readers of one reconcile
 * share the object, and none writes to it. A dependent's apply forgets its object ({@link ChildDependent}), so that
 * what is read after it is the apply's answer, which JOSDK keeps until the informer has it.
 * <p>
 * A change the informer receives while the reconcile runs is not seen by its later reads: the event it brings
 * starts another reconcile once this one ends, as a change that came a moment later would.
 */
public final class ChildReads {
    private record Read(Class<?> kind, ResourceID id) {
    }

    private ChildReads() {
    }

    /** The child of {@code informer}'s kind with this name, as this reconcile first read it. */
    @SuppressWarnings("unchecked")
    static <R extends HasMetadata> Optional<R> read(Context<ModelDeployment> context,
            InformerEventSource<R, ModelDeployment> informer, ResourceID id) {
        var reads = context.managedWorkflowAndDependentResourceContext();
        var key = new Read(informer.resourceType(), id);
        Optional<R> known = reads.get(key, Optional.class).orElse(null);
        if (known != null) {
            return known;
        }
        Optional<R> read = informer.get(id);
        reads.put(key, read);
        return read;
    }

    /** Forgets the child: this reconcile wrote it, and reads it anew from here on. */
    static void forget(Context<ModelDeployment> context, Class<?> kind, ResourceID id) {
        context.managedWorkflowAndDependentResourceContext().put(new Read(kind, id), null);
    }
}

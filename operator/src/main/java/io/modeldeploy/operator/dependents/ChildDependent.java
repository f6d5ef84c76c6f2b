package io.modeldeploy.operator.dependents;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfig;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.resources.Owner;
import io.modeldeploy.operator.resources.StoredQuantities;

/**
 * A child of a ModelDeployment, applied with server-side apply. It is created only where no object of its name
 * exists (JOSDK's create-only apply): when one does and this ModelDeployment does not control it, the reconcile
 * fails with {@link NameTaken}, which status reports, and the other object is left as it was.
 * <p>
 * A ModelDeployment's children of a kind are found by their names, which follow from its own ({@code names}), in
 * the informer of their kind, and kept when the ModelDeployment controls them ({@link ChildInformer}). JOSDK's
 * other way, an index from each ModelDeployment to its children built from their owner references, held about
 * 650 bytes per ModelDeployment and kind (docs/benchmarks.md).
 */
abstract class ChildDependent<R extends HasMetadata> extends CRUDKubernetesDependentResource<R, ModelDeployment> {
    private final Function<ModelDeployment, List<String>> names;
    private final Function<ModelDeployment, String> name;

    /**
     * @param names every name a ModelDeployment's object of this kind may have: the same for each dependent of the
     *        kind, since they share one informer
     * @param name the name of this dependent's object, one of {@code names}
     */
    ChildDependent(Class<R> type, Function<ModelDeployment, List<String>> names,
            Function<ModelDeployment, String> name) {
        super(type);
        this.names = names;
        this.name = name;
    }

    /**
     * Compares with the stored object after the desired one took the stored form of its unchanged quantities
     * ({@link StoredQuantities}): otherwise a Deployment with, say, "6144Mi" would never match the "6Gi" the API
     * server stored, and every reconcile would apply it again.
     */
    @Override
    @SuppressWarnings("unchecked")
    public Matcher.Result<R> match(R actual, R desired, ModelDeployment primary, Context<ModelDeployment> context) {
        if (desired instanceof Deployment wanted && actual instanceof Deployment stored) {
            return super.match(actual, (R) StoredQuantities.asStored(wanted, stored), primary, context);
        }
        return super.match(actual, desired, primary, context);
    }

    /**
     * This dependent's object, read from its informer by its name alone. JOSDK's default reads every object of the
     * kind the ModelDeployment may have (each parsed from its cached form, {@link io.modeldeploy.operator.CachedForms}),
     * also for a dependent whose precondition does not hold and that has no object, and keeps the one of this name;
     * profiled at 1,000 ModelDeployments, that parsing took an eighth of the operator's Java threads' CPU
     * (docs/benchmarks.md). Read once per reconcile ({@link ChildReads}).
     */
    @Override
    public Optional<R> getSecondaryResource(ModelDeployment md, Context<ModelDeployment> context) {
        InformerEventSource<R, ModelDeployment> informer = eventSource().orElseThrow(() -> new IllegalStateException(
                name() + " has no event source to read its " + resourceType().getSimpleName() + " from"));
        return ChildReads.read(context, informer, targetSecondaryResourceID(md, context))
                .filter(child -> Owner.controls(md, child));
    }

    /**
     * Its name, not its desired state's: found without computing that, which a dependent whose precondition does
     * not hold may not be able to (a route without a gateway), when it deletes what is left.
     */
    @Override
    protected ResourceID targetSecondaryResourceID(ModelDeployment md, Context<ModelDeployment> context) {
        return new ResourceID(name.apply(md), md.getMetadata().getNamespace());
    }

    /** The informer for this kind, when this dependent is the one that starts it: see {@link ChildInformer}. */
    @Override
    protected InformerEventSource<R, ModelDeployment> createEventSource(EventSourceContext<ModelDeployment> context) {
        var configuration = informerConfigurationBuilder(context)
                .withSecondaryToPrimaryMapper(getSecondaryToPrimaryMapper(context).orElseThrow())
                .withPrimaryToSecondaryMapper((ModelDeployment md) -> names.apply(md).stream()
                        .map(name -> new ResourceID(name, md.getMetadata().getNamespace()))
                        .collect(Collectors.toSet()))
                .withName(name());
        configuration().map(KubernetesDependentResourceConfig::informerConfig).ifPresent(configuration::updateFrom);
        var informer = new ChildInformer<>(configuration.build(), context);
        setEventSource(informer);
        return informer;
    }

    @Override
    public R create(R desired, ModelDeployment md, Context<ModelDeployment> context) {
        try {
            return super.create(desired, md, context);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            R existing = context.getClient().resource(desired).get();
            if (existing == null || Owner.controls(md, existing)) {
                throw e; // created or deleted meanwhile, or ours and not yet in the cache: the next pass settles it
            }
            throw new NameTaken(existing.getKind(), existing.getMetadata().getName(), e);
        } finally {
            ChildReads.forget(context, resourceType(), ResourceID.fromResource(desired));
        }
    }

    @Override
    public R update(R actual, R desired, ModelDeployment md, Context<ModelDeployment> context) {
        try {
            return super.update(actual, desired, md, context);
        } finally {
            ChildReads.forget(context, resourceType(), ResourceID.fromResource(desired));
        }
    }
}

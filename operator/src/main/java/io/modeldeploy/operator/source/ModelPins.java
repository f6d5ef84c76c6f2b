package io.modeldeploy.operator.source;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.ModelDeploymentSpec;
import io.modeldeploy.api.v1alpha1.ModelSpec;
import io.modeldeploy.api.v1alpha1.ResolvedModelStatus;
import io.modeldeploy.operator.OperatorSettings;
import io.modeldeploy.operator.analysis.PeriodicReads;

/**
 * Pins an {@code oci://} model.uri's tag to a digest once per spec: the first reconcile of a spec asks the registry
 * in the background, status.resolvedModel keeps the answer, and every pod of that revision mounts the digest, so a
 * tag pushed again later changes nothing that serves. A new spec (say, a new model.version) resolves the tag again.
 * A uri that names a digest is pinned as it is.
 */
@ApplicationScoped
public class ModelPins {
    /** How often an unresolvable tag is asked for again. */
    public static final Duration RETRY = Duration.ofSeconds(10);

    /** Where a ModelDeployment's model stands: nothing to pin, pinned, being resolved, or unresolvable. */
    public sealed interface Pin {
        /** The ModelDeployment its pod templates are built from: the spec with the tag replaced by the digest. */
        default ModelDeployment applyTo(ModelDeployment md) {
            return md;
        }
    }

    public record NotOci() implements Pin {
    }

    public record Pinned(ResolvedModelStatus resolved) implements Pin {
        @Override
        public ModelDeployment applyTo(ModelDeployment md) {
            return withUri(md, OciReference.SCHEME + resolved.image());
        }
    }

    public record Resolving() implements Pin {
    }

    public record Unresolvable(String message) implements Pin {
    }

    private final PeriodicReads<RegistryDigests.Resolution> reads = new PeriodicReads<>();
    private final RegistryDigests digests;

    @Inject
    public ModelPins(OperatorSettings settings) {
        this(new RegistryDigests(settings.registries().insecure().orElse(List.of())));
    }

    ModelPins(RegistryDigests digests) {
        this.digests = digests;
    }

    /** The pin of the spec whose template inputs hash to {@code inputs}; never waits for a registry. */
    public Pin of(ModelDeployment md, String inputs, Instant now) {
        String uri = md.getSpec().model().uri();
        if (!OciReference.isOci(uri)) {
            reads.forget(md);
            return new NotOci();
        }
        OciReference reference = OciReference.parse(uri);
        if (reference.digest().isPresent()) {
            reads.forget(md);
            return new Pinned(new ResolvedModelStatus(uri, reference.digest().get(), reference.image(), inputs));
        }
        Optional<ResolvedModelStatus> kept = Optional.ofNullable(md.getStatus())
                .map(s -> s.resolvedModel())
                .filter(r -> uri.equals(r.uri()) && inputs.equals(r.inputs()));
        if (kept.isPresent()) {
            reads.forget(md);
            return new Pinned(kept.get());
        }
        Optional<RegistryDigests.Resolution> latest = reads.latest(md, inputs, RETRY, now,
                () -> digests.resolve(reference).thenApply(Optional::of)
                        .exceptionally(e -> Optional.of(new RegistryDigests.Failed(String.valueOf(e.getMessage())))));
        return latest.<Pin>map(resolution -> resolution instanceof RegistryDigests.Resolved r
                ? new Pinned(new ResolvedModelStatus(uri, r.digest(), reference.at(r.digest()).image(), inputs))
                : new Unresolvable(((RegistryDigests.Failed) resolution).message()))
                .orElseGet(Resolving::new);
    }

    /** A copy of the ModelDeployment whose model.uri is the given one; metadata and status are shared. */
    static ModelDeployment withUri(ModelDeployment md, String uri) {
        ModelDeploymentSpec spec = md.getSpec();
        ModelSpec model = spec.model();
        var copy = new ModelDeployment();
        copy.setMetadata(md.getMetadata());
        copy.setStatus(md.getStatus());
        copy.setSpec(new ModelDeploymentSpec(new ModelSpec(model.name(), model.version(), model.format(), uri,
                model.sha256(), model.acceptance(), model.s3(), model.cacheClaim()), spec.runtime(), spec.replicas(), spec.autoscaling(),
                spec.probes(), spec.scheduling(), spec.securityContext(), spec.podAnnotations(),
                spec.progressDeadlineSeconds(), spec.rollout()));
        return copy;
    }
}

package io.modeldeploy.operator.resources;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.ModelDeploymentSpec;
import io.modeldeploy.api.v1alpha1.ProbeSpec;
import io.modeldeploy.api.v1alpha1.RuntimeSpec;
import io.modeldeploy.api.v1alpha1.S3SourceSpec;
import io.modeldeploy.api.v1alpha1.SchedulingSpec;

/**
 * The pod that serves a ModelDeployment's model: the runtime container configured through its environment
 * ({@link RuntimeContract}), probes against its health endpoints, a restricted security context, and the model
 * mounted when it lives on a volume. A pure function of the spec and the default runtime image.
 */
public final class ServingPodTemplate {
    private ServingPodTemplate() {
    }

    /** The pod template for the given track, labelled with its revision hash. */
    public static PodTemplateSpec desired(ModelDeployment md, String track, String defaultImage) {
        PodTemplateSpec template = unlabelled(md, defaultImage);
        String revision = Revision.of(template);
        template.getMetadata().getLabels().putAll(Labels.track(md, track));
        template.getMetadata().getLabels().put(Labels.REVISION, revision);
        return template;
    }

    /** A copy of a track's template (with its revision label) labelled for another track. */
    public static PodTemplateSpec retracked(PodTemplateSpec template, ModelDeployment md, String track) {
        return new PodTemplateSpecBuilder(template).editMetadata().addToLabels(Labels.track(md, track)).endMetadata()
                .build();
    }

    /** The revision hash of the spec's pod template: the same whatever track serves it. */
    public static String revision(ModelDeployment md, String defaultImage) {
        return Revision.of(unlabelled(md, defaultImage));
    }

    /**
     * A hash of the spec fields the pod template is built from: all but replicas, autoscaling and rollout. The same
     * inputs with another revision mean that the operator's own defaults changed (see OperatorUpgrade).
     */
    public static String inputs(ModelDeployment md) {
        ModelDeploymentSpec spec = md.getSpec();
        return Revision.hash(new ModelDeploymentSpec(spec.model(), spec.runtime(), null, null, spec.probes(),
                spec.scheduling(), spec.securityContext(), spec.podAnnotations(), spec.progressDeadlineSeconds(), null));
    }

    /** The template without track and revision labels: what the revision hash is computed from. */
    static PodTemplateSpec unlabelled(ModelDeployment md, String defaultImage) {
        ModelDeploymentSpec spec = md.getSpec();
        ModelLocation location = ModelLocation.of(spec.model().uri());
        var labels = new TreeMap<>(Labels.common(md));
        labels.put(Labels.VERSION, spec.model().version());
        SchedulingSpec scheduling = Optional.ofNullable(spec.scheduling())
                .orElse(new SchedulingSpec(null, null, null));
        return new PodTemplateSpecBuilder()
                .withNewMetadata()
                .withLabels(labels)
                .withAnnotations(spec.podAnnotations() == null ? null : new TreeMap<>(spec.podAnnotations()))
                .endMetadata()
                .withNewSpec()
                .withContainers(container(md, location, defaultImage))
                .withVolumes(volumes(location, spec.model().cacheClaim()))
                .withSecurityContext(podSecurityContext(spec.securityContext(), spec.model().cacheClaim() != null))
                .withAutomountServiceAccountToken(false)
                // Service links only for a shadow step: the runtime finds the shadow Service by their variables.
                .withEnableServiceLinks(shadowStep(md))
                .withTerminationGracePeriodSeconds(RuntimeContract.TERMINATION_GRACE_SECONDS)
                .withNodeSelector(scheduling.nodeSelector())
                .withTolerations(scheduling.tolerations())
                .withAffinity(scheduling.affinity())
                .endSpec()
                .build();
    }

    private static Container container(ModelDeployment md, ModelLocation location, String defaultImage) {
        ModelDeploymentSpec spec = md.getSpec();
        RuntimeSpec runtime = spec.runtime();
        var mounts = new ArrayList<VolumeMount>();
        mounts.add(mount(RuntimeContract.CACHE_VOLUME, RuntimeContract.CACHE_PATH, false));
        mounts.add(mount(RuntimeContract.TMP_VOLUME, RuntimeContract.TMP_PATH, false));
        location.claimName().ifPresent(claim ->
                mounts.add(mount(RuntimeContract.MODEL_STORE_VOLUME, RuntimeContract.MODEL_STORE_PATH, true)));
        location.image().ifPresent(image ->
                mounts.add(mount(RuntimeContract.MODEL_IMAGE_VOLUME, RuntimeContract.MODEL_IMAGE_PATH, true)));
        if (spec.model().cacheClaim() != null) {
            mounts.add(mount(RuntimeContract.SHARED_CACHE_VOLUME, RuntimeContract.SHARED_CACHE_PATH, false));
        }
        return new ContainerBuilder()
                .withName(RuntimeContract.CONTAINER)
                .withImage(runtime.image() != null ? runtime.image() : defaultImage)
                .withImagePullPolicy(runtime.imagePullPolicy() == null ? null : runtime.imagePullPolicy().name())
                .addNewPort().withName(RuntimeContract.PORT_NAME).withContainerPort(runtime.port())
                .withProtocol("TCP").endPort()
                .addNewPort().withName(RuntimeContract.GRPC_PORT_NAME).withContainerPort(runtime.grpcPortOrDefault())
                .withProtocol("TCP").endPort()
                .withEnv(env(md, location))
                .withResources(runtime.resources())
                .withStartupProbe(startupProbe(spec.probes().readiness(), spec.progressDeadlineSeconds()))
                .withReadinessProbe(probe(spec.probes().readiness()))
                .withLivenessProbe(probe(spec.probes().liveness()))
                .withVolumeMounts(mounts)
                .withNewLifecycle().withNewPreStop().withNewSleep().withSeconds(RuntimeContract.DRAIN_DELAY_SECONDS).endSleep()
                .endPreStop()
                .endLifecycle()
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .withSecurityContext(new SecurityContextBuilder()
                        .withAllowPrivilegeEscalation(false)
                        .withReadOnlyRootFilesystem(true)
                        .withRunAsNonRoot(true)
                        .withNewCapabilities().withDrop("ALL").endCapabilities()
                        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                        .build())
                .build();
    }

    /** Whether pods of this template mirror their requests to the shadow Service (the template has a shadow step). */
    public static boolean mirrorsToShadow(PodTemplateSpec template) {
        return template != null && template.getSpec() != null && template.getSpec().getContainers() != null
                && template.getSpec().getContainers().stream().filter(c -> c.getEnv() != null)
                        .flatMap(c -> c.getEnv().stream())
                        .anyMatch(e -> RuntimeContract.ENV_SHADOW_URL.equals(e.getName()));
    }

    /**
     * Whether the canary rollout has a shadow step, for which the stable pods mirror to the shadow Service (with
     * either traffic provider).
     */
    public static boolean shadowStep(ModelDeployment md) {
        var rollout = md.getSpec().rollout();
        return rollout != null && rollout.strategy() == io.modeldeploy.api.v1alpha1.RolloutSpec.Strategy.Canary
                && rollout.hasShadowStep();
    }

    /** The runtime's settings, then the user's env; a user variable of the same name replaces ours. */
    private static List<EnvVar> env(ModelDeployment md, ModelLocation location) {
        ModelDeploymentSpec spec = md.getSpec();
        var env = new LinkedHashMap<String, EnvVar>();
        put(env, RuntimeContract.ENV_MODEL_NAME, spec.model().name());
        put(env, RuntimeContract.ENV_MODEL_VERSION, spec.model().version());
        put(env, RuntimeContract.ENV_MODEL_FORMAT, spec.model().format().name().toLowerCase(Locale.ROOT));
        put(env, RuntimeContract.ENV_MODEL_LOCATION, location.location());
        if (spec.model().sha256() != null) {
            put(env, RuntimeContract.ENV_MODEL_SHA256, spec.model().sha256());
        }
        var acceptance = spec.model().acceptance();
        if (acceptance != null && acceptance.minAccuracy() != null) {
            put(env, RuntimeContract.ENV_ACCEPTANCE_MIN_ACCURACY, acceptance.minAccuracy().toString());
        }
        if (acceptance != null && acceptance.maxAbsoluteError() != null) {
            put(env, RuntimeContract.ENV_ACCEPTANCE_MAX_ABSOLUTE_ERROR, acceptance.maxAbsoluteError().toString());
        }
        S3SourceSpec s3 = spec.model().s3();
        if (s3 != null) {
            if (s3.endpoint() != null) {
                put(env, RuntimeContract.ENV_S3_ENDPOINT, s3.endpoint());
            }
            if (s3.region() != null) {
                put(env, RuntimeContract.ENV_S3_REGION, s3.region());
            }
            if (s3.pathStyle() != null) {
                put(env, RuntimeContract.ENV_S3_PATH_STYLE, s3.pathStyle().toString());
            }
            if (s3.credentialsSecret() != null) {
                for (String key : List.of(RuntimeContract.ENV_AWS_ACCESS_KEY_ID,
                        RuntimeContract.ENV_AWS_SECRET_ACCESS_KEY)) {
                    env.put(key, new EnvVarBuilder().withName(key).withNewValueFrom().withNewSecretKeyRef()
                            .withName(s3.credentialsSecret()).withKey(key).endSecretKeyRef().endValueFrom().build());
                }
            }
        }
        if (spec.model().cacheClaim() != null) {
            put(env, RuntimeContract.ENV_SHARED_CACHE_DIR, RuntimeContract.SHARED_CACHE_PATH);
        }
        if (shadowStep(md)) {
            put(env, RuntimeContract.ENV_SHADOW_URL, ServingService.shadowUrlFromEnvironment(md));
        }
        put(env, RuntimeContract.ENV_HTTP_PORT, Integer.toString(spec.runtime().port()));
        put(env, RuntimeContract.ENV_GRPC_PORT, Integer.toString(spec.runtime().grpcPortOrDefault()));
        put(env, RuntimeContract.ENV_BATCH_MAX_SIZE, Integer.toString(spec.runtime().batching().maxBatchSize()));
        put(env, RuntimeContract.ENV_BATCH_MAX_DELAY_MS,
                Integer.toString(spec.runtime().batching().maxDelayMillis()));
        put(env, RuntimeContract.ENV_CACHE_DIR, RuntimeContract.CACHE_PATH);
        put(env, RuntimeContract.ENV_MAX_MODEL_MIB, Integer.toString(RuntimeContract.MAX_MODEL_MIB));
        if (spec.runtime().env() != null) {
            spec.runtime().env().forEach(e -> env.put(e.getName(), e));
        }
        return new ArrayList<>(env.values());
    }

    private static void put(Map<String, EnvVar> env, String name, String value) {
        env.put(name, new EnvVar(name, value, null));
    }

    private static Probe probe(ProbeSpec probe) {
        return new ProbeBuilder()
                .withNewHttpGet().withPath(probe.path()).withPort(new IntOrString(RuntimeContract.PORT_NAME))
                .endHttpGet()
                .withInitialDelaySeconds(probe.initialDelaySeconds())
                .withPeriodSeconds(probe.periodSeconds())
                .withTimeoutSeconds(probe.timeoutSeconds())
                .withFailureThreshold(probe.failureThreshold())
                .build();
    }

    /**
     * Passes once the model is loaded (the readiness endpoint answers), checked every second. Until then neither
     * liveness nor readiness runs, and the pod counts as starting, not failing, for a canary's analysis. It allows
     * as long as the progress deadline, which is what judges a start that takes too long.
     */
    private static Probe startupProbe(ProbeSpec readiness, Integer progressDeadlineSeconds) {
        return new ProbeBuilder()
                .withNewHttpGet().withPath(readiness.path()).withPort(new IntOrString(RuntimeContract.PORT_NAME))
                .endHttpGet()
                .withPeriodSeconds(1)
                .withTimeoutSeconds(readiness.timeoutSeconds())
                .withFailureThreshold(progressDeadlineSeconds == null ? 600 : progressDeadlineSeconds)
                .build();
    }

    private static List<Volume> volumes(ModelLocation location, String cacheClaim) {
        var volumes = new ArrayList<Volume>();
        volumes.add(new VolumeBuilder().withName(RuntimeContract.CACHE_VOLUME).withNewEmptyDir()
                .withSizeLimit(new Quantity(RuntimeContract.CACHE_SIZE_LIMIT)).endEmptyDir().build());
        volumes.add(new VolumeBuilder().withName(RuntimeContract.TMP_VOLUME).withNewEmptyDir()
                .withSizeLimit(new Quantity(RuntimeContract.TMP_SIZE_LIMIT)).endEmptyDir().build());
        location.claimName().ifPresent(claim -> volumes.add(new VolumeBuilder()
                .withName(RuntimeContract.MODEL_STORE_VOLUME)
                .withNewPersistentVolumeClaim().withClaimName(claim).withReadOnly(true).endPersistentVolumeClaim()
                .build()));
        // IfNotPresent: the reference is a digest, so a node's copy is the same bytes; the node's image store is the
        // download cache its pods share.
        location.image().ifPresent(image -> volumes.add(new VolumeBuilder()
                .withName(RuntimeContract.MODEL_IMAGE_VOLUME)
                .withNewImage().withReference(image).withPullPolicy("IfNotPresent").endImage()
                .build()));
        if (cacheClaim != null) {
            volumes.add(new VolumeBuilder().withName(RuntimeContract.SHARED_CACHE_VOLUME)
                    .withNewPersistentVolumeClaim().withClaimName(cacheClaim).endPersistentVolumeClaim().build());
        }
        return volumes;
    }

    private static VolumeMount mount(String volume, String path, boolean readOnly) {
        return new VolumeMountBuilder().withName(volume).withMountPath(path)
                .withReadOnly(readOnly ? true : null).build();
    }

    /**
     * The user's pod security context, or the restricted profile's: non-root with the RuntimeDefault seccomp; with a
     * shared cache, its volume belongs to the runtime's group so that the runtime can write it (checked only at the
     * volume's root, not file by file).
     */
    private static PodSecurityContext podSecurityContext(PodSecurityContext requested, boolean sharedCache) {
        if (requested != null) {
            return requested;
        }
        var context = new PodSecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile();
        if (sharedCache) {
            context.withFsGroup(RuntimeContract.RUNTIME_USER).withFsGroupChangePolicy("OnRootMismatch");
        }
        return context.build();
    }
}

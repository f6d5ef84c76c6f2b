package io.modeldeploy.operator.status;

/**
 * Condition types and reasons of a ModelDeployment's status. Ready says whether the model is served as the spec
 * asks; Reconciling and Stalled are kstatus' abnormal-true conditions, so Flux and other kstatus readers tell
 * progress from failure without customization; Degraded says a rolled-back revision left the stable one serving.
 * Every reason is documented in docs/operations.md.
 */
public final class Conditions {
    public static final String READY = "Ready";
    public static final String RECONCILING = "Reconciling";
    public static final String STALLED = "Stalled";
    /** True while a rolled-back (or aborted) revision leaves the stable one serving instead of the spec's. */
    public static final String DEGRADED = "Degraded";

    public static final String TRUE = "True";
    public static final String FALSE = "False";

    /** All desired replicas are ready and serve the current revision. */
    public static final String AVAILABLE = "Available";
    /** spec.replicas is 0: nothing to serve, by request. */
    public static final String SCALED_TO_ZERO = "ScaledToZero";
    /** The serving Deployment does not exist yet. */
    public static final String CREATING = "Creating";
    /** A new revision is rolling out, or pods are starting. */
    public static final String ROLLOUT_IN_PROGRESS = "RolloutInProgress";
    /** Pods run but fail their readiness probe. */
    public static final String PODS_NOT_READY = "PodsNotReady";
    /** The kubelet cannot pull the runtime image. */
    public static final String IMAGE_PULL_FAILED = "ImagePullFailed";
    /** The runtime container keeps exiting. */
    public static final String CRASH_LOOP = "CrashLoop";
    /** The runtime refused its settings (spec.runtime, spec.runtime.env) and exited with code 2. */
    public static final String INVALID_RUNTIME_SETTINGS = "InvalidRuntimeSettings";
    /** The runtime exited because it could not load the model (not found, checksum mismatch, bad format). */
    public static final String MODEL_LOAD_FAILED = "ModelLoadFailed";
    /** No node can take the pods. */
    public static final String UNSCHEDULABLE = "Unschedulable";
    /** The Deployment passed spec.progressDeadlineSeconds without becoming ready. */
    public static final String PROGRESS_DEADLINE_EXCEEDED = "ProgressDeadlineExceeded";
    /** Stalled: the GatewayAPI traffic provider is asked for, but the cluster has no HTTPRoute CRD. */
    public static final String GATEWAY_API_MISSING = "GatewayAPIMissing";
    /** Stalled: the Gateway's controller did not accept the GatewayAPI provider's HTTPRoute. */
    public static final String ROUTE_NOT_ACCEPTED = "RouteNotAccepted";
    /** Reconciling and Stalled are False because the ModelDeployment is ready. */
    /** Applying a child object failed: the API server refused it (quota, admission, conflict); its message follows. */
    public static final String APPLY_FAILED = "ApplyFailed";
    /** The spec uses what the operator's tenancy policy does not allow (an image, a Secret, a claim...). */
    public static final String POLICY_DENIED = "PolicyDenied";
    /** An oci:// model's tag is being resolved to a digest: nothing of the spec is applied yet. */
    public static final String RESOLVING_MODEL = "ResolvingModel";
    /** An oci:// model's tag could not be resolved to a digest: nothing new is applied until it can. */
    public static final String MODEL_UNRESOLVABLE = "ModelUnresolvable";
    public static final String RECONCILED = "Reconciled";
    public static final String PROGRESSING = "Progressing";

    public static final String PHASE_PENDING = "Pending";
    public static final String PHASE_PROGRESSING = "Progressing";
    public static final String PHASE_READY = "Ready";
    public static final String PHASE_STALLED = "Stalled";
    public static final String PHASE_CANARY = "Canary";
    public static final String PHASE_PAUSED = "Paused";
    public static final String PHASE_ROLLED_BACK = "RolledBack";

    /** A canary revision failed its health checks and was rolled back; the stable revision serves. */
    public static final String ROLLED_BACK = "RolledBack";

    private Conditions() {
    }
}

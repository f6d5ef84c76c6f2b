package io.modeldeploy.api.v1alpha1;

/**
 * The labels and annotations through which tools other than the operator (the kubectl plugin, dashboards, scripts)
 * read and steer a ModelDeployment's objects: part of the API, like its fields.
 */
public final class WellKnown {
    /** On every serving pod, Deployment and Service: the ModelDeployment it belongs to. */
    public static final String MODEL_DEPLOYMENT_LABEL = "serving.modeldeploy.io/model-deployment";
    /** On a serving Deployment and its pods: which track it serves, {@link #TRACK_STABLE} or {@link #TRACK_CANARY}. */
    public static final String TRACK_LABEL = "serving.modeldeploy.io/track";
    public static final String TRACK_STABLE = "stable";
    public static final String TRACK_CANARY = "canary";
    /** On a serving pod: the hash of the pod template (the revision) it was made from. */
    public static final String REVISION_LABEL = "serving.modeldeploy.io/revision";
    /** On a serving pod: the model version it serves. */
    public static final String VERSION_LABEL = "app.kubernetes.io/version";
    /**
     * On a ModelDeployment: a person's rollout action, {@code promote}, {@code abort}, {@code retry}, {@code pause}
     * or {@code resume}, with any
     * suffix that makes the value new (the operator acts on a value once; status.rollout.lastAction is the last it
     * read).
     */
    public static final String ROLLOUT_ACTION_ANNOTATION = "serving.modeldeploy.io/rollout-action";

    private WellKnown() {
    }
}

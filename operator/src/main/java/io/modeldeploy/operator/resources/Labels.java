package io.modeldeploy.operator.resources;

import java.util.Map;
import java.util.TreeMap;

import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.WellKnown;

/** Label and annotation keys on the objects the operator creates, and the label sets built from them. */
public final class Labels {
    public static final String NAME = "app.kubernetes.io/name";
    public static final String INSTANCE = "app.kubernetes.io/instance";
    public static final String COMPONENT = "app.kubernetes.io/component";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String VERSION = WellKnown.VERSION_LABEL;

    /** The ModelDeployment a pod, Deployment, Service or autoscaler belongs to. */
    public static final String MODEL_DEPLOYMENT = WellKnown.MODEL_DEPLOYMENT_LABEL;
    /** Which track of a ModelDeployment a Deployment and its pods serve: stable (or, in a rollout, canary). */
    public static final String TRACK = WellKnown.TRACK_LABEL;
    /** Hash of the pod template a pod was made from. */
    public static final String REVISION = WellKnown.REVISION_LABEL;

    public static final String MANAGER = "modeldeploy";
    public static final String COMPONENT_MODEL_SERVER = "model-server";
    public static final String TRACK_STABLE = WellKnown.TRACK_STABLE;
    public static final String TRACK_CANARY = WellKnown.TRACK_CANARY;

    /** Selects every object the operator manages, for its informers. */
    public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + MANAGER;

    private Labels() {
    }

    /** Labels on every object made for the ModelDeployment. */
    public static Map<String, String> common(ModelDeployment md) {
        var labels = new TreeMap<String, String>();
        labels.put(NAME, "modeldeploy-runtime");
        labels.put(INSTANCE, md.getMetadata().getName());
        labels.put(COMPONENT, COMPONENT_MODEL_SERVER);
        labels.put(MANAGED_BY, MANAGER);
        labels.put(MODEL_DEPLOYMENT, md.getMetadata().getName());
        return labels;
    }

    /** Selects all serving pods of the ModelDeployment, whatever their track: what its Service routes to. */
    public static Map<String, String> servingPods(ModelDeployment md) {
        return Map.of(MODEL_DEPLOYMENT, md.getMetadata().getName());
    }

    /** Selects the pods of one track, as its Deployment's selector (immutable once created). */
    public static Map<String, String> track(ModelDeployment md, String track) {
        return new TreeMap<>(Map.of(MODEL_DEPLOYMENT, md.getMetadata().getName(), TRACK, track));
    }

    /** The servingPods selector in the string form of status.selector. */
    public static String servingPodsSelector(ModelDeployment md) {
        return MODEL_DEPLOYMENT + "=" + md.getMetadata().getName();
    }
}

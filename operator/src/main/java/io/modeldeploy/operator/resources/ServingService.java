package io.modeldeploy.operator.resources;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.modeldeploy.api.v1alpha1.ModelDeployment;

/**
 * The ClusterIP Services of a ModelDeployment: one in front of all its serving pods (what clients call), and, for
 * the GatewayAPI traffic provider, one per track, which the HTTPRoute weighs against each other.
 */
public final class ServingService {
    private ServingService() {
    }

    public static String name(ModelDeployment md) {
        return md.getMetadata().getName();
    }

    /** The names of a ModelDeployment's Services: its own, each track's and the shadow one. */
    public static List<String> names(ModelDeployment md) {
        return List.of(name(md), name(md, Labels.TRACK_STABLE), name(md, Labels.TRACK_CANARY), shadowName(md));
    }

    /** The in-cluster URL clients call. */
    public static String url(ModelDeployment md) {
        return url(md, name(md));
    }

    /** The in-cluster URL of one track's Service (GatewayAPI traffic). */
    public static String trackUrl(ModelDeployment md, String track) {
        return url(md, name(md, track));
    }

    private static String url(ModelDeployment md, String service) {
        return "http://" + service + "." + md.getMetadata().getNamespace() + ".svc:" + RuntimeContract.SERVICE_PORT;
    }

    /** The Service of one track's pods: {@code <name>-stable} or {@code <name>-canary}. */
    static final String SHADOW = "shadow";

    public static String name(ModelDeployment md, String track) {
        return name(md) + "-" + track;
    }

    public static Service desired(ModelDeployment md) {
        return desired(md, true);
    }

    /**
     * @param canaryPods whether it selects the canary's pods too; a shadow step's canary pods answer copies only
     *        ({@link io.modeldeploy.operator.rollout.RolloutCoordinator.Target#canaryOutOfService})
     */
    public static Service desired(ModelDeployment md, boolean canaryPods) {
        return service(md, name(md), canaryPods ? Labels.servingPods(md) : Labels.track(md, Labels.TRACK_STABLE),
                true);
    }

    public static Service desired(ModelDeployment md, String track) {
        return service(md, name(md, track), Labels.track(md, track), true);
    }

    /** The Service stable pods send shadow traffic to: {@code <name>-shadow}. */
    public static String shadowName(ModelDeployment md) {
        return name(md) + "-" + SHADOW;
    }

    /**
     * The shadow Service: while a shadow step runs it selects the canary's pods; otherwise no pod (the stable pods
     * that mirror to it find it not ready and send nothing). It exists as long as the spec has a shadow step, so
     * that pods started meanwhile have its address in their environment.
     */
    public static Service desiredShadow(ModelDeployment md, boolean shadowRuns) {
        // REST only: the stable pods mirror over HTTP, and its first port is the one the environment names.
        return service(md, shadowName(md), Labels.track(md, shadowRuns ? Labels.TRACK_CANARY : "none"), false);
    }

    /**
     * The shadow server's URL as the runtime's environment gives it: the address and port the kubelet puts in the
     * environment of a pod started after the shadow Service ({@code <NAME>_SHADOW_SERVICE_HOST}), expanded by
     * Kubernetes' {@code $(VAR)} references; no cluster DNS needed. A pod started before the Service keeps the
     * references unexpanded, and the runtime takes that as no shadow.
     */
    public static String shadowUrlFromEnvironment(ModelDeployment md) {
        String variable = shadowName(md).toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        return "http://$(" + variable + "_SERVICE_HOST):$(" + variable + "_SERVICE_PORT)";
    }

    /** @param grpc whether it also exposes the runtime's gRPC port (after the HTTP port, which stays first) */
    private static Service service(ModelDeployment md, String name, Map<String, String> selector, boolean grpc) {
        var service = new ServiceBuilder()
                .withMetadata(Owner.childMetadata(md, name))
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(selector)
                .addNewPort()
                .withName(RuntimeContract.PORT_NAME)
                .withPort(RuntimeContract.SERVICE_PORT)
                .withTargetPort(new IntOrString(RuntimeContract.PORT_NAME))
                .withProtocol("TCP")
                .endPort()
                .endSpec()
                .build();
        if (grpc) {
            int port = md.getSpec().runtime().grpcPortOrDefault();
            service.getSpec().getPorts().add(new io.fabric8.kubernetes.api.model.ServicePortBuilder()
                    .withName(RuntimeContract.GRPC_PORT_NAME).withPort(port)
                    .withTargetPort(new IntOrString(RuntimeContract.GRPC_PORT_NAME)).withProtocol("TCP")
                    .withAppProtocol(RuntimeContract.GRPC_APP_PROTOCOL).build());
        }
        return service;
    }
}

package io.modeldeploy.operator.resources;

import java.util.List;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRefBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReferenceBuilder;
import io.modeldeploy.api.v1alpha1.GatewayRefSpec;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.TrafficSpec;

/**
 * The HTTPRoute of the GatewayAPI traffic provider: attached to the Gateway named in spec, it sends every request
 * to the stable and the canary track Service, weighted by the canary's effective weight (exact, unlike a replica
 * ratio). Without a running canary the canary's weight is 0.
 * <p>
 * The route's lists are atomic in the Gateway API schema, so the operator owns each list whole, including what the
 * API server would default inside it (the match-all path, the core group): written out here, a re-apply matches
 * the stored route and is skipped instead of being sent again on every reconcile.
 */
public final class ServingRoute {
    public static final String GATEWAY_GROUP = "gateway.networking.k8s.io";

    private ServingRoute() {
    }

    public static String name(ModelDeployment md) {
        return md.getMetadata().getName();
    }

    /** The names of a ModelDeployment's objects of this kind: one. */
    public static List<String> names(ModelDeployment md) {
        return List.of(name(md));
    }

    /** @param canaryWeight percent of the requests the canary Service gets, 0 to 100 */
    public static HTTPRoute desired(ModelDeployment md, int canaryWeight) {
        checkWeight(canaryWeight);
        TrafficSpec traffic = md.getSpec().rollout().traffic();
        GatewayRefSpec gateway = traffic.gateway();
        return new HTTPRouteBuilder()
                .withMetadata(Owner.childMetadata(md, name(md)))
                .withNewSpec()
                .withParentRefs(parent(gateway))
                .withHostnames(traffic.hostnames())
                .addNewRule()
                .addNewMatch().withNewPath().withType("PathPrefix").withValue("/").endPath().endMatch()
                .withBackendRefs(backend(md, Labels.TRACK_STABLE, 100 - canaryWeight),
                        backend(md, Labels.TRACK_CANARY, canaryWeight))
                .endRule()
                .endSpec()
                .build();
    }

    static void checkWeight(int canaryWeight) {
        if (canaryWeight < 0 || canaryWeight > 100) {
            throw new IllegalArgumentException("a canary weight is between 0 and 100, not " + canaryWeight);
        }
    }

    /** The spec's Gateway (and listener) as a route's parent, written out whole (the list is atomic). */
    static ParentReference parent(GatewayRefSpec gateway) {
        return new ParentReferenceBuilder()
                .withGroup(GATEWAY_GROUP)
                .withKind("Gateway")
                .withName(gateway.name())
                .withNamespace(gateway.namespace())
                .withSectionName(gateway.sectionName())
                .build();
    }

    private static HTTPBackendRef backend(ModelDeployment md, String track, int weight) {
        return new HTTPBackendRefBuilder()
                .withGroup("")
                .withKind("Service")
                .withName(ServingService.name(md, track))
                .withPort(RuntimeContract.SERVICE_PORT)
                .withWeight(weight)
                .build();
    }
}

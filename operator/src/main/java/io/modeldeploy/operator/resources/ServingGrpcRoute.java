package io.modeldeploy.operator.resources;

import java.util.List;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCBackendRefBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteBuilder;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.TrafficSpec;

/**
 * The GRPCRoute of the GatewayAPI traffic provider: the Open Inference Protocol's gRPC calls weighed between the
 * stable and the canary track Service as the {@link ServingRoute HTTPRoute} weighs REST requests, at the same
 * weight, on the same Gateway and hostnames, to the Services' {@code grpc} port. It matches the protocol's service
 * only ({@value #SERVICE}): a route that matched every call would also take the REST requests that share its
 * hostname on the listener (Traefik answers them 415), so the HTTPRoute keeps everything else. The match is written
 * whole, its type included, as the API server would default it (the lists are atomic).
 */
public final class ServingGrpcRoute {
    /** The runtime's gRPC service, the one the route matches. */
    public static final String SERVICE = "inference.GRPCInferenceService";

    private ServingGrpcRoute() {
    }

    /** Named as the HTTPRoute: the kinds differ. */
    public static String name(ModelDeployment md) {
        return ServingRoute.name(md);
    }

    /** The names of a ModelDeployment's objects of this kind: one. */
    public static List<String> names(ModelDeployment md) {
        return List.of(name(md));
    }

    /** @param canaryWeight percent of the calls the canary Service gets, 0 to 100 */
    public static GRPCRoute desired(ModelDeployment md, int canaryWeight) {
        ServingRoute.checkWeight(canaryWeight);
        TrafficSpec traffic = md.getSpec().rollout().traffic();
        return new GRPCRouteBuilder()
                .withMetadata(Owner.childMetadata(md, name(md)))
                .withNewSpec()
                .withParentRefs(ServingRoute.parent(traffic.gateway()))
                .withHostnames(traffic.hostnames())
                .addNewRule()
                .addNewMatch().withNewMethod().withType("Exact").withService(SERVICE).endMethod().endMatch()
                .withBackendRefs(backend(md, Labels.TRACK_STABLE, 100 - canaryWeight),
                        backend(md, Labels.TRACK_CANARY, canaryWeight))
                .endRule()
                .endSpec()
                .build();
    }

    private static GRPCBackendRef backend(ModelDeployment md, String track, int weight) {
        return new GRPCBackendRefBuilder()
                .withGroup("")
                .withKind("Service")
                .withName(ServingService.name(md, track))
                .withPort(md.getSpec().runtime().grpcPortOrDefault())
                .withWeight(weight)
                .build();
    }
}

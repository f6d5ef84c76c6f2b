package io.modeldeploy.operator.status;

import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

/**
 * The pods a Service's EndpointSlices list as ready: the pods its traffic reaches. kube-proxy and Gateway
 * controllers (Traefik, Envoy Gateway...) send requests by these lists, not by the pods' Ready condition; the list
 * follows the condition a moment later (the EndpointSlice controller writes it), and until it does, a route weight
 * given to a Service whose list is empty fails its requests ("no available server").
 */
public final class ServiceEndpoints {
    /** The label the EndpointSlice controller puts on a Service's slices. */
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    private ServiceEndpoints() {
    }

    /** Names of the pods that the slices of {@code service} list as ready (an unset condition counts as ready). */
    public static Set<String> readyPods(Collection<EndpointSlice> slices, String service) {
        return slices.stream()
                .filter(s -> s.getMetadata().getLabels() != null
                        && service.equals(s.getMetadata().getLabels().get(SERVICE_NAME_LABEL)))
                .filter(s -> s.getEndpoints() != null)
                .flatMap(s -> s.getEndpoints().stream())
                .filter(ServiceEndpoints::ready)
                .map(e -> e.getTargetRef() == null || !"Pod".equals(e.getTargetRef().getKind()) ? null
                        : e.getTargetRef().getName())
                .filter(Objects::nonNull)
                .collect(Collectors.toUnmodifiableSet());
    }

    private static boolean ready(Endpoint endpoint) {
        return endpoint.getConditions() == null || !Boolean.FALSE.equals(endpoint.getConditions().getReady());
    }
}

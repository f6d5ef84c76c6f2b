package io.modeldeploy.operator.status;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;

/**
 * What the Gateway's controller says of the HTTPRoute of the GatewayAPI traffic provider: a route it did not accept
 * (or whose backends it cannot resolve) carries no traffic, so the ModelDeployment must not look Ready. A route
 * no controller has written status for yet is not a problem: not every cluster runs one, and the first status
 * arrives after the route.
 */
public final class RouteAcceptance {
    static final List<String> REQUIRED = List.of("Accepted", "ResolvedRefs");

    private RouteAcceptance() {
    }

    /** The first condition a Gateway controller set to False on the route, as a sentence. */
    public static Optional<String> problem(HTTPRoute route) {
        if (route.getStatus() == null || route.getStatus().getParents() == null) {
            return Optional.empty();
        }
        for (RouteParentStatus parent : route.getStatus().getParents()) {
            for (Condition condition : parent.getConditions() == null ? List.<Condition>of() : parent.getConditions()) {
                if (REQUIRED.contains(condition.getType()) && "False".equals(condition.getStatus())) {
                    return Optional.of("the Gateway " + gateway(parent.getParentRef(), route) + " reports "
                            + condition.getType() + "=False on HTTPRoute " + route.getMetadata().getName() + " ("
                            + condition.getReason() + ": " + condition.getMessage() + "), so the route carries no "
                            + "traffic; fix the Gateway's listeners or allowedRoutes, or spec.rollout.traffic");
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Why a Gateway may still send requests to the canary's Service ({@code canaryService}) through this route: the
     * route gives it a weight, or a controller that reports on the route has not yet seen the route's generation (so
     * its data plane may still apply an older one). Empty when no Gateway can reach the canary through the route any
     * more. A route no controller reports on counts as seen: nothing would ever say otherwise.
     */
    public static Optional<String> stillRoutesTo(HTTPRoute route, String canaryService) {
        String name = "HTTPRoute " + route.getMetadata().getName();
        int weight = route.getSpec() == null || route.getSpec().getRules() == null ? 0
                : route.getSpec().getRules().stream()
                        .flatMap(rule -> rule.getBackendRefs() == null ? Stream.empty()
                                : rule.getBackendRefs().stream())
                        .filter(ref -> canaryService.equals(ref.getName()))
                        .mapToInt(ref -> ref.getWeight() == null ? 1 : ref.getWeight())
                        .sum();
        if (weight > 0) {
            return Optional.of(name + " gives " + canaryService + " weight " + weight);
        }
        Long generation = route.getMetadata().getGeneration();
        if (generation == null || route.getStatus() == null || route.getStatus().getParents() == null) {
            return Optional.empty();
        }
        for (RouteParentStatus parent : route.getStatus().getParents()) {
            Optional<Long> seen = (parent.getConditions() == null ? List.<Condition>of() : parent.getConditions())
                    .stream().filter(c -> "Accepted".equals(c.getType())).map(Condition::getObservedGeneration)
                    .filter(Objects::nonNull).findFirst();
            if (seen.isPresent() && seen.get() < generation) {
                return Optional.of("the Gateway " + gateway(parent.getParentRef(), route) + " has applied " + name
                        + " at generation " + seen.get() + ", not yet " + generation + " (where " + canaryService
                        + " has weight 0)");
            }
        }
        return Optional.empty();
    }

    private static String gateway(ParentReference parent, HTTPRoute route) {
        String namespace = parent.getNamespace() != null ? parent.getNamespace() : route.getMetadata().getNamespace();
        return namespace + "/" + parent.getName()
                + (parent.getSectionName() != null ? " (listener " + parent.getSectionName() + ")" : "");
    }
}

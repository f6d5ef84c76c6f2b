package io.modeldeploy.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteSpecBuilder;

class RouteAcceptanceTest {

    @Test
    void aRouteWithoutStatusIsNoProblem() {
        assertThat(RouteAcceptance.problem(route())).isEmpty();
    }

    @Test
    void anAcceptedRouteWithResolvedBackendsIsNoProblem() {
        assertThat(RouteAcceptance.problem(route(condition("Accepted", "True", "Accepted"),
                condition("ResolvedRefs", "True", "ResolvedRefs")))).isEmpty();
    }

    @Test
    void aRouteTheGatewayRefusedNamesTheGatewayTheConditionAndItsReason() {
        assertThat(RouteAcceptance.problem(route(condition("Accepted", "False", "NotAllowedByListeners"),
                condition("ResolvedRefs", "True", "ResolvedRefs")))).hasValueSatisfying(message -> assertThat(message)
                .contains("gateways/public (listener http)", "Accepted=False", "HTTPRoute iris",
                        "NotAllowedByListeners: refused by the test"));
    }

    @Test
    void unresolvedBackendsAreAProblemToo() {
        assertThat(RouteAcceptance.problem(route(condition("Accepted", "True", "Accepted"),
                condition("ResolvedRefs", "False", "BackendNotFound")))).hasValueSatisfying(message ->
                assertThat(message).contains("ResolvedRefs=False", "BackendNotFound"));
    }

    @Test
    void aRouteThatGivesTheCanaryAWeightStillRoutesToIt() {
        assertThat(RouteAcceptance.stillRoutesTo(weighted(10, 4, 4L), "iris-canary"))
                .hasValue("HTTPRoute iris gives iris-canary weight 10");
    }

    @Test
    void aCanaryAtWeightZeroIsStillRoutedUntilTheControllerHasSeenThatGeneration() {
        assertThat(RouteAcceptance.stillRoutesTo(weighted(0, 5, 4L), "iris-canary")).hasValueSatisfying(why ->
                assertThat(why).contains("gateways/public (listener http)", "generation 4, not yet 5"));
        assertThat(RouteAcceptance.stillRoutesTo(weighted(0, 5, 5L), "iris-canary")).isEmpty();
    }

    @Test
    void aRouteNoControllerReportsOnCountsAsSeen() {
        assertThat(RouteAcceptance.stillRoutesTo(weighted(0, 5, null), "iris-canary")).isEmpty();
        var noGeneration = weighted(0, 5, 4L);
        noGeneration.getStatus().getParents().get(0).getConditions().get(0).setObservedGeneration(null);
        assertThat(RouteAcceptance.stillRoutesTo(noGeneration, "iris-canary")).isEmpty();
    }

    /** A route at {@code generation} giving the canary {@code weight}; its controller has seen {@code seen}. */
    private static HTTPRoute weighted(int weight, long generation, Long seen) {
        HTTPRoute route = seen == null ? route() : route(new ConditionBuilder().withType("Accepted").withStatus("True")
                .withReason("Accepted").withObservedGeneration(seen).build());
        route.getMetadata().setGeneration(generation);
        route.setSpec(new HTTPRouteSpecBuilder().addNewRule()
                .addNewBackendRef().withName("iris-stable").withPort(80).withWeight(100 - weight).endBackendRef()
                .addNewBackendRef().withName("iris-canary").withPort(80).withWeight(weight).endBackendRef()
                .endRule().build());
        return route;
    }

    private static io.fabric8.kubernetes.api.model.Condition condition(String type, String status, String reason) {
        return new ConditionBuilder().withType(type).withStatus(status).withReason(reason)
                .withMessage("refused by the test").build();
    }

    private static HTTPRoute route(io.fabric8.kubernetes.api.model.Condition... conditions) {
        var builder = new HTTPRouteBuilder().withNewMetadata().withName("iris").withNamespace("models").endMetadata();
        if (conditions.length > 0) {
            builder.withNewStatus().addNewParent().withControllerName("example.com/gateway")
                    .withNewParentRef().withName("public").withNamespace("gateways").withSectionName("http")
                    .endParentRef().withConditions(conditions).endParent().endStatus();
        }
        return builder.build();
    }
}

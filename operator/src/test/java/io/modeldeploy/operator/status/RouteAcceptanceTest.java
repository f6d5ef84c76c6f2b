package io.modeldeploy.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;

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

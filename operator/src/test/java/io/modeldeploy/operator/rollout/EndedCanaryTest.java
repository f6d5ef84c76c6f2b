package io.modeldeploy.operator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.modeldeploy.api.v1alpha1.AnalysisSpec;
import io.modeldeploy.api.v1alpha1.CanaryStepSpec;
import io.modeldeploy.api.v1alpha1.GatewayRefSpec;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.ModelDeploymentSpec;
import io.modeldeploy.api.v1alpha1.ModelDeploymentStatus;
import io.modeldeploy.api.v1alpha1.ModelFormat;
import io.modeldeploy.api.v1alpha1.ModelSpec;
import io.modeldeploy.api.v1alpha1.RolloutEvent;
import io.modeldeploy.api.v1alpha1.RolloutSpec;
import io.modeldeploy.api.v1alpha1.RolloutStatus;
import io.modeldeploy.api.v1alpha1.TrafficSpec;
import io.modeldeploy.operator.resources.Labels;

/** The canary Deployment of a canary that ended stays while a Gateway may still route to it, and not for ever. */
class EndedCanaryTest {
    private static final Instant NOW = Instant.parse("2026-12-03T06:00:00Z");

    @Test
    void anEndedCanaryStaysWhileTheGatewayHasNotAppliedTheRouteWithoutIt() {
        var target = decide(endedAt(NOW.minusSeconds(30)), Optional.of(route(0, 7, 6)));

        assertThat(target.canaryRuns()).isFalse();
        assertThat(target.canaryDeploymentExists()).isTrue();
        assertThat(target.canaryKept()).hasValueSatisfying(why -> assertThat(why).contains("generation 6, not yet 7"));
        assertThat(RolloutCoordinator.status(target).endedCanaryKept()).isEqualTo(target.canaryKept().get());
    }

    @Test
    void itGoesOnceTheGatewayHasAppliedTheRouteOrWhenNoRouteIsLeft() {
        assertThat(decide(endedAt(NOW.minusSeconds(30)), Optional.of(route(0, 7, 7))).canaryDeploymentExists())
                .isFalse();
        assertThat(decide(endedAt(NOW.minusSeconds(30)), Optional.empty()).canaryDeploymentExists()).isFalse();
    }

    @Test
    void aGatewayThatHasNotCaughtUpWithinTheLimitIsTakenAsGone() {
        Duration past = RolloutCoordinator.GATEWAY_DRAIN_LIMIT.plusSeconds(1);
        assertThat(decide(endedAt(NOW.minus(past)), Optional.of(route(0, 7, 6))).canaryKept()).isEmpty();
    }

    private static RolloutCoordinator.Target decide(ModelDeployment md, Optional<HTTPRoute> route) {
        return RolloutCoordinator.decide(md, "v2", 2, new RolloutCoordinator.Observed(
                Optional.of(deployment("iris", "v2")), Optional.of(deployment("iris-canary", "v2")), List.of(),
                List.of(), route), RolloutPlan.Analysis.NONE, NOW);
    }

    /** A ModelDeployment whose canary of v2 was promoted at {@code ended}: v2 is stable. */
    private static ModelDeployment endedAt(Instant ended) {
        var md = new ModelDeployment();
        md.setMetadata(new ObjectMetaBuilder().withName("iris").withNamespace("models").withGeneration(3L).build());
        md.setSpec(new ModelDeploymentSpec(new ModelSpec("iris", "2.0.0", ModelFormat.ONNX, "file:///models/iris",
                null, null), null, 2, null, null, null, null, null, 600,
                new RolloutSpec(RolloutSpec.Strategy.Canary, new ArrayList<>(List.of(new CanaryStepSpec(50, null))),
                        new AnalysisSpec(1, 3, 3), new TrafficSpec(TrafficSpec.Provider.GatewayAPI,
                                new GatewayRefSpec("public", null, "http"), null))));
        md.setStatus(new ModelDeploymentStatus(3L, "Ready", 2, 2, null, null, "2.0.0", "v2", List.of(), null, null,
                null, null).withRollout(new RolloutStatus("Stable", "v2", null, null, null, null, null, null, 0, 0,
                        "Stable", "revision v2 serves all traffic", null, null, null),
                List.of(new RolloutEvent(ended.toString(), "Stable", "canary v2 promoted"))));
        return md;
    }

    private static Deployment deployment(String name, String revision) {
        return ObservedDeployments.rolledOut(name, revision);
    }

    /** The route at {@code generation}, giving iris-canary {@code weight}; its controller applied {@code seen}. */
    private static HTTPRoute route(int weight, long generation, long seen) {
        return new HTTPRouteBuilder()
                .withNewMetadata().withName("iris").withGeneration(generation).endMetadata()
                .withNewSpec().addNewRule()
                .addNewBackendRef().withName("iris-stable").withPort(80).withWeight(100 - weight).endBackendRef()
                .addNewBackendRef().withName("iris-canary").withPort(80).withWeight(weight).endBackendRef()
                .endRule().endSpec()
                .withNewStatus().addNewParent().withControllerName("example.com/gateway")
                .withNewParentRef().withName("public").withSectionName("http").endParentRef()
                .withConditions(new ConditionBuilder().withType("Accepted").withStatus("True").withReason("Accepted")
                        .withObservedGeneration(seen).build())
                .endParent().endStatus()
                .build();
    }
}

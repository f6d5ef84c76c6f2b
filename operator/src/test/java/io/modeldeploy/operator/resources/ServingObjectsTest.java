package io.modeldeploy.operator.resources;

import static io.modeldeploy.operator.ModelDeployments.IMAGE;
import static io.modeldeploy.operator.ModelDeployments.iris;
import static io.modeldeploy.operator.ModelDeployments.spec;
import static io.modeldeploy.operator.ModelDeployments.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.modeldeploy.api.v1alpha1.AutoscalingSpec;
import io.modeldeploy.api.v1alpha1.CanaryStepSpec;
import io.modeldeploy.api.v1alpha1.CustomMetricSpec;
import io.modeldeploy.api.v1alpha1.GatewayRefSpec;
import io.modeldeploy.api.v1alpha1.ModelDeploymentSpec;
import io.modeldeploy.api.v1alpha1.RolloutSpec;
import io.modeldeploy.api.v1alpha1.TrafficSpec;

/** The Deployment, Service and autoscaler built for a ModelDeployment. */
class ServingObjectsTest {
    private static final AutoscalingSpec TWO_TO_FIVE = new AutoscalingSpec(2, 5, 70, null);

    @Test
    void withoutAutoscalingTheServingPodsAreSpecReplicas() {
        assertThat(ServingDeployment.replicas(iris(), Optional.empty())).isEqualTo(2);
        assertThat(ServingDeployment.replicas(iris(), Optional.of(9))).as("only an autoscaler's count is kept")
                .isEqualTo(2);
        assertThat(ServingDeployment.desired(iris(), IMAGE, 2).getSpec().getReplicas()).isEqualTo(2);
    }

    @Test
    void withAutoscalingTheServingPodsAreTheAutoscalersSpecReplicasWithinBounds() {
        assertThat(ServingDeployment.replicas(with(spec("file:///models/iris", "1", 1, TWO_TO_FIVE, null, null)),
                Optional.empty())).as("created below min").isEqualTo(2);
        assertThat(ServingDeployment.replicas(with(spec("file:///models/iris", "1", 4, TWO_TO_FIVE, null, null)),
                Optional.empty())).isEqualTo(4);
        assertThat(ServingDeployment.replicas(with(spec("file:///models/iris", "1", 9, TWO_TO_FIVE, null, null)),
                Optional.empty())).isEqualTo(5);
    }

    @Test
    void anAutoscalerOfAnEarlierVersionKeepsTheCountItGaveTheDeploymentUntilItIsMoved() {
        var md = with(spec("file:///models/iris", "1", 1, TWO_TO_FIVE, null, null));
        assertThat(ServingDeployment.replicas(md, Optional.of(4))).isEqualTo(4);
        assertThat(ServingDeployment.replicas(md, Optional.of(9))).isEqualTo(5);

        var old = new HorizontalPodAutoscalerBuilder(ServingAutoscaler.desired(md)).editSpec().editScaleTargetRef()
                .withApiVersion("apps/v1").withKind("Deployment").endScaleTargetRef().endSpec().build();
        assertThat(ServingAutoscaler.scalesDeployment(old)).isTrue();
        assertThat(ServingAutoscaler.scalesDeployment(ServingAutoscaler.desired(md))).isFalse();
    }

    @Test
    void rollingUpdatesNeverTakeAReadyPodAwayFirst() {
        var deployment = ServingDeployment.desired(iris(), IMAGE, 2);
        assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
        assertThat(deployment.getSpec().getProgressDeadlineSeconds()).isEqualTo(600);
        assertThat(deployment.getSpec().getSelector().getMatchLabels())
                .containsEntry(Labels.MODEL_DEPLOYMENT, "iris").containsEntry(Labels.TRACK, Labels.TRACK_STABLE);
    }

    @Test
    void theServiceRoutesToEveryTrackOfTheModelOnPort80AndGrpcOn8081() {
        var service = ServingService.desired(iris());
        assertThat(service.getSpec().getSelector()).containsOnly(java.util.Map.entry(Labels.MODEL_DEPLOYMENT, "iris"));
        assertThat(service.getSpec().getPorts()).extracting(p -> p.getName() + " " + p.getPort() + "->"
                + p.getTargetPort().getStrVal() + " " + p.getAppProtocol())
                .containsExactly("http 80->http null", "grpc 8081->grpc kubernetes.io/h2c");
        assertThat(ServingService.url(iris())).isEqualTo("http://iris.models.svc:80");
    }

    @Test
    void gatewayTrafficGetsOneServicePerTrackAndARouteWeighingThem() {
        var base = iris().getSpec();
        var md = with(new ModelDeploymentSpec(base.model(), base.runtime(), 2, null, base.probes(), null, null, null,
                600, new RolloutSpec(RolloutSpec.Strategy.Canary, List.of(new CanaryStepSpec(10, null)),
                        base.rollout().analysis(), new TrafficSpec(TrafficSpec.Provider.GatewayAPI,
                                new GatewayRefSpec("public", null, null), null))));

        assertThat(ServingService.desired(md, Labels.TRACK_CANARY).getMetadata().getName()).isEqualTo("iris-canary");
        assertThat(ServingService.desired(md, Labels.TRACK_CANARY).getSpec().getPorts())
                .extracting(p -> p.getName()).containsExactly("http", "grpc");
        assertThat(ServingService.desiredShadow(md, true).getSpec().getPorts()).as("mirrored over HTTP only")
                .extracting(p -> p.getName()).containsExactly("http");
        assertThat(ServingService.desired(md, Labels.TRACK_CANARY).getSpec().getSelector())
                .containsOnly(java.util.Map.entry(Labels.MODEL_DEPLOYMENT, "iris"),
                        java.util.Map.entry(Labels.TRACK, Labels.TRACK_CANARY));
        var route = ServingRoute.desired(md, 10);
        assertThat(route.getMetadata().getName()).isEqualTo("iris");
        assertThat(route.getSpec().getParentRefs()).singleElement().satisfies(parent -> {
            assertThat(parent.getGroup()).isEqualTo("gateway.networking.k8s.io");
            assertThat(parent.getKind()).isEqualTo("Gateway");
            assertThat(parent.getName()).isEqualTo("public");
            assertThat(parent.getNamespace()).as("the ModelDeployment's own, by the API's default").isNull();
        });
        assertThat(route.getSpec().getRules()).singleElement().satisfies(rule -> assertThat(rule.getBackendRefs())
                .extracting(b -> b.getName() + ":" + b.getPort() + "=" + b.getWeight())
                .containsExactly("iris-stable:80=90", "iris-canary:80=10"));
        assertThatThrownBy(() -> ServingRoute.desired(md, 101)).hasMessageContaining("between 0 and 100");

        var grpc = ServingGrpcRoute.desired(md, 10);
        assertThat(grpc.getMetadata().getName()).isEqualTo("iris");
        assertThat(grpc.getSpec().getParentRefs()).isEqualTo(route.getSpec().getParentRefs());
        assertThat(grpc.getSpec().getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getMatches()).as("the protocol's service only: REST stays on the HTTPRoute")
                    .singleElement().satisfies(match -> assertThat(match.getMethod().getService())
                            .isEqualTo("inference.GRPCInferenceService"));
            assertThat(rule.getBackendRefs()).extracting(b -> b.getName() + ":" + b.getPort() + "=" + b.getWeight())
                    .containsExactly("iris-stable:8081=90", "iris-canary:8081=10");
        });
        assertThatThrownBy(() -> ServingGrpcRoute.desired(md, -1)).hasMessageContaining("between 0 and 100");
    }

    @Test
    void theAutoscalerScalesTheModelDeploymentOnCpuAndAnOptionalCustomMetric() {
        var md = with(spec("file:///models/iris", "1", 1,
                new AutoscalingSpec(2, 5, 70, new CustomMetricSpec("requests_per_second", new Quantity("100"))),
                null, null));
        var hpa = ServingAutoscaler.desired(md);
        assertThat(hpa.getSpec().getScaleTargetRef()).satisfies(target -> {
            assertThat(target.getApiVersion()).isEqualTo("serving.modeldeploy.io/v1alpha1");
            assertThat(target.getKind()).isEqualTo("ModelDeployment");
            assertThat(target.getName()).isEqualTo(md.getMetadata().getName());
        });
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(5);
        assertThat(hpa.getSpec().getMetrics()).hasSize(2);
        assertThat(hpa.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization()).isEqualTo(70);
        assertThat(hpa.getSpec().getMetrics().get(1).getPods().getMetric().getName()).isEqualTo("requests_per_second");
    }

    @Test
    void everyObjectIsControlledByItsModelDeployment() {
        var md = with(spec("file:///models/iris", "1", 1, TWO_TO_FIVE, null, null));
        List<HasMetadata> objects = List.of(ServingDeployment.desired(md, IMAGE, 2),
                ServingService.desired(md), ServingAutoscaler.desired(md));
        assertThat(objects).allSatisfy(o -> {
            assertThat(o.getMetadata().getOwnerReferences()).singleElement().satisfies(ref -> {
                assertThat(ref.getUid()).isEqualTo("uid-1");
                assertThat(ref.getController()).isTrue();
            });
            assertThat(o.getMetadata().getLabels()).containsEntry(Labels.MANAGED_BY, Labels.MANAGER);
        });
    }
}

package io.modeldeploy.operator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.modeldeploy.api.v1alpha1.AnalysisSpec;
import io.modeldeploy.api.v1alpha1.CanaryStepSpec;
import io.modeldeploy.api.v1alpha1.GatewayRefSpec;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.ModelDeploymentSpec;
import io.modeldeploy.api.v1alpha1.ModelDeploymentStatus;
import io.modeldeploy.api.v1alpha1.ModelFormat;
import io.modeldeploy.api.v1alpha1.ModelSpec;
import io.modeldeploy.api.v1alpha1.RolloutSpec;
import io.modeldeploy.api.v1alpha1.RolloutStatus;
import io.modeldeploy.api.v1alpha1.RuntimeSpec;
import io.modeldeploy.api.v1alpha1.TrafficSpec;
import io.modeldeploy.operator.resources.Labels;
import io.modeldeploy.operator.resources.ServingService;
import io.modeldeploy.operator.status.ServiceEndpoints;

/**
 * Traffic goes to pods that the Service sending it lists as ready endpoints, not to pods that are merely Ready: a
 * Gateway (and kube-proxy) routes by the EndpointSlices, which the EndpointSlice controller writes a moment after the
 * pod's Ready condition, and a weighted backend whose list is still empty fails its share of the requests.
 */
class ReachableCanaryTest {
    private static final Instant NOW = Instant.parse("2026-12-03T09:00:00Z");
    private static final TrafficSpec GATEWAY = new TrafficSpec(TrafficSpec.Provider.GatewayAPI,
            new GatewayRefSpec("public", null, "http"), null);

    @Test
    void aGatewayRoutedCanaryGetsItsWeightOnceItsServiceListsItsReadyPod() {
        ModelDeployment md = progressingAt50(GATEWAY);
        List<Pod> pods = List.of(pod("iris-1", Labels.TRACK_STABLE, "v1"), pod("iris-2", Labels.TRACK_STABLE, "v1"),
                pod("iris-canary-1", Labels.TRACK_CANARY, "v2"));

        var notYetListed = decide(md, pods, List.of(slice("iris-stable", "iris-1", "iris-2"), slice("iris-canary")));
        assertThat(notYetListed.decision().canaryWeight()).isEqualTo(50);
        assertThat(notYetListed.split().effectiveWeight()).as("route weight while iris-canary lists no pod").isZero();

        var listed = decide(md, pods, List.of(slice("iris-stable", "iris-1", "iris-2"),
                slice("iris-canary", "iris-canary-1")));
        assertThat(listed.split().effectiveWeight()).isEqualTo(50);
    }

    @Test
    void byReplicaRatioTheStableTrackKeepsItsPodsUntilTheServiceListsTheCanarysPod() {
        ModelDeployment md = progressingAt50(null);
        List<Pod> pods = List.of(pod("iris-1", Labels.TRACK_STABLE, "v1"), pod("iris-2", Labels.TRACK_STABLE, "v1"),
                pod("iris-canary-1", Labels.TRACK_CANARY, "v2"));

        var notYetListed = decide(md, pods, List.of(slice("iris", "iris-1", "iris-2")));
        assertThat(notYetListed.split().stable()).isEqualTo(2);
        assertThat(notYetListed.split().effectiveWeight()).isZero();

        var listed = decide(md, pods, List.of(slice("iris", "iris-1", "iris-2", "iris-canary-1")));
        assertThat(listed.split().stable()).isEqualTo(1);
        assertThat(listed.split().effectiveWeight()).isEqualTo(50);
    }

    @Test
    void aPromotionEndsOnceTheStableServiceListsThePromotedPods() {
        ModelDeployment md = promoting();
        List<Pod> pods = List.of(pod("iris-a", Labels.TRACK_STABLE, "v2"), pod("iris-b", Labels.TRACK_STABLE, "v2"),
                pod("iris-canary-1", Labels.TRACK_CANARY, "v2"), pod("iris-canary-2", Labels.TRACK_CANARY, "v2"));
        List<EndpointSlice> canaryListed = List.of(slice("iris-canary", "iris-canary-1", "iris-canary-2"));

        var oneListed = decide(md, pods, deployment("iris", "v2"), List.of(slice("iris-stable", "iris-a"),
                canaryListed.get(0)));
        assertThat(oneListed.decision().state().phase()).as("one of two promoted pods listed")
                .isEqualTo(RolloutPlan.Phase.PROMOTING);
        assertThat(oneListed.split().effectiveWeight()).isEqualTo(100);

        var bothListed = decide(md, pods, deployment("iris", "v2"), List.of(slice("iris-stable", "iris-a", "iris-b"),
                canaryListed.get(0)));
        assertThat(bothListed.decision().state().phase()).isEqualTo(RolloutPlan.Phase.STABLE);
        assertThat(bothListed.split().effectiveWeight()).isZero();
    }

    @Test
    void aShadowStepRunsTheCanaryAtFullSizeWithoutAShareOfTheTraffic() {
        ModelDeployment md = atShadowStep();
        List<Pod> pods = List.of(pod("iris-1", Labels.TRACK_STABLE, "v1"), pod("iris-2", Labels.TRACK_STABLE, "v1"),
                pod("iris-canary-1", Labels.TRACK_CANARY, "v2"));

        var shadow = decide(md, pods, List.of(slice("iris-stable", "iris-1", "iris-2"),
                slice("iris-canary", "iris-canary-1")));
        assertThat(shadow.shadowRuns()).isTrue();
        assertThat(shadow.split()).isEqualTo(new ReplicaSplit(2, 2, 0));
        assertThat(shadow.canaryOutOfService()).as("clients that call the Service, not the Gateway").isTrue();
        assertThat(ServingService.desiredShadow(md, shadow.shadowRuns()).getSpec()
                .getSelector()).containsEntry(Labels.TRACK, Labels.TRACK_CANARY);
        assertThat(ServingService.desiredShadow(md, false).getSpec()
                .getSelector()).containsEntry(Labels.TRACK, "none");
    }

    @Test
    void byReplicaRatioAShadowStepKeepsTheCanarysPodsOutOfTheServiceClientsCall() {
        ModelDeployment md = atShadowStep(null);
        List<Pod> pods = List.of(pod("iris-1", Labels.TRACK_STABLE, "v1"), pod("iris-2", Labels.TRACK_STABLE, "v1"),
                pod("iris-canary-1", Labels.TRACK_CANARY, "v2"), pod("iris-canary-2", Labels.TRACK_CANARY, "v2"));

        var shadow = decideMirrored(md, pods, List.of(slice("iris", "iris-1", "iris-2")));

        assertThat(shadow.shadowRuns()).isTrue();
        assertThat(shadow.split()).as("a copy of all the stable pods' requests").isEqualTo(new ReplicaSplit(2, 2, 0));
        assertThat(shadow.canaryOutOfService()).isTrue();
        assertThat(ServingService.desired(md, !shadow.canaryOutOfService()).getSpec().getSelector())
                .containsEntry(Labels.TRACK, Labels.TRACK_STABLE);
        assertThat(ServingService.desiredShadow(md, shadow.shadowRuns()).getSpec().getSelector())
                .containsEntry(Labels.TRACK, Labels.TRACK_CANARY);
    }

    @Test
    void afterTheShadowStepTheCanaryJoinsTheServiceOnlyOnceItIsDownToItsShare() {
        ModelDeployment md = atShadowStep(null);
        md.setStatus(md.getStatus().withRollout(new RolloutStatus("Progressing", "v1", "v2", 2,
                NOW.minusSeconds(5).toString(), null, null, null, 50, 0, "Progressing", "canary at step 2 of 2, "
                        + "weight 50%", null, null, null), List.of()));
        Pod stable1 = pod("iris-1", Labels.TRACK_STABLE, "v1");
        Pod stable2 = pod("iris-2", Labels.TRACK_STABLE, "v1");
        Pod canary1 = pod("iris-canary-1", Labels.TRACK_CANARY, "v2");
        Pod canary2 = pod("iris-canary-2", Labels.TRACK_CANARY, "v2");
        List<EndpointSlice> stableListed = List.of(slice("iris", "iris-1", "iris-2"));

        var bothCanaryPodsLive = decideMirrored(md, List.of(stable1, stable2, canary1, canary2), stableListed);
        assertThat(bothCanaryPodsLive.split()).as("50% of 2: one canary pod, and both stable until it is listed")
                .isEqualTo(new ReplicaSplit(2, 1, 0));
        assertThat(bothCanaryPodsLive.canaryOutOfService()).as("two shadow pods would take half of the traffic "
                + "each").isTrue();

        Pod terminating = new PodBuilder(canary2).editMetadata().withDeletionTimestamp(NOW.toString()).endMetadata()
                .build();
        var downToItsShare = decideMirrored(md, List.of(stable1, stable2, canary1, terminating), stableListed);
        assertThat(downToItsShare.canaryOutOfService()).isFalse();
        assertThat(ServingService.desired(md, !downToItsShare.canaryOutOfService()).getSpec().getSelector())
                .doesNotContainKey(Labels.TRACK);

        ModelDeployment withoutShadowStep = progressingAt50(null);
        assertThat(decide(withoutShadowStep, List.of(stable1, stable2, canary1, canary2), stableListed)
                .canaryOutOfService()).as("a rollout without a shadow step keeps its Service as it was").isFalse();
    }

    @Test
    void aShadowStepIsSkippedWhenTheStablePodsStartedBeforeTheShadowServiceAndCannotMirror() {
        ModelDeployment md = atShadowStep();
        List<Pod> pods = List.of(pod("iris-1", Labels.TRACK_STABLE, "v1"), pod("iris-2", Labels.TRACK_STABLE, "v1"),
                pod("iris-canary-1", Labels.TRACK_CANARY, "v2"), pod("iris-canary-2", Labels.TRACK_CANARY, "v2"));
        Deployment mirroring = mirroringStable();
        List<EndpointSlice> slices = List.of(slice("iris-stable", "iris-1", "iris-2"),
                slice("iris-canary", "iris-canary-1", "iris-canary-2"));

        // The pods' containers started at 06:00:30: a Service made at 05:00 is in their environment, one made at
        // 07:00 is not.
        var mirrored = decideWithShadowService(md, pods, mirroring, slices, "2026-12-03T05:00:00Z");
        assertThat(mirrored.decision().state().step()).as("the shadow step goes on").isZero();
        assertThat(mirrored.shadowRuns()).isTrue();

        var tooLate = decideWithShadowService(md, pods, mirroring, slices, "2026-12-03T07:00:00Z");
        assertThat(tooLate.decision().state().step()).isEqualTo(1);
        assertThat(tooLate.decision().transition()).hasValueSatisfying(m -> assertThat(m).startsWith(
                "shadow step skipped: the stable pods started before the shadow Service and cannot mirror"));

        assertThat(decideWithShadowService(md, pods, deployment("iris", "v1"), slices, "2026-12-03T05:00:00Z")
                .decision().state().step()).as("a template without the shadow URL").isEqualTo(1);
    }

    /** The stable v1 Deployment of a template whose pods mirror to the shadow Service. */
    private static Deployment mirroringStable() {
        return new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder(deployment("iris", "v1"))
                .editSpec().editTemplate().editOrNewSpec().addNewContainer().withName("runtime").addNewEnv()
                .withName("MODELDEPLOY_SHADOW_URL").withValue("http://$(IRIS_SHADOW_SERVICE_HOST):80").endEnv()
                .endContainer().endSpec().endTemplate().endSpec().build();
    }

    /** Decided with stable pods that mirror to a shadow Service made before they started. */
    private static RolloutCoordinator.Target decideMirrored(ModelDeployment md, List<Pod> pods,
            List<EndpointSlice> slices) {
        return decideWithShadowService(md, pods, mirroringStable(), slices, "2026-12-03T05:00:00Z");
    }

    private static RolloutCoordinator.Target decideWithShadowService(ModelDeployment md, List<Pod> pods,
            Deployment stable, List<EndpointSlice> slices, String serviceCreated) {
        var service = new io.fabric8.kubernetes.api.model.ServiceBuilder().withNewMetadata().withName("iris-shadow")
                .withCreationTimestamp(serviceCreated).endMetadata().build();
        return RolloutCoordinator.decide(md, "v2", 2, new RolloutCoordinator.Observed(Optional.of(stable),
                Optional.of(deployment("iris-canary", "v2")), pods, slices, Optional.empty(), Optional.of(service)),
                RolloutPlan.Analysis.NONE, NOW);
    }

    @Test
    void endpointsThatAreNotReadyOrBelongToAnotherServiceDoNotCount() {
        var slices = List.of(slice("iris-canary", "iris-canary-1"), slice("iris-other", "iris-canary-2"),
                new EndpointSliceBuilder().withNewMetadata().withName("iris-canary-x")
                        .addToLabels(ServiceEndpoints.SERVICE_NAME_LABEL, "iris-canary").endMetadata()
                        .withAddressType("IPv4")
                        .addNewEndpoint().addToAddresses("10.0.0.3").withNewConditions().withReady(false)
                        .withTerminating(true).endConditions().withNewTargetRef().withKind("Pod")
                        .withName("iris-canary-3").endTargetRef().endEndpoint()
                        .build());

        assertThat(ServiceEndpoints.readyPods(slices, "iris-canary")).containsExactly("iris-canary-1");
    }

    private static RolloutCoordinator.Target decide(ModelDeployment md, List<Pod> pods, List<EndpointSlice> slices) {
        return decide(md, pods, deployment("iris", "v1"), slices);
    }

    private static RolloutCoordinator.Target decide(ModelDeployment md, List<Pod> pods, Deployment stable,
            List<EndpointSlice> slices) {
        return RolloutCoordinator.decide(md, "v2", 2, new RolloutCoordinator.Observed(Optional.of(stable),
                Optional.of(deployment("iris-canary", "v2")), pods, slices, Optional.empty()),
                RolloutPlan.Analysis.NONE, NOW);
    }

    /** A canary of v2 at its only step (weight 50), paused there for an hour. */
    private static ModelDeployment progressingAt50(TrafficSpec traffic) {
        return modelDeployment(traffic, new RolloutStatus("Progressing", "v1", "v2", 1, NOW.minusSeconds(5).toString(),
                null, null, null, 50, 0, "Progressing", "canary at step 1 of 1, weight 50%", null, null, null));
    }

    /** A canary of v2 at its first step, a shadow step of an hour, before a step at 50% that waits for a promote. */
    private static ModelDeployment atShadowStep() {
        return atShadowStep(GATEWAY);
    }

    private static ModelDeployment atShadowStep(TrafficSpec traffic) {
        ModelDeployment md = progressingAt50(traffic);
        md.getSpec().rollout().steps().set(0, new CanaryStepSpec(0, "1h", true));
        md.getSpec().rollout().steps().add(new CanaryStepSpec(50, null));
        return md;
    }

    private static ModelDeployment promoting() {
        return modelDeployment(GATEWAY, new RolloutStatus("Promoting", "v1", "v2", 1, NOW.minusSeconds(5).toString(),
                null, null, null, 100, 100, "Promoting", "promoting v2", null, null, null));
    }

    private static ModelDeployment modelDeployment(TrafficSpec traffic, RolloutStatus rollout) {
        var md = new ModelDeployment();
        md.setMetadata(new ObjectMetaBuilder().withName("iris").withNamespace("models").withGeneration(3L).build());
        md.setSpec(new ModelDeploymentSpec(new ModelSpec("iris", "2.0.0", ModelFormat.ONNX, "file:///models/iris",
                null, null), new RuntimeSpec(null, null, 8080, null, null, null), 2, null, null, null, null, null, 600,
                new RolloutSpec(RolloutSpec.Strategy.Canary, new ArrayList<>(List.of(new CanaryStepSpec(50, "1h"))),
                        new AnalysisSpec(1, 3, 3), traffic)));
        md.setStatus(new ModelDeploymentStatus(3L, "Ready", 2, 2, null, null, "2.0.0", "v2", List.of(), null, null,
                null, null).withRollout(rollout, List.of()));
        return md;
    }

    private static Deployment deployment(String name, String revision) {
        return ObservedDeployments.rolledOut(name, revision);
    }

    /** A Ready, started pod of the track and revision. */
    private static Pod pod(String name, String track, String revision) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withCreationTimestamp("2026-12-03T06:00:00Z")
                .addToLabels(Labels.TRACK, track).addToLabels(Labels.REVISION, revision).endMetadata()
                .withNewStatus()
                .addNewCondition().withType("Ready").withStatus("True").endCondition()
                .addNewContainerStatus().withName("runtime").withStarted(true).withReady(true).withRestartCount(0)
                .withNewState().withNewRunning().withStartedAt("2026-12-03T06:00:30Z").endRunning().endState()
                .endContainerStatus()
                .endStatus()
                .build();
    }

    /** The slice of {@code service}, listing these pods as ready. */
    private static EndpointSlice slice(String service, String... readyPods) {
        var builder = new EndpointSliceBuilder().withNewMetadata().withName(service + "-abcde")
                .addToLabels(ServiceEndpoints.SERVICE_NAME_LABEL, service).endMetadata()
                .withAddressType("IPv4");
        for (int i = 0; i < readyPods.length; i++) {
            builder.addNewEndpoint().addToAddresses("10.0.0." + (i + 1)).withNewConditions().withReady(true)
                    .endConditions().withNewTargetRef().withKind("Pod").withName(readyPods[i]).endTargetRef()
                    .endEndpoint();
        }
        return builder.build();
    }
}

package io.modeldeploy.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modeldeploy.api.v1alpha1.AnalysisSpec;
import io.modeldeploy.api.v1alpha1.AutoscalingSpec;
import io.modeldeploy.api.v1alpha1.BatchingSpec;
import io.modeldeploy.api.v1alpha1.CanaryStepSpec;
import io.modeldeploy.api.v1alpha1.GatewayRefSpec;
import io.modeldeploy.api.v1alpha1.MetricAnalysisSpec;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.ModelDeploymentSpec;
import io.modeldeploy.api.v1alpha1.ModelFormat;
import io.modeldeploy.api.v1alpha1.ModelSpec;
import io.modeldeploy.api.v1alpha1.RolloutSpec;
import io.modeldeploy.api.v1alpha1.RuntimeSpec;
import io.modeldeploy.api.v1alpha1.TrafficSpec;
import io.modeldeploy.api.v1alpha1.WebhookSpec;
import io.modeldeploy.operator.resources.ServingGrpcRoute;
import io.modeldeploy.operator.resources.ServingRoute;
import io.modeldeploy.operator.rollout.ReplicaSplit;
import io.modeldeploy.operator.status.Conditions;
import io.modeldeploy.operator.status.PodStates;
import io.modeldeploy.operator.status.ServiceEndpoints;
import io.modeldeploy.testing.TestCluster;
import io.modeldeploy.testing.TestNamespace;
import io.modeldeploy.testing.TraefikGateway;
import io.modeldeploy.testing.UnreadyMarker;

/**
 * Canary rollouts on the real control plane (with the Gateway API CRDs installed), with the test cluster's unready
 * marker as failing health probes.
 */
@RunningOperator
class CanaryRolloutIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int REPLICAS = 10;
    private static final TrafficSpec GATEWAY = new TrafficSpec(TrafficSpec.Provider.GatewayAPI,
            new GatewayRefSpec("public", "gateways", "http"), List.of("iris.example.com"));

    @Test
    void aHealthyCanaryWalksItsStepsWithMatchingReplicaSplitsAndBecomesStable(KubernetesClient client) {
        client.resource(modelDeployment("1.0.0", null)).create();
        ModelDeploymentStates.awaitServes(client, "iris", "1.0.0", TIMEOUT);

        UserEdits.replaceSpec(client, "iris", modelDeployment("2.0.0", null).getSpec());

        var seen = new ArrayList<Integer>();
        var splitsMatched = new ArrayList<Integer>();
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(150)).until(() -> {
            ModelDeployment md = client.resources(ModelDeployment.class).withName("iris").get();
            if (md.getStatus().rollout() != null && md.getStatus().rollout().canaryWeight() != null) {
                int weight = md.getStatus().rollout().canaryWeight();
                if (seen.isEmpty() || seen.get(seen.size() - 1) != weight) {
                    seen.add(weight);
                }
                ReplicaSplit split = ReplicaSplit.of(REPLICAS, weight, REPLICAS); // once every canary pod is Ready
                if (weight > 0 && weight < 100 && replicas(client, "iris") == split.stable()
                        && replicas(client, "iris-canary") == split.canary()
                        && md.getStatus().rollout().effectiveCanaryWeight() == split.effectiveWeight()) {
                    splitsMatched.add(weight);
                }
            }
            return servesVersion(client, "2.0.0") && "Stable".equals(md.getStatus().rollout().phase());
        });

        assertThat(seen).containsSubsequence(10, 50, 100);
        assertThat(splitsMatched).contains(10, 50);
        assertThat(client.apps().deployments().withName("iris-canary").get()).isNull();
        assertThat(replicas(client, "iris")).isEqualTo(REPLICAS);
        ModelDeployment done = client.resources(ModelDeployment.class).withName("iris").get();
        assertThat(done.getStatus().rollout().stableRevision()).isEqualTo(done.getStatus().revision());
        assertThat(done.getStatus().history()).extracting(e -> e.reason())
                .containsSubsequence("Progressing", "Progressing", "Progressing", "Promoting", "Stable");
        // Events are written in the background and may trail the status (StatusEvents): Stable is the last one.
        await().atMost(TIMEOUT).until(() -> client.v1().events().withField("involvedObject.name", "iris").list()
                .getItems().stream().anyMatch(e -> "Stable".equals(e.getReason())));
        assertThat(client.v1().events().withField("involvedObject.name", "iris").list().getItems())
                .as("a healthy rollout is no cause for warnings").isNotEmpty()
                .allSatisfy(e -> assertThat(e.getType()).as(e.getReason() + ": " + e.getMessage()).isEqualTo("Normal"));
    }

    @Test
    void aGatewayRoutedCanaryWalksItsStepsWithMatchingHttpRouteWeightsAndBecomesStable(KubernetesClient client) {
        client.resource(modelDeployment("1.0.0", null, GATEWAY)).create();
        ModelDeploymentStates.awaitServes(client, "iris", "1.0.0", TIMEOUT);
        await().atMost(TIMEOUT).untilAsserted(() -> {
            HTTPRoute route = route(client);
            assertThat(route.getSpec().getParentRefs()).singleElement().satisfies(parent -> {
                assertThat(parent.getName()).isEqualTo("public");
                assertThat(parent.getNamespace()).isEqualTo("gateways");
                assertThat(parent.getSectionName()).isEqualTo("http");
            });
            assertThat(route.getSpec().getHostnames()).containsExactly("iris.example.com");
            // The lists are atomic: the API server must add nothing to what the operator applies, or every
            // reconcile would find a difference and apply the route again.
            var desired = ServingRoute.desired(client.resources(ModelDeployment.class).withName("iris").get(), 0);
            assertThat(route.getSpec().getRules()).isEqualTo(desired.getSpec().getRules());
            assertThat(route.getSpec().getParentRefs()).isEqualTo(desired.getSpec().getParentRefs());
            assertThat(weights(route)).containsExactly(Map.entry("iris-stable", 100), Map.entry("iris-canary", 0));
            GRPCRoute grpc = grpcRoute(client);
            var desiredGrpc = ServingGrpcRoute.desired(client.resources(ModelDeployment.class).withName("iris").get(), 0);
            assertThat(grpc.getSpec().getRules()).isEqualTo(desiredGrpc.getSpec().getRules());
            assertThat(grpc.getSpec().getParentRefs()).isEqualTo(route.getSpec().getParentRefs());
            assertThat(grpc.getSpec().getHostnames()).containsExactly("iris.example.com");
            assertThat(grpc.getSpec().getRules()).singleElement().satisfies(rule -> assertThat(rule.getBackendRefs())
                    .allSatisfy(backend -> assertThat(backend.getPort()).isEqualTo(8081)));
            assertThat(weights(grpc)).containsExactly(Map.entry("iris-stable", 100), Map.entry("iris-canary", 0));
            assertThat(client.services().withName("iris-stable").get().getSpec().getSelector())
                    .containsEntry("serving.modeldeploy.io/track", "stable");
            assertThat(client.services().withName("iris-canary").get().getSpec().getSelector())
                    .containsEntry("serving.modeldeploy.io/track", "canary");
        });

        UserEdits.replaceSpec(client, "iris", modelDeployment("2.0.0", null, GATEWAY).getSpec());

        var seen = new ArrayList<Integer>();
        var routeMatched = new ArrayList<Integer>();
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(150)).until(() -> {
            ModelDeployment md = client.resources(ModelDeployment.class).withName("iris").get();
            var rollout = md.getStatus().rollout();
            if (rollout != null && rollout.canaryWeight() != null) {
                int weight = rollout.canaryWeight();
                if (seen.isEmpty() || seen.get(seen.size() - 1) != weight) {
                    seen.add(weight);
                }
                ReplicaSplit split = ReplicaSplit.routed(REPLICAS, weight, REPLICAS); // once every canary pod is Ready
                if (weight > 0 && weight < 100 && rollout.effectiveCanaryWeight() == weight
                        && weights(route(client)).equals(Map.of("iris-stable", 100 - weight, "iris-canary", weight))
                        && weights(grpcRoute(client)).equals(Map.of("iris-stable", 100 - weight, "iris-canary", weight))
                        && replicas(client, "iris") == split.stable()
                        && replicas(client, "iris-canary") == split.canary()) {
                    routeMatched.add(weight);
                }
            }
            return servesVersion(client, "2.0.0") && "Stable".equals(rollout.phase());
        });

        assertThat(seen).containsSubsequence(10, 50, 100);
        assertThat(routeMatched).as("steps at which route weights, status and replicas agreed").contains(10, 50);
        // Deleted once the route without it is stored (no controller reports on this route's Gateway).
        await().atMost(TIMEOUT).until(() -> client.apps().deployments().withName("iris-canary").get() == null);
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(weights(route(client)))
                .containsExactly(Map.entry("iris-stable", 100), Map.entry("iris-canary", 0)));

        UserEdits.replaceSpec(client, "iris", modelDeployment("2.0.0", null, null).getSpec());
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(client.resources(HTTPRoute.class).withName("iris").get()).isNull();
            assertThat(client.resources(GRPCRoute.class).withName("iris").get()).isNull();
            assertThat(client.services().withName("iris-stable").get()).isNull();
            assertThat(client.services().withName("iris-canary").get()).isNull();
            assertThat(client.services().withName("iris").get()).isNotNull();
        });
    }

    @Test
    void aGatewayRoutedCanaryGetsItsWeightOnlyOnceItsServiceListsItsReadyPods(KubernetesClient client,
            TestCluster cluster) {
        ModelDeployment v1 = modelDeployment("1.0.0", null, GATEWAY);
        v1.setSpec(withSteps(v1.getSpec(), List.of(new CanaryStepSpec(50, null))));
        client.resource(v1).create();
        ModelDeploymentStates.awaitServes(client, "iris", "1.0.0", TIMEOUT);
        ModelDeployment v2 = modelDeployment("2.0.0", null, GATEWAY);
        v2.setSpec(withSteps(v2.getSpec(), List.of(new CanaryStepSpec(50, null))));

        // The canary's pods become Ready while the EndpointSlice controller (in the controller manager) has fallen
        // behind: the scheduler is held until they exist, then the controller manager until they are Ready.
        try (var scheduler = cluster.freeze("kube-scheduler")) {
            UserEdits.replaceSpec(client, "iris", v2.getSpec());
            await().atMost(TIMEOUT).until(() -> canaryPods(client).size() == REPLICAS / 2);
            try (var controllers = cluster.freeze("kube-controller-manager")) {
                scheduler.close();
                await().atMost(TIMEOUT).until(() -> canaryPods(client).stream().allMatch(PodStates::ready));
                assertThat(ServiceEndpoints.readyPods(client.discovery().v1().endpointSlices()
                        .withLabel(ServiceEndpoints.SERVICE_NAME_LABEL, "iris-canary").list().getItems(),
                        "iris-canary")).as("what iris-canary's endpoints list").isEmpty();
                // A Gateway sends a weighted backend's share to the endpoints it lists: none would answer.
                await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() ->
                        weights(route(client)).equals(Map.of("iris-stable", 100, "iris-canary", 0)));
                var rollout = client.resources(ModelDeployment.class).withName("iris").get().getStatus().rollout();
                assertThat(rollout.canaryWeight()).isEqualTo(50);
                assertThat(rollout.effectiveCanaryWeight()).isZero();
            }
        }
        // The route is applied before the status that reports it is written.
        await().atMost(TIMEOUT).until(() -> weights(route(client)).equals(Map.of("iris-stable", 50,
                "iris-canary", 50)) && Integer.valueOf(50).equals(client.resources(ModelDeployment.class)
                        .withName("iris").get().getStatus().rollout().effectiveCanaryWeight()));
    }

    /**
     * By replica ratio, the ModelDeployment's Service is what clients call and what splits the traffic: at the shadow
     * step it selects the stable pods only (the canary's answer copies through the shadow Service), and after it the
     * canary joins once it is down to its share.
     */
    @Test
    void byReplicaRatioAShadowStepKeepsTheCanaryOutOfTheServiceUntilItsWeightedStep(KubernetesClient client) {
        List<CanaryStepSpec> steps = List.of(new CanaryStepSpec(0, "20s", true), new CanaryStepSpec(50, null));
        ModelDeployment v1 = modelDeployment("1.0.0", null);
        v1.setSpec(withSteps(v1.getSpec(), steps));
        client.resource(v1).create();
        ModelDeploymentStates.awaitServes(client, "iris", "1.0.0", TIMEOUT);
        ModelDeployment v2 = modelDeployment("2.0.0", null);
        v2.setSpec(withSteps(v2.getSpec(), steps));

        UserEdits.replaceSpec(client, "iris", v2.getSpec());

        // The status is written after the reconcile that made the canary, which the fake nodes' pods can outrun.
        await().atMost(TIMEOUT).untilAsserted(() -> {
            ModelDeployment shadowing = client.resources(ModelDeployment.class).withName("iris").get();
            assertThat(shadowing.getStatus().rollout()).as("the rollout's status").isNotNull();
            assertThat(shadowing.getStatus().rollout().step()).as(shadowing.getStatus().rollout().message())
                    .isEqualTo(1);
            assertThat(canaryPods(client)).hasSize(REPLICAS).allMatch(PodStates::ready);
            assertThat(readyInService(client, "iris-shadow")).hasSize(REPLICAS);
        });
        assertThat(client.services().withName("iris").get().getSpec().getSelector())
                .containsEntry("serving.modeldeploy.io/track", "stable");
        assertThat(readyInService(client, "iris")).as("what clients reach during the shadow step")
                .hasSize(REPLICAS).allSatisfy(pod -> assertThat(pod).doesNotStartWith("iris-canary"));
        assertThat(readyInService(client, "iris-shadow")).allSatisfy(pod -> assertThat(pod)
                .startsWith("iris-canary"));
        assertThat(replicas(client, "iris")).as("the stable track keeps every pod").isEqualTo(REPLICAS);

        await().atMost(TIMEOUT).until(() -> "Paused".equals(rolloutPhase(client)) && effectiveWeight(client) == 50);
        assertThat(client.services().withName("iris").get().getSpec().getSelector())
                .doesNotContainKey("serving.modeldeploy.io/track");
        assertThat(replicas(client, "iris-canary")).isEqualTo(REPLICAS / 2);
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(readyInService(client, "iris"))
                .filteredOn(pod -> pod.startsWith("iris-canary")).hasSize(REPLICAS / 2));
        assertThat(readyInService(client, "iris-shadow")).as("the shadow Service selects no pod past its step")
                .isEmpty();
    }

    /** The pods the Service's EndpointSlices list as ready. */
    private static java.util.Set<String> readyInService(KubernetesClient client, String service) {
        return ServiceEndpoints.readyPods(client.discovery().v1().endpointSlices()
                .withLabel(ServiceEndpoints.SERVICE_NAME_LABEL, service).list().getItems(), service);
    }

    @Test
    void aShadowStepAddedToARunningModelDeploymentIsSkippedForItsStablePodsCannotMirror(KubernetesClient client) {
        client.resource(modelDeployment("1.0.0", null, GATEWAY)).create();
        ModelDeploymentStates.awaitServes(client, "iris", "1.0.0", TIMEOUT);
        ModelDeployment v2 = modelDeployment("2.0.0", null, GATEWAY);
        v2.setSpec(withSteps(v2.getSpec(), List.of(new CanaryStepSpec(0, "1h", true), new CanaryStepSpec(50, null))));

        UserEdits.replaceSpec(client, "iris", v2.getSpec());

        await().atMost(TIMEOUT).until(() -> "Paused".equals(rolloutPhase(client))
                && weights(route(client)).equals(Map.of("iris-stable", 50, "iris-canary", 50)));
        var history = client.resources(ModelDeployment.class).withName("iris").get().getStatus().history();
        assertThat(history).extracting(e -> e.message()).anySatisfy(m -> assertThat(m).startsWith(
                "shadow step skipped: the stable pods started before the shadow Service and cannot mirror (from the "
                        + "next rollout on they do); canary"));
        var shadow = client.services().withName("iris-shadow").get();
        assertThat(shadow).as("the shadow Service, kept while the spec has a shadow step").isNotNull();
        assertThat(shadow.getSpec().getSelector()).as("selecting no pod past the shadow step")
                .containsEntry("serving.modeldeploy.io/track", "none");
    }

    @Test
    void aRouteItsGatewayRefusesStallsTheModelDeploymentUntilTheGatewayAcceptsIt(KubernetesClient client,
            TestCluster cluster, TestNamespace namespace) {
        try (var traefik = TraefikGateway.start(cluster, client, namespace.name(),
                Path.of("target", "traefik-" + namespace.name() + ".log"))) {
            // The Gateway's owner lets its listener take GRPCRoutes only: Traefik refuses the HTTPRoute.
            traefik.allowRouteKinds(client, "GRPCRoute");
            client.resource(modelDeployment("1.0.0", null, traefikTraffic())).create();
            await().atMost(TIMEOUT).untilAsserted(() -> {
                ModelDeployment md = client.resources(ModelDeployment.class).withName("iris").get();
                assertThat(md.getStatus()).isNotNull();
                assertThat(md.getStatus().phase()).isEqualTo(Conditions.PHASE_STALLED);
                assertThat(md.getStatus().conditions()).anySatisfy(c -> {
                    assertThat(c.getType()).isEqualTo(Conditions.READY);
                    assertThat(c.getStatus()).isEqualTo(Conditions.FALSE);
                    assertThat(c.getReason()).isEqualTo(Conditions.ROUTE_NOT_ACCEPTED);
                    assertThat(c.getMessage()).contains(namespace.name() + "/public (listener http)",
                            "Accepted=False", "NotAllowedByListeners");
                });
            });

            traefik.allowRouteKinds(client);
            ModelDeploymentStates.awaitServes(client, "iris", "1.0.0", TIMEOUT);
            await().atMost(TIMEOUT).until(() -> TraefikGateway.CONTROLLER.equals(applied(route(client))));
        }
    }

    @Test
    void anEndedCanaryKeepsItsPodsUntilTheGatewaysControllerHasAppliedTheRouteWithoutIt(KubernetesClient client,
            TestCluster cluster, TestNamespace namespace) {
        TrafficSpec traffic = traefikTraffic();
        try (var traefik = TraefikGateway.start(cluster, client, namespace.name(),
                Path.of("target", "traefik-" + namespace.name() + ".log"))) {
            ModelDeployment v1 = modelDeployment("1.0.0", null, traffic);
            v1.setSpec(withSteps(v1.getSpec(), List.of(new CanaryStepSpec(50, null))));
            client.resource(v1).create();
            ModelDeploymentStates.awaitServes(client, "iris", "1.0.0", TIMEOUT);
            ModelDeployment v2 = modelDeployment("2.0.0", null, traffic);
            v2.setSpec(withSteps(v2.getSpec(), List.of(new CanaryStepSpec(50, null))));
            UserEdits.replaceSpec(client, "iris", v2.getSpec());
            await().atMost(TIMEOUT).until(() -> "Paused".equals(rolloutPhase(client))
                    && weights(route(client)).equals(Map.of("iris-stable", 50, "iris-canary", 50))
                    && TraefikGateway.CONTROLLER.equals(applied(route(client))));

            // A Gateway whose controller has fallen behind: it still routes by the last route it applied.
            traefik.pause();
            UserEdits.requestRolloutAction(client, "iris", "promote");
            await().atMost(TIMEOUT).until(() -> servesVersion(client, "2.0.0") && "Stable".equals(rolloutPhase(client))
                    && weights(route(client)).equals(Map.of("iris-stable", 100, "iris-canary", 0)));
            // The canary took every request while the stable Deployment rolled to its revision: it keeps its pods.
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(
                    () -> replicas(client, "iris-canary") == REPLICAS);
            assertThat(client.resources(ModelDeployment.class).withName("iris").get().getStatus().rollout()
                    .endedCanaryKept()).contains("public (listener http) has applied HTTPRoute iris at generation",
                            "(where iris-canary has weight 0)");

            traefik.resume();
            await().atMost(TIMEOUT).until(() -> client.apps().deployments().withName("iris-canary").get() == null);
            assertThat(applied(route(client))).as("the route without the canary, as Traefik reports it")
                    .isEqualTo(TraefikGateway.CONTROLLER);
            await().atMost(TIMEOUT).until(() -> client.resources(ModelDeployment.class).withName("iris").get()
                    .getStatus().rollout().endedCanaryKept() == null);
        }
    }

    /**
     * An analysis that reads its metrics from Prometheus, on an operator with no Prometheus (this one has no
     * MODELDEPLOY_PROMETHEUS_URL), fails its checks saying why rather than letting the canary through unjudged.
     */
    @Test
    void aCanaryWhoseMetricsComeFromAPrometheusTheOperatorLacksIsRolledBackSayingSo(KubernetesClient client) {
        client.resource(modelDeployment("1.0.0", null)).create();
        ModelDeploymentStates.awaitServes(client, "iris", "1.0.0", TIMEOUT);

        ModelDeployment v2 = modelDeployment("2.0.0", null);
        var rollout = v2.getSpec().rollout();
        UserEdits.replaceSpec(client, "iris", ModelDeployments.withRollout(v2.getSpec(),
                new RolloutSpec(rollout.strategy(), List.of(new CanaryStepSpec(50, null)),
                        new AnalysisSpec(1, 3, 3, new MetricAnalysisSpec(true, 100,
                                1.0, null, 10, null, null, null, MetricAnalysisSpec.Source.Prometheus)),
                rollout.traffic())));

        await().atMost(TIMEOUT).until(() -> "RolledBack".equals(rolloutPhase(client)));
        ModelDeployment md = client.resources(ModelDeployment.class).withName("iris").get();
        assertThat(md.getStatus().rollout().message()).isEqualTo("revision " + md.getStatus().rollout()
                .failedRevision() + " rolled back: canary failed its analysis for 3 checks in a row: no metrics: "
                + "metrics.source is Prometheus, but the operator has no Prometheus URL (setting "
                + "MODELDEPLOY_PROMETHEUS_URL, Helm value prometheus.url); revision "
                + md.getStatus().rollout().stableRevision() + " serves all traffic");
        assertThat(md.getStatus().modelVersion()).isEqualTo("1.0.0");
    }

    @Test
    void aWebhookThatAnswersAnErrorRollsTheCanaryBackAndOneThatAnswers2xxLetsItThrough(KubernetesClient client)
            throws Exception {
        var status = new AtomicInteger(500);
        var calls = new CopyOnWriteArrayList<Map<String, Object>>();
        var server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/check", exchange -> {
            calls.add(Serialization.unmarshal(new String(exchange.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8), Map.class));
            byte[] body = (status.get() == 200 ? "ok" : "error rate\n too high").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            client.resource(modelDeployment("1.0.0", null)).create();
            ModelDeploymentStates.awaitServes(client, "iris", "1.0.0", TIMEOUT);
            assertThat(calls).as("no canary, no call").isEmpty();

            ModelDeployment v2 = modelDeployment("2.0.0", null);
            var rollout = v2.getSpec().rollout();
            UserEdits.replaceSpec(client, "iris", ModelDeployments.withRollout(v2.getSpec(),
                    new RolloutSpec(rollout.strategy(), rollout.steps(),
                            new AnalysisSpec(1, 3, 3, null, List.of(new WebhookSpec("load-test",
                                    "http://127.0.0.1:" + server.getAddress().getPort() + "/check", 5))),
                    rollout.traffic())));

            await().atMost(TIMEOUT).until(() -> "RolledBack".equals(rolloutPhase(client)));
            ModelDeployment md = client.resources(ModelDeployment.class).withName("iris").get();
            assertThat(md.getStatus().rollout().message()).isEqualTo("revision " + md.getStatus().rollout()
                    .failedRevision() + " rolled back: canary failed its analysis for 3 checks in a row: webhook "
                    + "load-test answered 500: error rate too high; revision " + md.getStatus().rollout()
                    .stableRevision() + " serves all traffic");
            assertThat(calls).as("what the webhook was POSTed").isNotEmpty().allSatisfy(call -> {
                assertThat(call).containsEntry("modelDeployment", "iris").containsEntry("modelVersion", "2.0.0")
                        .containsEntry("canaryRevision", md.getStatus().rollout().failedRevision())
                        .containsEntry("stableRevision", md.getStatus().rollout().stableRevision());
                assertThat(call.get("step")).isEqualTo(1);
            });
            assertThat(md.getStatus().modelVersion()).isEqualTo("1.0.0");
            await().atMost(TIMEOUT).until(() -> client.apps().deployments().withName("iris-canary").get() == null
                    && replicas(client, "iris") == REPLICAS);

            status.set(200);
            UserEdits.requestRolloutAction(client, "iris", "retry");
            await().atMost(TIMEOUT).until(() -> servesVersion(client, "2.0.0")
                    && "Stable".equals(rolloutPhase(client)));
            assertThat(calls).as("called at every step").anySatisfy(call -> assertThat(call.get("step")).isEqualTo(2));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anAutoscaledCanaryRoutedByTheGatewayFollowsTheAutoscalersReplicaCount(KubernetesClient client) {
        ModelDeployment v1 = modelDeployment("1.0.0", null, GATEWAY);
        v1.setSpec(autoscaled(v1.getSpec()));
        client.resource(v1).create();
        await().atMost(TIMEOUT).until(() -> servesVersion(client, "1.0.0") && replicas(client, "iris") == 4);

        ModelDeployment v2 = modelDeployment("2.0.0", null, GATEWAY);
        v2.setSpec(autoscaled(v2.getSpec()));
        UserEdits.replaceSpec(client, "iris", v2.getSpec());
        await().atMost(TIMEOUT).until(() -> "Paused".equals(rolloutPhase(client))
                && replicas(client, "iris-canary") == 1
                && weights(route(client)).equals(Map.of("iris-stable", 75, "iris-canary", 25)));

        // The HorizontalPodAutoscaler scales the ModelDeployment through its scale subresource.
        client.resources(ModelDeployment.class).withName("iris").scale(6);
        await().atMost(TIMEOUT).until(() -> replicas(client, "iris-canary") == 2);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
                .until(() -> replicas(client, "iris") == 6);

        UserEdits.requestRolloutAction(client, "iris", "promote");
        await().atMost(TIMEOUT).until(() -> servesVersion(client, "2.0.0") && "Stable".equals(rolloutPhase(client)));
        assertThat(replicas(client, "iris")).as("the autoscaler's count survives the promotion").isEqualTo(6);
        assertThat(client.autoscaling().v2().horizontalPodAutoscalers().withName("iris").get().getSpec()
                .getScaleTargetRef().getKind()).isEqualTo("ModelDeployment");
        await().atMost(TIMEOUT).until(() -> client.apps().deployments().withName("iris-canary").get() == null);
    }

    @Test
    void anAutoscaledCanaryByReplicaRatioSplitsTheAutoscalersCountBetweenTheTracks(KubernetesClient client) {
        ModelDeployment v1 = modelDeployment("1.0.0", null);
        v1.setSpec(autoscaled(v1.getSpec()));
        client.resource(v1).create();
        await().atMost(TIMEOUT).until(() -> servesVersion(client, "1.0.0") && replicas(client, "iris") == 4);

        ModelDeployment v2 = modelDeployment("2.0.0", null);
        v2.setSpec(autoscaled(v2.getSpec()));
        UserEdits.replaceSpec(client, "iris", v2.getSpec());
        ReplicaSplit atFour = ReplicaSplit.of(4, 25, 1);
        await().atMost(TIMEOUT).until(() -> "Paused".equals(rolloutPhase(client))
                && replicas(client, "iris-canary") == atFour.canary() && replicas(client, "iris") == atFour.stable()
                && effectiveWeight(client) == atFour.effectiveWeight());

        // The HorizontalPodAutoscaler scales the ModelDeployment: both tracks grow, keeping the step's weight.
        client.resources(ModelDeployment.class).withName("iris").scale(8);
        ReplicaSplit atEight = ReplicaSplit.of(8, 25, 2);
        await().atMost(TIMEOUT).until(() -> replicas(client, "iris-canary") == atEight.canary()
                && replicas(client, "iris") == atEight.stable() && effectiveWeight(client) == 25);
        assertThat(atEight).isEqualTo(new ReplicaSplit(6, 2, 25));
        assertThat(client.resources(ModelDeployment.class).withName("iris").get().getStatus().replicas())
                .as("the count the autoscaler reads back through the scale subresource").isEqualTo(8);

        UserEdits.requestRolloutAction(client, "iris", "promote");
        await().atMost(TIMEOUT).until(() -> servesVersion(client, "2.0.0") && "Stable".equals(rolloutPhase(client)));
        assertThat(replicas(client, "iris")).as("the autoscaler's count survives the promotion").isEqualTo(8);
        assertThat(client.apps().deployments().withName("iris-canary").get()).isNull();
    }

    @Test
    void aCanaryWhosePodsNeverBecomeReadyIsRolledBackAndNotRetried(KubernetesClient client) {
        client.resource(modelDeployment("1.0.0", null)).create();
        ModelDeploymentStates.awaitServes(client, "iris", "1.0.0", TIMEOUT);
        String stableRevision = client.resources(ModelDeployment.class).withName("iris").get().getStatus().revision();

        UserEdits.replaceSpec(client, "iris",
                modelDeployment("2.0.0", Map.of(UnreadyMarker.ANNOTATION, "true")).getSpec());
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100))
                .until(() -> client.apps().deployments().withName("iris-canary").get() != null);
        long canaryCreated = System.nanoTime();

        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> "RolledBack".equals(
                client.resources(ModelDeployment.class).withName("iris").get().getStatus().rollout().phase()));
        Duration toRollback = Duration.ofNanos(System.nanoTime() - canaryCreated);
        // threshold (3) x check interval (1 s) + 5 s
        assertThat(toRollback).isLessThan(Duration.ofSeconds(8));

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(client.apps().deployments().withName("iris-canary").get()).isNull();
            Deployment stable = client.apps().deployments().withName("iris").get();
            assertThat(stable.getSpec().getReplicas()).isEqualTo(REPLICAS);
            assertThat(stable.getSpec().getTemplate().getMetadata().getLabels())
                    .containsEntry("serving.modeldeploy.io/revision", stableRevision);
            assertThat(stable.getStatus().getReadyReplicas()).isEqualTo(REPLICAS);
        });
        ModelDeployment md = client.resources(ModelDeployment.class).withName("iris").get();
        assertThat(md.getStatus().phase()).isEqualTo(Conditions.PHASE_ROLLED_BACK);
        assertThat(md.getStatus().rollout().failedRevision()).isEqualTo(md.getStatus().revision());
        assertThat(md.getStatus().conditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo(Conditions.STALLED);
            assertThat(c.getStatus()).isEqualTo(Conditions.TRUE);
            assertThat(c.getReason()).isEqualTo(Conditions.ROLLED_BACK);
            assertThat(c.getMessage()).contains("canary pods not ready for 3 checks in a row");
        });
        assertThat(md.getStatus().conditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo(Conditions.DEGRADED);
            assertThat(c.getStatus()).isEqualTo(Conditions.TRUE);
            assertThat(c.getReason()).isEqualTo(Conditions.ROLLED_BACK);
        });
        assertThat(md.getStatus().modelVersion()).as("the stable version still serves").isEqualTo("1.0.0");
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.v1().events()
                .withField("involvedObject.name", "iris").list().getItems()).anySatisfy(e -> {
                    assertThat(e.getReason()).isEqualTo("RolledBack");
                    assertThat(e.getType()).isEqualTo("Warning");
                }));

        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(8)).until(() ->
                client.apps().deployments().withName("iris-canary").get() == null && "RolledBack".equals(
                        client.resources(ModelDeployment.class).withName("iris").get().getStatus().rollout().phase()));
    }

    @Test
    void aCanaryThatTurnsUnreadyAfterReachingFiftyPercentIsRolledBack(KubernetesClient client) {
        client.resource(modelDeployment("1.0.0", null)).create();
        ModelDeploymentStates.awaitServes(client, "iris", "1.0.0", TIMEOUT);
        ModelDeployment v2 = modelDeployment("2.0.0", null);
        v2.getSpec().rollout().steps().set(1, new CanaryStepSpec(50, "10m"));
        UserEdits.replaceSpec(client, "iris", v2.getSpec());
        // On a timeout the assertion names the rollout's state (a CI run once timed out here, cause unknown).
        await().atMost(TIMEOUT).untilAsserted(() -> {
            var rollout = client.resources(ModelDeployment.class).withName("iris").get().getStatus().rollout();
            assertThat(rollout).isNotNull();
            assertThat(rollout.canaryWeight()).as("the canary weight of %s", rollout).isEqualTo(50);
            assertThat(replicas(client, "iris-canary")).as("canary replicas with %s", rollout).isEqualTo(5);
        });
        await().atMost(TIMEOUT).until(() -> client.pods().withLabel("serving.modeldeploy.io/track", "canary").list()
                .getItems().stream().filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
                .count() == 5);

        client.pods().withLabel("serving.modeldeploy.io/track", "canary").list().getItems()
                .forEach(pod -> UserEdits.markUnready(client, pod));

        await().atMost(TIMEOUT).until(() -> "RolledBack".equals(
                client.resources(ModelDeployment.class).withName("iris").get().getStatus().rollout().phase()));
        ModelDeployment md = client.resources(ModelDeployment.class).withName("iris").get();
        assertThat(md.getStatus().rollout().message()).contains("canary pods not ready for 3 checks in a row");
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(client.apps().deployments().withName("iris-canary").get()).isNull();
            assertThat(replicas(client, "iris")).isEqualTo(REPLICAS);
        });
    }

    private static ModelDeployment modelDeployment(String version, Map<String, String> podAnnotations) {
        return modelDeployment(version, podAnnotations, null);
    }

    private static ModelDeployment modelDeployment(String version, Map<String, String> podAnnotations,
            TrafficSpec traffic) {
        var md = new ModelDeployment();
        md.setMetadata(new ObjectMetaBuilder().withName("iris").build());
        md.setSpec(new ModelDeploymentSpec(
                new ModelSpec("iris", version, ModelFormat.ONNX, "file:///models/iris", null, null),
                new RuntimeSpec(null, null, 8080, null, null, new BatchingSpec(32, 0)),
                REPLICAS, null, null, null, null, podAnnotations, 600,
                new RolloutSpec(RolloutSpec.Strategy.Canary, new ArrayList<>(List.of(
                        new CanaryStepSpec(10, "3s"), new CanaryStepSpec(50, "3s"), new CanaryStepSpec(100, "0s"))),
                        new AnalysisSpec(1, 3, 3), traffic)));
        return md;
    }

    /**
     * The spec autoscaled between 4 and 8 replicas, without spec.replicas (the autoscaler's), with one canary step of
     * 25% that waits for a promote.
     */
    private static ModelDeploymentSpec autoscaled(ModelDeploymentSpec spec) {
        return new ModelDeploymentSpec(spec.model(), spec.runtime(), null, new AutoscalingSpec(4, 8, 70, null),
                spec.probes(), spec.scheduling(), spec.securityContext(), spec.podAnnotations(),
                spec.progressDeadlineSeconds(), new RolloutSpec(RolloutSpec.Strategy.Canary,
                        List.of(new CanaryStepSpec(25, null)), spec.rollout().analysis(), spec.rollout().traffic()));
    }

    /** The GatewayAPI provider through the Gateway of {@link TraefikGateway}, in the ModelDeployment's namespace. */
    private static TrafficSpec traefikTraffic() {
        return new TrafficSpec(TrafficSpec.Provider.GatewayAPI,
                new GatewayRefSpec(TraefikGateway.GATEWAY, null, TraefikGateway.LISTENER), List.of("iris.example.com"));
    }

    private static ModelDeploymentSpec withSteps(ModelDeploymentSpec spec, List<CanaryStepSpec> steps) {
        RolloutSpec rollout = spec.rollout();
        return ModelDeployments.withRollout(spec, new RolloutSpec(rollout.strategy(), steps, rollout.analysis(),
                rollout.traffic()));
    }

    /**
     * The controller that reports having accepted the route at its current generation (so its data plane routes by
     * this version of it), or null.
     */
    private static String applied(HTTPRoute route) {
        if (route.getStatus() == null || route.getStatus().getParents() == null) {
            return null;
        }
        return route.getStatus().getParents().stream()
                .filter(p -> p.getConditions().stream().anyMatch(c -> "Accepted".equals(c.getType())
                        && "True".equals(c.getStatus())
                        && route.getMetadata().getGeneration().equals(c.getObservedGeneration())))
                .map(p -> p.getControllerName()).findFirst().orElse(null);
    }

    private static int effectiveWeight(KubernetesClient client) {
        var status = client.resources(ModelDeployment.class).withName("iris").get().getStatus();
        return status == null || status.rollout() == null || status.rollout().effectiveCanaryWeight() == null ? -1
                : status.rollout().effectiveCanaryWeight();
    }

    private static String rolloutPhase(KubernetesClient client) {
        var status = client.resources(ModelDeployment.class).withName("iris").get().getStatus();
        return status == null || status.rollout() == null ? null : status.rollout().phase();
    }

    private static HTTPRoute route(KubernetesClient client) {
        return client.resources(HTTPRoute.class).withName("iris").get();
    }

    /** The route's backend Services and their weights, in order. */
    private static GRPCRoute grpcRoute(KubernetesClient client) {
        return client.resources(GRPCRoute.class).withName("iris").get();
    }

    private static Map<String, Integer> weights(GRPCRoute route) {
        var weights = new LinkedHashMap<String, Integer>();
        route.getSpec().getRules().stream().flatMap(r -> r.getBackendRefs().stream())
                .forEach(b -> weights.put(b.getName(), b.getWeight()));
        return weights;
    }

    private static Map<String, Integer> weights(HTTPRoute route) {
        var weights = new LinkedHashMap<String, Integer>();
        route.getSpec().getRules().stream().flatMap(r -> r.getBackendRefs().stream())
                .forEach(b -> weights.put(b.getName(), b.getWeight()));
        return weights;
    }

    private static List<Pod> canaryPods(KubernetesClient client) {
        return client.pods().withLabel("serving.modeldeploy.io/track", "canary").list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    private static int replicas(KubernetesClient client, String deployment) {
        return Optional.ofNullable(client.apps().deployments().withName(deployment).get())
                .map(d -> d.getSpec().getReplicas()).orElse(-1);
    }

    private static boolean servesVersion(KubernetesClient client, String version) {
        return ModelDeploymentStates.servesVersion(client.resources(ModelDeployment.class).withName("iris").get(),
                version);
    }

}

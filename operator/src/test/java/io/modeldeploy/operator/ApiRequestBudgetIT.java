package io.modeldeploy.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modeldeploy.api.v1alpha1.CanaryStepSpec;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.ModelDeploymentSpec;
import io.modeldeploy.api.v1alpha1.RolloutSpec;
import io.modeldeploy.testing.OperatorProcess;

/**
 * A regression check on what the operator costs the API server, counted by the operator itself
 * ({@code modeldeploy_api_requests_total}): bringing ModelDeployments to Ready on fake nodes, then leaving them be.
 * The bounds are stated in docs/benchmarks.md with the figures they were set from; an operator that starts to
 * apply on every reconcile, or to list instead of reading its caches, fails here.
 */
@RunningOperator
class ApiRequestBudgetIT {
    static final int MODEL_DEPLOYMENTS = 20;
    /**
     * Requests (all but watches and the leader Lease's) per ModelDeployment brought to Ready: measured 11.1 on
     * 2026-12-03 (docs/benchmarks.md), 6.3 since status tells of the Deployment as applied, with room for the
     * reconciles a slower machine adds.
     */
    static final double MAX_REQUESTS_PER_MODEL_DEPLOYMENT = 10;
    /** Events per ModelDeployment brought to Ready: RevisionCreated and Available (measured 4 before 2026-12-03). */
    static final double MAX_EVENTS_PER_MODEL_DEPLOYMENT = 2;
    /** Writes by reconciles of Ready ModelDeployments with nothing to change. */
    static final double MAX_IDLE_WRITES = 0;

    @Test
    void modelDeploymentsReachReadyWithinTheirRequestBudgetAndIdleOnesWriteNothing(KubernetesClient client,
            OperatorProcess operator) {
        OperatorCounts before = OperatorCounts.of(operator.metrics());
        List<String> names = IntStream.range(0, MODEL_DEPLOYMENTS).mapToObj(i -> "iris-" + i).toList();
        names.forEach(name -> client.resource(ModelDeployments.named(name, 2)).create());
        await().atMost(Duration.ofMinutes(3)).until(() -> names.stream().allMatch(name ->
                ModelDeploymentStates.servesVersion(client.resources(ModelDeployment.class).withName(name).get(),
                        "1.0.0")));
        // Let the last status writes and the events they cause settle.
        await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(6)).until(() -> true);
        OperatorCounts ready = OperatorCounts.of(operator.metrics());

        // A reconcile of each, with nothing to change: a rollout action on a ModelDeployment without a canary is
        // read and does nothing. An apply that the API server's stored object never matches (a quantity it writes
        // in another form) would send a write each time.
        names.forEach(name -> UserEdits.requestRolloutAction(client, name, "promote-check"));
        await().atMost(Duration.ofSeconds(30)).until(() -> OperatorCounts.of(operator.metrics()).reconciles()
                >= ready.reconciles() + MODEL_DEPLOYMENTS);
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
        OperatorCounts idle = OperatorCounts.of(operator.metrics());

        double perModelDeployment = (ready.requests() - before.requests()) / (double) MODEL_DEPLOYMENTS;
        long idleWrites = idle.writes() - ready.writes();
        System.out.printf("[api-budget] %d ModelDeployments: %.1f requests each to Ready (%s); then %d "
                + "reconciles with nothing to change: %d writes (%s)%n", MODEL_DEPLOYMENTS, perModelDeployment,
                ready.minus(before), (long) (idle.reconciles() - ready.reconciles()), idleWrites, idle.minus(ready));
        assertThat(perModelDeployment).as("API requests per ModelDeployment to Ready")
                .isLessThanOrEqualTo(MAX_REQUESTS_PER_MODEL_DEPLOYMENT);
        assertThat((ready.byRequest().getOrDefault("POST events", 0.0) - before.byRequest().getOrDefault("POST events",
                0.0)) / MODEL_DEPLOYMENTS).as("Events per ModelDeployment to Ready")
                .isLessThanOrEqualTo(MAX_EVENTS_PER_MODEL_DEPLOYMENT);
        assertThat((double) idleWrites).as("writes by reconciles with nothing to change")
                .isLessThanOrEqualTo(MAX_IDLE_WRITES);
    }

    /**
     * Only a canary rollout reads a Service's EndpointSlices, so a change to the slices of a ModelDeployment that
     * rolls out otherwise starts no reconcile: at 1,000 ModelDeployments those were a sixth of the reconciles
     * (docs/benchmarks.md). The same change to a canary ModelDeployment's slices starts one, which shows that the
     * change reached the operator.
     */
    @Test
    void aChangeToTheSlicesOfAModelDeploymentWithoutACanaryStartsNoReconcile(KubernetesClient client,
            OperatorProcess operator) {
        ModelDeployment rolling = ModelDeployments.named("rolling-slices", 1);
        ModelDeployment canary = ModelDeployments.named("canary-slices", 1);
        ModelDeploymentSpec spec = canary.getSpec();
        canary.setSpec(ModelDeployments.withRollout(spec, new RolloutSpec(RolloutSpec.Strategy.Canary,
                List.of(new CanaryStepSpec(50, null)), null, null)));
        List.of(rolling, canary).forEach(md -> client.resource(md).create());
        List.of(rolling, canary).forEach(md -> await().atMost(Duration.ofMinutes(2)).until(() ->
                ModelDeploymentStates.servesVersion(client.resources(ModelDeployment.class)
                        .withName(md.getMetadata().getName()).get(), "1.0.0")
                        && !slices(client, md.getMetadata().getName()).isEmpty()));
        // Ready, and the operator idle: the count of reconciles (of every ModelDeployment it runs) stands still for
        // three seconds once no namespace is going. The ModelDeployments of a namespace that goes are reconciled
        // again and again while their children go before them.
        double settled = settled(client, operator);

        touchSlices(client, "rolling-slices");
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
        assertThat(OperatorCounts.of(operator.metrics()).reconciles())
                .as("reconciles after a change to the slices of a ModelDeployment without a canary")
                .isEqualTo(settled);

        touchSlices(client, "canary-slices");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(OperatorCounts.of(operator.metrics())
                .reconciles()).as("reconciles after a change to the slices of a canary ModelDeployment")
                .isGreaterThan(settled));
    }

    /** The count of reconciles once it stood still for three seconds with no namespace going. */
    private static double settled(KubernetesClient client, OperatorProcess operator) {
        double[] last = {-1};
        long[] since = {System.nanoTime()};
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500)).until(() -> {
            double now = OperatorCounts.of(operator.metrics()).reconciles();
            if (now != last[0] || client.namespaces().list().getItems().stream()
                    .anyMatch(ns -> "Terminating".equals(ns.getStatus().getPhase()))) {
                last[0] = now;
                since[0] = System.nanoTime();
            }
            return System.nanoTime() - since[0] >= Duration.ofSeconds(3).toNanos();
        });
        return last[0];
    }

    private static List<EndpointSlice> slices(KubernetesClient client, String service) {
        return client.discovery().v1().endpointSlices().withLabel("kubernetes.io/service-name", service).list()
                .getItems();
    }

    private static void touchSlices(KubernetesClient client, String service) {
        slices(client, service).forEach(slice -> client.resource(slice).edit(s -> {
            s.getMetadata().getLabels().put("modeldeploy.test/touched", "true");
            return s;
        }));
    }

    /**
     * The dependents of one kind share one informer: the operator lists each kind it caches once at start, so it
     * holds each managed Deployment and Service once, not once per dependent that applies one (two Deployment and
     * four Service dependents).
     */
    @Test
    void eachKindIsListedAndCachedOnce(OperatorProcess operator) {
        OperatorCounts counts = OperatorCounts.of(operator.metrics());

        assertThat(counts.byRequest()).as("requests since the operator started")
                .containsEntry("LIST deployments", 1.0)
                .containsEntry("LIST services", 1.0)
                .containsEntry("WATCH deployments", 1.0)
                .containsEntry("WATCH services", 1.0);
    }
}

package io.modeldeploy.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
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

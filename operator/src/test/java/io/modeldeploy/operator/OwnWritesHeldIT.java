package io.modeldeploy.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.resources.Labels;
import io.modeldeploy.testing.OperatorProcess;

/**
 * What the operator keeps of the objects it applies, counted in its live heap ({@code jcmd GC.class_histogram},
 * after a full collection): no managed Service as an object once the operator is idle. Its informer keeps each one
 * packed ({@code CachedForms.Store}), and JOSDK's temporary cache does not keep the API server's answer to its apply
 * for good, which it did when the informer had delivered the Service before the answer came ({@code ChildInformer};
 * about 44% of the Services at 1,000 ModelDeployments, docs/benchmarks.md).
 */
@RunningOperator
class OwnWritesHeldIT {
    static final int MODEL_DEPLOYMENTS = 20;

    @Test
    void theOperatorHoldsNoServiceItAppliedAsAnObjectOnceIdle(KubernetesClient client, OperatorProcess operator)
            throws Exception {
        List<String> names = IntStream.range(0, MODEL_DEPLOYMENTS).mapToObj(i -> "held-" + i).toList();
        names.forEach(name -> client.resource(ModelDeployments.named(name, 1)).create());
        await().atMost(Duration.ofMinutes(3)).until(() -> names.stream().allMatch(name ->
                ModelDeploymentStates.servesVersion(client.resources(ModelDeployment.class).withName(name).get(),
                        "1.0.0")));
        // Counted for up to 30 s, while the last writes and their events settle and a reconcile may hold a copy
        // it read. An answer JOSDK keeps for good stays in the heap for good.
        long[] counts = new long[2];
        await().pollInterval(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            counts[0] = client.services().inAnyNamespace().withLabelSelector(Labels.MANAGED_SELECTOR).list()
                    .getItems().size();
            counts[1] = operator.liveHeap().instances(Service.class);
            assertThat(counts[0]).as("managed Services").isGreaterThanOrEqualTo(MODEL_DEPLOYMENTS);
            assertThat(counts[1]).as("Services in the operator's live heap, with %d managed ones", counts[0])
                    .isZero();
        });
        System.out.printf("[own-writes] %d managed Services in the cluster, %d Services in the operator's heap%n",
                counts[0], counts[1]);
    }
}

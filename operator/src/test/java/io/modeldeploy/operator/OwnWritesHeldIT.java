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
 * after a full collection): each managed Service once, in its informer, and not also the API server's answer to its
 * apply, which JOSDK's temporary cache kept for good when the informer had delivered the Service before the answer
 * came ({@code ChildInformer}; about 44% of the Services at 1,000 ModelDeployments, docs/benchmarks.md).
 */
@RunningOperator
class OwnWritesHeldIT {
    static final int MODEL_DEPLOYMENTS = 20;

    @Test
    void theOperatorHoldsEachServiceItAppliedOnce(KubernetesClient client, OperatorProcess operator)
            throws Exception {
        List<String> names = IntStream.range(0, MODEL_DEPLOYMENTS).mapToObj(i -> "held-" + i).toList();
        names.forEach(name -> client.resource(ModelDeployments.named(name, 1)).create());
        await().atMost(Duration.ofMinutes(3)).until(() -> names.stream().allMatch(name ->
                ModelDeploymentStates.servesVersion(client.resources(ModelDeployment.class).withName(name).get(),
                        "1.0.0")));
        // Counted until they agree, for up to 30 s: the last writes and their events settle, and a Service another
        // test's namespace is still deleting may be in the list and not in the informer, or the other way round.
        // An answer JOSDK keeps for good keeps them apart for good.
        long[] counts = new long[2];
        await().pollInterval(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            counts[0] = client.services().inAnyNamespace().withLabelSelector(Labels.MANAGED_SELECTOR).list()
                    .getItems().size();
            counts[1] = operator.liveHeap().instances(Service.class);
            assertThat(counts[0]).as("managed Services").isGreaterThanOrEqualTo(MODEL_DEPLOYMENTS);
            assertThat(counts[1]).as("Services in the operator's live heap, against %d managed ones", counts[0])
                    .isEqualTo(counts[0]);
        });
        System.out.printf("[own-writes] %d managed Services in the cluster, %d Services in the operator's heap%n",
                counts[0], counts[1]);
    }
}

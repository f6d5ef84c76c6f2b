package io.modeldeploy.operator.bench;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.CachedForms;
import io.modeldeploy.operator.ModelDeployments;
import io.modeldeploy.operator.resources.ServingDeployment;

/**
 * What a packed informer store costs per Deployment: the bytes it holds against the object's JSON, and the time a
 * put and a read take, over N Deployments of the operator's that differ in their ModelDeployment's name (as the
 * scale benchmark's do), each read back many times. Not a test: run with hack/bench-cached-forms. See
 * docs/benchmarks.md.
 */
public final class CachedFormsBenchmark {

    public static void main(String[] args) {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        List<String> json = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            json.add(Serialization.asJson(deployment("model-" + i, i)));
        }
        long jsonBytes = json.stream().mapToLong(String::length).sum();
        for (int warm = 0; warm < 3; warm++) {
            measure(json, rounds, jsonBytes, warm == 2);
        }
    }

    private static void measure(List<String> json, int rounds, long jsonBytes, boolean print) {
        var store = new CachedForms.Applied<Deployment>();
        List<Deployment> parsed = json.stream().map(j -> Serialization.unmarshal(j, Deployment.class)).toList();
        long start = System.nanoTime();
        for (Deployment d : parsed) {
            store.put(store.getKey(d), d);
        }
        long put = System.nanoTime() - start;
        List<String> keys = store.keySet().toList();
        long hash = 0;
        start = System.nanoTime();
        for (int round = 0; round < rounds; round++) {
            for (String key : keys) {
                hash += store.get(key).getSpec().getTemplate().getSpec().getContainers().size();
            }
        }
        long read = System.nanoTime() - start;
        if (print) {
            System.out.printf("%d Deployments: JSON %.0f bytes each, packed %.0f bytes each (%.1f%%); put %.1f µs, "
                    + "read %.1f µs each (%d reads, check %d)%n", json.size(), jsonBytes / (double) json.size(),
                    store.packedBytes() / (double) json.size(), 100.0 * store.packedBytes() / jsonBytes,
                    put / 1e3 / json.size(), read / 1e3 / (rounds * (double) keys.size()), rounds * keys.size(), hash);
        }
    }

    /** A Deployment of the operator's as the API server keeps it: an owner, a version, the operator's field set. */
    private static Deployment deployment(String name, int i) {
        ModelDeployment md = ModelDeployments.iris();
        md.getMetadata().setName(name);
        md.getMetadata().setNamespace("bench");
        md.getMetadata().setUid("00000000-0000-0000-0000-" + String.format("%012d", i));
        Deployment desired = ServingDeployment.desired(md, ModelDeployments.IMAGE, 1);
        return new DeploymentBuilder(desired).editMetadata().withResourceVersion(Integer.toString(100_000 + i))
                .withUid("10000000-0000-0000-0000-" + String.format("%012d", i)).withGeneration(1L)
                .withCreationTimestamp("2026-12-04T20:00:00Z").endMetadata()
                .withNewStatus().withReplicas(1).withReadyReplicas(1).withAvailableReplicas(1)
                .withUpdatedReplicas(1).withObservedGeneration(1L).endStatus().build();
    }
}

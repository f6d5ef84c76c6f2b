package io.modeldeploy.operator.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.modeldeploy.api.v1alpha1.AnalysisSpec;
import io.modeldeploy.api.v1alpha1.BatchingSpec;
import io.modeldeploy.api.v1alpha1.CanaryStepSpec;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.ModelDeploymentSpec;
import io.modeldeploy.api.v1alpha1.ModelFormat;
import io.modeldeploy.api.v1alpha1.ModelSpec;
import io.modeldeploy.api.v1alpha1.RolloutSpec;
import io.modeldeploy.api.v1alpha1.RuntimeSpec;
import io.modeldeploy.operator.UserEdits;
import io.modeldeploy.testing.CrdInstaller;
import io.modeldeploy.testing.KwokTestbed;
import io.modeldeploy.testing.OperatorProcess;
import io.modeldeploy.testing.RepositoryRoot;

/**
 * How often the operator writes the status of canaries that wait (a step without a pause, healthy pods): N
 * ModelDeployments are taken to Paused, then every update of them is counted through a watch, as Argo CD, Flux or
 * any watcher would receive it. Not a test: run with hack/bench-status-writes. See docs/benchmarks.md.
 */
public final class StatusWriteBenchmark {

    public static void main(String[] args) {
        try {
            run(args.length > 0 ? Integer.parseInt(args[0]) : 100, args.length > 1 ? Integer.parseInt(args[1]) : 60,
                    args.length > 2 ? Path.of(args[2]) : null);
            System.exit(0);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(int count, int seconds, Path jar) throws Exception {
        Path root = RepositoryRoot.find();
        KwokTestbed cluster = KwokTestbed.start(root);
        Path operatorJar = jar != null ? jar : root.resolve("operator/target/quarkus-app/quarkus-run.jar");
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(cluster.config()).build();
                OperatorProcess operator = OperatorProcess.start(operatorJar, cluster,
                        root.resolve("operator/target/bench-status-writes-operator.log"),
                        Map.of("MODELDEPLOY_LEADER_ELECTION_LEASE_NAME", "bench-" + UUID.randomUUID()))) {
            CrdInstaller.installAll(client, root.resolve("crds/generated"));
            String ns = "bench-status-" + UUID.randomUUID().toString().substring(0, 6);
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                    .create();
            var mds = client.resources(ModelDeployment.class).inNamespace(ns);
            for (int i = 0; i < count; i++) {
                mds.resource(modelDeployment("md-" + i, "1")).create();
            }
            await(() -> mds.list().getItems().stream().filter(md -> "Stable".equals(phase(md))).count() == count);
            var namespaced = client.adapt(NamespacedKubernetesClient.class).inNamespace(ns);
            for (int i = 0; i < count; i++) {
                UserEdits.replaceSpec(namespaced, "md-" + i, modelDeployment("md-" + i, "2").getSpec());
            }
            await(() -> mds.list().getItems().stream().filter(md -> "Paused".equals(phase(md))).count() == count);
            TimeUnit.SECONDS.sleep(5);

            var updates = new AtomicInteger();
            var updated = ConcurrentHashMap.<String>newKeySet();
            try (var watch = mds.watch(new Watcher<>() {
                @Override
                public void eventReceived(Action action, ModelDeployment md) {
                    if (action == Action.MODIFIED) {
                        updates.incrementAndGet();
                        updated.add(md.getMetadata().getName());
                    }
                }

                @Override
                public void onClose(WatcherException cause) {
                }
            })) {
                TimeUnit.SECONDS.sleep(seconds);
            }
            client.namespaces().withName(ns).delete();
            System.out.printf("%n| paused canaries | window (s) | updates seen by a watcher | per second | "
                    + "ModelDeployments updated |%n|---|---|---|---|---|%n");
            System.out.printf("| %d | %d | %d | %.2f | %d |%n", count, seconds, updates.get(),
                    updates.get() / (double) seconds, updated.size());
        }
    }

    private static ModelDeployment modelDeployment(String name, String version) {
        var md = new ModelDeployment();
        md.setMetadata(new ObjectMetaBuilder().withName(name).build());
        md.setSpec(new ModelDeploymentSpec(
                new ModelSpec("iris", version, ModelFormat.ONNX, "file:///models/iris", null, null),
                new RuntimeSpec(null, null, 8080, null, null, new BatchingSpec(32, 0)),
                1, null, null, null, null, null, 600,
                new RolloutSpec(RolloutSpec.Strategy.Canary, List.of(new CanaryStepSpec(50, null)),
                        new AnalysisSpec(5, 3, 3), null)));
        return md;
    }

    private static String phase(ModelDeployment md) {
        return md == null || md.getStatus() == null || md.getStatus().rollout() == null ? null
                : md.getStatus().rollout().phase();
    }

    private static void await(java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (done.getAsBoolean()) {
                return;
            }
            TimeUnit.SECONDS.sleep(1);
        }
        throw new IllegalStateException("timed out");
    }
}

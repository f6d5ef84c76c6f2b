package io.modeldeploy.operator.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
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
import io.modeldeploy.testing.UnreadyMarker;

/**
 * Time from a canary's first failing readiness probe to the stable revision serving at 100% again, over N
 * rollbacks with the default analysis settings (check every 5 s, roll back after 3 failed checks). Not a test: run
 * with hack/bench-rollback. See docs/benchmarks.md.
 */
public final class RollbackBenchmark {
    private static final int REPLICAS = 4;

    public static void main(String[] args) {
        try {
            run(args.length > 0 ? Integer.parseInt(args[0]) : 10);
            System.exit(0);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(int rollbacks) throws Exception {
        Path root = RepositoryRoot.find();
        KwokTestbed cluster = KwokTestbed.start(root);
        try (KubernetesClient admin = new KubernetesClientBuilder().withConfig(cluster.config()).build();
                OperatorProcess operator = OperatorProcess.start(root.resolve("operator/target/quarkus-app/quarkus-run.jar"),
                        cluster, root.resolve("operator/target/bench-rollback-operator.log"),
                        Map.of("MODELDEPLOY_LEADER_ELECTION_LEASE_NAME", "bench-" + UUID.randomUUID()))) {
            CrdInstaller.installAll(admin, root.resolve("crds/generated"));
            String ns = "bench-rollback-" + UUID.randomUUID().toString().substring(0, 6);
            admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                    .create();
            KubernetesClient client = admin.adapt(KubernetesClient.class);
            var mds = client.resources(ModelDeployment.class).inNamespace(ns);
            mds.resource(modelDeployment("1", false)).create();
            await(() -> "Stable".equals(phase(mds.withName("iris").get())) && ready(client, ns, "iris") == REPLICAS);

            var seconds = new ArrayList<Double>();
            for (int i = 0; i < rollbacks; i++) {
                ModelDeployment bad = modelDeployment("2." + i, true);
                UserEdits.replaceSpec(client.adapt(NamespacedKubernetesClient.class).inNamespace(ns), "iris",
                        bad.getSpec());
                Instant firstFailingProbe = awaitValue(() -> canaryPods(client, ns).stream()
                        .flatMap(p -> p.getStatus().getConditions().stream())
                        .filter(c -> "Ready".equals(c.getType()) && "False".equals(c.getStatus()))
                        .map(c -> Instant.parse(c.getLastTransitionTime())).min(Instant::compareTo).orElse(null));
                await(() -> "RolledBack".equals(phase(mds.withName("iris").get()))
                        && client.apps().deployments().inNamespace(ns).withName("iris-canary").get() == null
                        && ready(client, ns, "iris") == REPLICAS);
                double took = Duration.between(firstFailingProbe, Instant.now()).toMillis() / 1000.0;
                seconds.add(took);
                System.out.printf("rollback %d: %.1f s%n", i + 1, took);
            }
            admin.namespaces().withName(ns).delete();
            seconds.sort(Double::compare);
            System.out.printf("%n| rollbacks | mean (s) | median (s) | min (s) | max (s) |%n|---|---|---|---|---|%n");
            System.out.printf("| %d | %.1f | %.1f | %.1f | %.1f |%n", seconds.size(),
                    seconds.stream().mapToDouble(d -> d).average().orElseThrow(), seconds.get(seconds.size() / 2),
                    seconds.get(0), seconds.get(seconds.size() - 1));
        }
    }

    private static ModelDeployment modelDeployment(String version, boolean unready) {
        var md = new ModelDeployment();
        md.setMetadata(new ObjectMetaBuilder().withName("iris").build());
        md.setSpec(new ModelDeploymentSpec(
                new ModelSpec("iris", version, ModelFormat.ONNX, "file:///models/iris", null, null),
                new RuntimeSpec(null, null, 8080, null, null, new BatchingSpec(32, 0)),
                REPLICAS, null, null, null, null, unready ? Map.of(UnreadyMarker.ANNOTATION, "true") : null, 600,
                new RolloutSpec(RolloutSpec.Strategy.Canary, List.of(new CanaryStepSpec(25, "10m"),
                        new CanaryStepSpec(100, "0s")), new AnalysisSpec(5, 3, 3), null)));
        return md;
    }

    private static List<Pod> canaryPods(KubernetesClient client, String ns) {
        return client.pods().inNamespace(ns).withLabel("serving.modeldeploy.io/track", "canary").list().getItems()
                .stream().filter(p -> p.getStatus() != null && p.getStatus().getConditions() != null).toList();
    }

    private static int ready(KubernetesClient client, String ns, String name) {
        var d = client.apps().deployments().inNamespace(ns).withName(name).get();
        return d == null || d.getStatus() == null || d.getStatus().getReadyReplicas() == null ? 0
                : d.getStatus().getReadyReplicas();
    }

    private static String phase(ModelDeployment md) {
        return md == null || md.getStatus() == null || md.getStatus().rollout() == null ? null
                : md.getStatus().rollout().phase();
    }

    private static void await(java.util.function.BooleanSupplier done) throws InterruptedException {
        awaitValue(() -> done.getAsBoolean() ? Boolean.TRUE : null);
    }

    private static <T> T awaitValue(java.util.function.Supplier<T> value) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            T v = value.get();
            if (v != null) {
                return v;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IllegalStateException("timed out");
    }
}

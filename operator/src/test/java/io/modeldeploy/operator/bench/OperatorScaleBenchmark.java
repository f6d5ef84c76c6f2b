package io.modeldeploy.operator.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.modeldeploy.api.v1alpha1.AutoscalingSpec;
import io.modeldeploy.api.v1alpha1.BatchingSpec;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.ModelDeploymentSpec;
import io.modeldeploy.api.v1alpha1.ModelFormat;
import io.modeldeploy.api.v1alpha1.ModelSpec;
import io.modeldeploy.api.v1alpha1.ProbeSpec;
import io.modeldeploy.api.v1alpha1.ProbesSpec;
import io.modeldeploy.api.v1alpha1.RuntimeSpec;
import io.modeldeploy.operator.resources.ServingAutoscaler;
import io.modeldeploy.operator.resources.ServingDeployment;
import io.modeldeploy.operator.resources.ServingService;
import io.modeldeploy.operator.status.Conditions;
import io.modeldeploy.testing.CrdInstaller;
import io.modeldeploy.testing.KwokTestbed;
import io.modeldeploy.testing.OperatorProcess;
import io.modeldeploy.testing.RepositoryRoot;

/**
 * Reconciles N ModelDeployments (each with a Deployment, Service and autoscaler) on the test cluster and reports
 * the time until all are Ready and the operator's peak RSS, next to a plain Fabric8 loop creating the same 3N
 * children on the same cluster in the same run. Not a test: run it with hack/bench-operator. See docs/benchmarks.md.
 */
public final class OperatorScaleBenchmark {
    private static final String IMAGE = "registry.example/modeldeploy/serving-runtime:bench";

    public static void main(String[] args) {
        try {
            run(args);
            System.exit(0);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Path root = RepositoryRoot.find();
        KwokTestbed cluster = KwokTestbed.start(root);
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(cluster.config()).build()) {
            CrdInstaller.installAll(client, root.resolve("crds/generated"));

            String rawNs = namespace(client, "bench-raw");
            long rawStart = System.nanoTime();
            for (int i = 0; i < count; i++) {
                ModelDeployment md = modelDeployment(rawNs, i);
                for (HasMetadata child : List.of(ServingDeployment.desired(md, IMAGE, ServingDeployment.replicas(md, Optional.empty())),
                        ServingService.desired(md), ServingAutoscaler.desired(md))) {
                    child.getMetadata().setOwnerReferences(null); // no owner exists in this phase
                    client.resource(child).inNamespace(rawNs).create();
                }
            }
            double rawCreated = seconds(rawStart);
            await(() -> readyDeployments(client, rawNs) == count, Duration.ofMinutes(30));
            double rawReady = seconds(rawStart);
            deleteAndWait(client, rawNs);

            String opNs = namespace(client, "bench-operator");
            Path log = root.resolve("operator/target/bench-operator.log");
            try (OperatorProcess operator = OperatorProcess.start(
                    root.resolve("operator/target/quarkus-app/quarkus-run.jar"), cluster, log,
                    Map.of("MODELDEPLOY_RUNTIME_IMAGE", IMAGE))) {
                long idleRss = operator.residentBytes();
                long opStart = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    client.resource(modelDeployment(opNs, i)).inNamespace(opNs).create();
                }
                double opCreated = seconds(opStart);
                long[] peak = {idleRss};
                await(() -> {
                    peak[0] = Math.max(peak[0], operator.residentBytes());
                    return readyModelDeployments(client, opNs) == count;
                }, Duration.ofMinutes(30));
                double opReady = seconds(opStart);
                String reconciles = operator.metrics().lines()
                        .filter(l -> l.startsWith("modeldeploy_reconciliations_total")).findFirst().orElse("?");
                deleteAndWait(client, opNs);

                System.out.printf("%n| run (N = %d) | all created (s) | all Ready (s) | operator RSS idle / peak (MiB) |%n",
                        count);
                System.out.println("|---|---|---|---|");
                System.out.printf("| plain Fabric8 loop, %d children | %.1f | %.1f | — |%n", 3 * count, rawCreated,
                        rawReady);
                System.out.printf("| operator, %d ModelDeployments | %.1f | %.1f | %d / %d |%n", count, opCreated,
                        opReady, idleRss >> 20, peak[0] >> 20);
                System.out.printf("| ratio operator / plain loop (all Ready) | | %.2f | |%n", opReady / rawReady);
                System.out.println("reconciliations: " + reconciles);
            }
        }
    }

    private static ModelDeployment modelDeployment(String namespace, int i) {
        var md = new ModelDeployment();
        md.setMetadata(new ObjectMetaBuilder().withName("model-" + i).withNamespace(namespace).build());
        md.setSpec(new ModelDeploymentSpec(
                new ModelSpec("model-" + i, "1.0.0", ModelFormat.ONNX, "file:///models/iris", null, null),
                new RuntimeSpec(null, null, 8080, null, null, new BatchingSpec(32, 0)),
                1, new AutoscalingSpec(1, 2, 80, null),
                new ProbesSpec(new ProbeSpec("/v2/health/ready", null, 5, 2, 3),
                        new ProbeSpec("/v2/health/live", null, 10, 2, 3)),
                null, null, null, 600, null));
        return md;
    }

    private static long readyDeployments(KubernetesClient client, String ns) {
        return client.apps().deployments().inNamespace(ns).list().getItems().stream()
                .filter(d -> d.getStatus() != null && Integer.valueOf(1).equals(d.getStatus().getReadyReplicas()))
                .count();
    }

    private static long readyModelDeployments(KubernetesClient client, String ns) {
        return client.resources(ModelDeployment.class).inNamespace(ns).list().getItems().stream()
                .filter(md -> md.getStatus() != null && md.getStatus().conditions() != null
                        && md.getStatus().conditions().stream().anyMatch(c -> c.getType().equals(Conditions.READY)
                                && c.getStatus().equals(Conditions.TRUE)))
                .count();
    }

    private static String namespace(KubernetesClient client, String name) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
                .create();
        return name;
    }

    private static void deleteAndWait(KubernetesClient client, String ns) throws InterruptedException {
        client.namespaces().withName(ns).delete();
        await(() -> client.namespaces().withName(ns).get() == null, Duration.ofMinutes(15));
    }

    private static void await(BooleanSupplier done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not done within " + timeout);
            }
            TimeUnit.SECONDS.sleep(1);
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

}

package io.modeldeploy.operator.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
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
            SharedIndexInformer<Deployment> rawDeployments = client.apps().deployments().inNamespace(rawNs).inform();
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
            await(() -> rawDeployments.getStore().list().stream().filter(OperatorScaleBenchmark::ready).count()
                    == count, Duration.ofMinutes(60));
            double rawReady = seconds(rawStart);
            rawDeployments.close();
            deleteAndWait(client, rawNs);

            String opNs = namespace(client, "bench-operator");
            SharedIndexInformer<ModelDeployment> mds = client.resources(ModelDeployment.class).inNamespace(opNs)
                    .inform();
            Path log = root.resolve("operator/target/bench-operator.log");
            try (OperatorProcess operator = OperatorProcess.start(
                    Path.of(System.getProperty("modeldeploy.bench.operator.jar",
                            root.resolve("operator/target/quarkus-app/quarkus-run.jar").toString())), cluster, log,
                    Map.of("MODELDEPLOY_RUNTIME_IMAGE", IMAGE), CHART_JVM)) {
                var sampler = Executors.newSingleThreadScheduledExecutor();
                long idleRss = operator.residentBytes();
                AtomicLong peak = new AtomicLong(idleRss);
                sampler.scheduleAtFixedRate(() -> peak.accumulateAndGet(operator.residentBytes(), Math::max),
                        0, 500, TimeUnit.MILLISECONDS);
                Requests before = Requests.of(operator.metrics());
                long opStart = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    client.resource(modelDeployment(opNs, i)).inNamespace(opNs).create();
                }
                double opCreated = seconds(opStart);
                await(() -> mds.getStore().list().stream().filter(OperatorScaleBenchmark::ready).count() == count,
                        Duration.ofMinutes(60));
                double opReady = seconds(opStart);
                Requests ready = Requests.of(operator.metrics());
                long readyRss = operator.residentBytes();
                long liveHeap = liveHeapBytes(operator.pid());
                sampler.shutdownNow();
                mds.close();

                double reconciles = ready.reconciles() - before.reconciles();
                System.out.printf("%n| run (N = %d) | all created (s) | all Ready (s) | operator RSS idle / peak / "
                        + "at Ready (MiB) | live heap at Ready (MiB) |%n", count);
                System.out.println("|---|---|---|---|---|");
                System.out.printf("| plain Fabric8 loop, %d children | %.1f | %.1f | — | — |%n", 3 * count,
                        rawCreated, rawReady);
                System.out.printf("| operator, %d ModelDeployments | %.1f | %.1f | %d / %d / %d | %d |%n", count,
                        opCreated, opReady, idleRss >> 20, peak.get() >> 20, readyRss >> 20, liveHeap >> 20);
                System.out.printf("| ratio operator / plain loop (all Ready) | | %.2f | | |%n", opReady / rawReady);
                System.out.printf("reconciliations: %.0f (%.1f per ModelDeployment, %.1f/s until all Ready)%n",
                        reconciles, reconciles / count, reconciles / opReady);
                System.out.printf("API requests to Ready (no watches, no leases): %d (%.1f per ModelDeployment) %s%n",
                        ready.requests() - before.requests(), (ready.requests() - before.requests()) / (double) count,
                        ready.minus(before));
                deleteAndWait(client, opNs);
            }
        }
    }

    /**
     * The operator's JVM as the Helm chart's defaults run it: a 768 MiB memory limit, the heap's ceiling at 70% of
     * it, and the serial collector, which the JVM picks by itself in a container of less than 1,792 MiB.
     */
    private static final List<String> CHART_JVM = List.of("-XX:MaxRAM=768m", "-XX:MaxRAMPercentage=70",
            "-XX:+UseSerialGC");

    /** What is live on the heap: jcmd's class histogram runs a full collection first and prints the total. */
    private static long liveHeapBytes(long pid) throws Exception {
        Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid), "GC.class_histogram").start();
        String out = new String(jcmd.getInputStream().readAllBytes());
        jcmd.waitFor();
        return out.lines().filter(l -> l.strip().startsWith("Total")).findFirst()
                .map(l -> Long.parseLong(l.strip().split("\\s+")[2])).orElse(-1L);
    }

    private static boolean ready(Deployment d) {
        return d.getStatus() != null && Integer.valueOf(1).equals(d.getStatus().getReadyReplicas());
    }

    private static boolean ready(ModelDeployment md) {
        return md.getStatus() != null && md.getStatus().conditions() != null
                && md.getStatus().conditions().stream().anyMatch(c -> c.getType().equals(Conditions.READY)
                        && c.getStatus().equals(Conditions.TRUE));
    }

    /** The operator's own request counts (modeldeploy_api_requests_total) and reconciliations, from its metrics. */
    record Requests(Map<String, Double> byRequest, double reconciles) {
        static Requests of(String metrics) {
            var byRequest = new TreeMap<String, Double>();
            double reconciles = 0;
            for (String line : metrics.split("\n")) {
                if (line.startsWith("modeldeploy_api_requests_total{")) {
                    byRequest.put(line.replaceAll(".*verb=\"([A-Z]+)\".*", "$1") + " "
                            + line.replaceAll(".*resource=\"([^\"]+)\".*", "$1"),
                            Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
                } else if (line.startsWith("modeldeploy_reconciliations_total")) {
                    reconciles = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return new Requests(byRequest, reconciles);
        }

        /** All but watches and the leader Lease's, which do not grow with ModelDeployments. */
        long requests() {
            return (long) byRequest.entrySet().stream()
                    .filter(e -> !e.getKey().startsWith("WATCH ") && !e.getKey().endsWith(" leases"))
                    .mapToDouble(Map.Entry::getValue).sum();
        }

        String minus(Requests earlier) {
            var diff = new TreeMap<String, Long>();
            byRequest.forEach((key, n) -> {
                long d = (long) (n - earlier.byRequest.getOrDefault(key, 0.0));
                if (d > 0 && !key.endsWith(" leases")) {
                    diff.put(key, d);
                }
            });
            return diff.toString();
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

    private static String namespace(KubernetesClient client, String name) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
                .create();
        return name;
    }

    private static void deleteAndWait(KubernetesClient client, String ns) throws InterruptedException {
        client.namespaces().withName(ns).delete();
        await(() -> client.namespaces().withName(ns).get() == null, Duration.ofMinutes(30));
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

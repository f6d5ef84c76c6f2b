package io.modeldeploy.operator.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
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
import io.modeldeploy.operator.OperatorCounts;
import io.modeldeploy.operator.resources.ServingAutoscaler;
import io.modeldeploy.operator.resources.ServingDeployment;
import io.modeldeploy.operator.resources.ServingService;
import io.modeldeploy.operator.status.Conditions;
import io.modeldeploy.testing.ChartServiceAccount;
import io.modeldeploy.testing.CrdInstaller;
import io.modeldeploy.testing.KwokTestbed;
import io.modeldeploy.testing.OperatorProcess;
import io.modeldeploy.testing.RepositoryRoot;
import io.modeldeploy.testing.TestCluster;

/**
 * Reconciles N ModelDeployments (each with a Deployment, Service and autoscaler) on the test cluster and reports
 * the time until all are Ready and the operator's peak RSS, next to a plain Fabric8 loop creating the same 3N
 * children on the same cluster in the same run. Not a test: run it with hack/bench-operator. See docs/benchmarks.md.
 */
public final class OperatorScaleBenchmark {
    static final String IMAGE = "registry.example/modeldeploy/serving-runtime:bench";

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
        // Each phase runs on a fresh test cluster: deleting tens of thousands of objects between them would take
        // longer than the phases, and what is left would weigh on the next one.
        // In the order given: "loop,operator,loop" times the loop before and after the operator, for how much the
        // machine's speed drifts within one run.
        List<String> phases = Arrays.stream(System.getProperty("modeldeploy.bench.phases", "loop,operator")
                .split(",")).map(String::strip).filter(p -> !p.isEmpty()).toList();
        double[] loop = {Double.NaN, Double.NaN};
        var loopsReady = new ArrayList<Double>();
        double operatorReady = Double.NaN;
        for (String phase : phases) {
            switch (phase) {
                case "loop" -> {
                    loop = loopPhase(root, count);
                    loopsReady.add(loop[1]);
                    System.out.printf("%nplain Fabric8 loop, %d children: all created %.1f s, all Ready %.1f s%n",
                            3 * count, loop[0], loop[1]);
                }
                case "operator" -> operatorReady = operatorPhase(root, count, loop);
                default -> throw new IllegalArgumentException("unknown phase " + phase + ": loop or operator");
            }
        }
        if (loopsReady.size() > 1 && !Double.isNaN(operatorReady)) {
            double ready = operatorReady;
            System.out.printf("%nthe loop's runs, all Ready: %s s; the operator's %.1f s is %s of them%n",
                    loopsReady.stream().map(t -> String.format("%.1f", t)).toList(), ready,
                    loopsReady.stream().map(t -> String.format("%.2f", ready / t)).toList());
        }
    }

    /**
     * The operator over N ModelDeployments on a new cluster, then started again over them: seconds until all are
     * Ready (NaN when not all were within the wait), reported next to the loop run before it, if any.
     */
    private static double operatorPhase(Path root, int count, double[] loop) throws Exception {
        KwokTestbed cluster = KwokTestbed.fresh(root);
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(cluster.config()).build()) {
            CrdInstaller.installAll(client, root.resolve("crds/generated"));
            String opNs = namespace(client, "bench-operator");
            SharedIndexInformer<ModelDeployment> mds = client.resources(ModelDeployment.class).inNamespace(opNs)
                    .inform();
            // When the children were all Ready, apart from when the operator said so in the ModelDeployments.
            SharedIndexInformer<Deployment> children = client.apps().deployments().inNamespace(opNs).inform();
            Path log = root.resolve("operator/target/bench-operator.log");
            TestCluster asChart = chartServiceAccount(cluster, root);
            double opReady;
            try (OperatorProcess operator = startOperator(root, asChart, log)) {
                var sampler = Executors.newSingleThreadScheduledExecutor();
                long idleRss = operator.residentBytes();
                AtomicLong peak = new AtomicLong(idleRss);
                AtomicLong childrenReady = new AtomicLong();
                ClusterWork opWorkStart = ClusterWork.now(client, operator.pid());
                long opStart = System.nanoTime();
                sampler.scheduleAtFixedRate(() -> {
                    peak.accumulateAndGet(operator.residentBytes(), Math::max);
                    if (childrenReady.get() == 0 && children.getStore().list().stream()
                            .filter(OperatorScaleBenchmark::ready).count() == count) {
                        childrenReady.set(System.nanoTime());
                    }
                }, 0, 500, TimeUnit.MILLISECONDS);
                OperatorCounts before = OperatorCounts.of(operator.metrics());
                for (int i = 0; i < count; i++) {
                    client.resource(modelDeployment(opNs, i)).inNamespace(opNs).create();
                }
                double opCreated = seconds(opStart);
                boolean allReady = within(() -> mds.getStore().list().stream()
                        .filter(OperatorScaleBenchmark::ready).count() == count, Duration.ofMinutes(WAIT_MINUTES));
                opReady = allReady ? seconds(opStart) : Double.NaN;
                ClusterWork opWork = ClusterWork.now(client, operator.pid()).minus(opWorkStart);
                if (!allReady) {
                    System.out.printf("%nnot all Ready within %d minutes: %d of %d; the figures \"at Ready\" below "
                            + "are at that point%n", WAIT_MINUTES, mds.getStore().list().stream()
                            .filter(OperatorScaleBenchmark::ready).count(), count);
                }
                OperatorCounts ready = OperatorCounts.of(operator.metrics());
                long readyRss = operator.residentBytes();
                String threads = operator.status("Threads:").orElse("?");
                OperatorProcess.ClassHistogram histogram = operator.liveHeap();
                long liveHeap = histogram.totalBytes();
                System.out.printf("%nlive heap by class, top 20 (jcmd GC.class_histogram):%n");
                histogram.text().lines().skip(1).limit(22).forEach(System.out::println);
                if (CHART_JVM.stream().anyMatch(o -> o.startsWith("-XX:NativeMemoryTracking="))) {
                    System.out.printf("%nnative memory at Ready (jcmd VM.native_memory summary):%n%s%n",
                            operator.jcmd("VM.native_memory", "summary"));
                }
                heapDump(operator);
                sampler.shutdownNow();
                mds.close();
                children.close();
                // The operator writes Events in the background: how many still waited at Ready, and when it had
                // written (or dropped) them all.
                boolean eventsWritten = within(() -> OperatorCounts.of(operator.metrics()).eventsQueued() == 0,
                        Duration.ofMinutes(WAIT_MINUTES));
                double eventsDone = eventsWritten ? seconds(opStart) : Double.NaN;
                OperatorCounts drained = OperatorCounts.of(operator.metrics());

                double reconciles = ready.reconciles() - before.reconciles();
                System.out.printf("%noperator JVM: %s%n", String.join(" ", CHART_JVM));
                System.out.printf("%n| run (N = %d) | all created (s) | all Ready (s) | operator RSS idle / peak / "
                        + "at Ready (MiB) | live heap at Ready (MiB) |%n", count);
                System.out.println("|---|---|---|---|---|");
                System.out.printf("| plain Fabric8 loop, %d children | %.1f | %.1f | — | — |%n", 3 * count,
                        loop[0], loop[1]);
                System.out.printf("| operator, %d ModelDeployments | %.1f | %.1f | %d / %d / %d | %d |%n", count,
                        opCreated, opReady, idleRss >> 20, peak.get() >> 20, readyRss >> 20, liveHeap >> 20);
                System.out.printf("| ratio operator / plain loop (all Ready) | | %.2f | | |%n", opReady / loop[1]);
                System.out.printf("operator threads at Ready: %s%n", threads);
                System.out.printf("reconciliations: %.0f (%.1f per ModelDeployment, %.1f/s until all Ready, %.0f ms "
                        + "each on average)%n", reconciles, reconciles / count, reconciles / opReady,
                        1000 * (ready.reconcileSeconds() - before.reconcileSeconds()) / reconciles);
                System.out.printf("all Deployments Ready at %.1f s (the operator said all were Ready %.1f s later)%n",
                        childrenReady.get() == 0 ? Double.NaN : (childrenReady.get() - opStart) / 1e9,
                        childrenReady.get() == 0 ? Double.NaN : opReady - (childrenReady.get() - opStart) / 1e9);
                System.out.printf("API requests to Ready (no watches, no leases): %d (%.1f per ModelDeployment) %s%n",
                        ready.requests() - before.requests(), (ready.requests() - before.requests()) / (double) count,
                        ready.minus(before));
                System.out.printf("Events waiting at Ready: %.0f; all written at %.1f s; dropped: %.0f%n",
                        ready.eventsQueued(), eventsDone, drained.eventsDropped());
                System.out.printf("operator phase, from the first create to all Ready:%n%s%n", opWork.report(12));
            }
            restart(root, asChart, count, log);
            return opReady;
        }
    }

    /**
     * The operator started again over the N Ready ModelDeployments, as after an upgrade or a lost Lease: its
     * informers list every object at once. Until it has reconciled each ModelDeployment once: seconds, RSS peak,
     * and the requests it sent (none are needed: nothing changed).
     */
    private static void restart(Path root, TestCluster cluster, int count, Path log) throws Exception {
        Path restartLog = log.resolveSibling("bench-operator-restart.log");
        long start = System.nanoTime();
        try (OperatorProcess operator = startOperator(root, cluster, restartLog)) {
            boolean done = within(() -> OperatorCounts.of(operator.metrics()).reconciles() >= count,
                    Duration.ofMinutes(WAIT_MINUTES));
            double seconds = seconds(start);
            OperatorCounts after = OperatorCounts.of(operator.metrics());
            // The kernel's high-water mark of the process's resident memory: the lists at start included.
            String peak = operator.status("VmHWM:").orElse("?");
            long liveHeap = operator.liveHeap().totalBytes();
            System.out.printf("%nrestart over %d Ready ModelDeployments: %s at %.1f s; RSS peak (VmHWM) %s, live "
                    + "heap then %d MiB; API requests %d, writes %d %s%n", count,
                    done ? "each reconciled once" : "NOT each reconciled", seconds, peak, liveHeap >> 20,
                    after.requests(), after.writes(), after.minus(new OperatorCounts(Map.of(), 0, 0, 0, 0, 0)));
        }
    }

    /**
     * Who creates the children in each phase, the operator or the loop: the chart's ServiceAccount, with a token and
     * the chart's RBAC, as in the operator's pod. An admin's client certificate would spare the API server its RBAC
     * checks and cost the client an RSA signature per TLS handshake, neither of which a pod's requests see. The
     * benchmark's own requests (the namespaces, the ModelDeployments, the watches that time Ready, the API server's
     * metrics) stay an admin's in both phases.
     */
    private static TestCluster chartServiceAccount(KwokTestbed cluster, Path root) {
        return ChartServiceAccount.install(cluster, root, "modeldeploy-system", Duration.ofHours(6));
    }

    /** The run's operator jar (this checkout's unless another is given) with the chart's JVM, logging to {@code log}. */
    private static OperatorProcess startOperator(Path root, TestCluster cluster, Path log) {
        return OperatorProcess.start(Path.of(System.getProperty("modeldeploy.bench.operator.jar",
                root.resolve("operator/target/quarkus-app/quarkus-run.jar").toString())), cluster, log,
                Map.of("MODELDEPLOY_RUNTIME_IMAGE", IMAGE), CHART_JVM);
    }

    /** The plain loop on a new cluster: seconds until its 3N children are created, and until all are Ready. */
    private static double[] loopPhase(Path root, int count) throws Exception {
        KwokTestbed cluster = KwokTestbed.fresh(root);
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(cluster.config()).build();
                KubernetesClient loop = new KubernetesClientBuilder()
                        .withConfig(chartServiceAccount(cluster, root).config()).build()) {
            String rawNs = namespace(client, "bench-raw");
            SharedIndexInformer<Deployment> rawDeployments = client.apps().deployments().inNamespace(rawNs).inform();
            ClusterWork workStart = ClusterWork.now(client, 0);
            long rawStart = System.nanoTime();
            for (int i = 0; i < count; i++) {
                ModelDeployment md = modelDeployment(rawNs, i);
                for (HasMetadata child : List.of(ServingDeployment.desired(md, IMAGE, ServingDeployment.replicas(md,
                        Optional.empty())), ServingService.desired(md), loopAutoscaler(md))) {
                    child.getMetadata().setOwnerReferences(null); // no owner exists in this phase
                    loop.resource(child).inNamespace(rawNs).create();
                }
            }
            double created = seconds(rawStart);
            await(() -> rawDeployments.getStore().list().stream().filter(OperatorScaleBenchmark::ready).count()
                    == count, Duration.ofMinutes(60));
            double ready = seconds(rawStart);
            System.out.printf("%nplain loop phase, from the first create to all Ready:%n%s%n",
                    ClusterWork.now(client, 0).minus(workStart).report(12));
            rawDeployments.close();
            return new double[] {created, ready};
        }
    }

    /**
     * The loop's autoscaler: the operator's, scaling the Deployment the loop made, as a hand-made setup would. The
     * operator's scales the ModelDeployment, which does not exist in this phase: aimed at it, the controller
     * manager's autoscaler controller would give up on each at once, where in the operator's phase it reads the
     * target's scale and lists its pods every 15 s, for each of the N autoscalers (at 10,000, the controller
     * manager's busiest work). Aimed at the Deployment, it does that work in both phases.
     */
    static HorizontalPodAutoscaler loopAutoscaler(ModelDeployment md) {
        HorizontalPodAutoscaler autoscaler = ServingAutoscaler.desired(md);
        autoscaler.getSpec().setScaleTargetRef(new CrossVersionObjectReferenceBuilder().withApiVersion("apps/v1")
                .withKind("Deployment").withName(ServingDeployment.name(md)).build());
        return autoscaler;
    }

    /** How long the operator's phase waits for all to be Ready before it reports where it stands. */
    private static final int WAIT_MINUTES = Integer.getInteger("modeldeploy.bench.wait.minutes", 60);

    /** The Helm chart's defaults (helm/modeldeploy/values.yaml), which the operator's JVM is sized by. */
    private static final JsonNode CHART_VALUES = chartValues();
    /**
     * The container memory limit the operator's JVM sizes itself for, as {@code -XX:MaxRAM} takes it: the run's
     * (JVM syntax: 768m, 2g), else the chart's limit in bytes.
     */
    private static final String MEMORY_LIMIT = Optional.ofNullable(System.getProperty("modeldeploy.bench.operator.memory"))
            .filter(m -> !m.isBlank())
            .orElseGet(() -> Quantity.getAmountInBytes(new Quantity(CHART_VALUES.at("/resources/limits/memory")
                    .asText())).toBigInteger().toString());
    /**
     * The operator's JVM as the Helm chart runs it in a container with this memory limit: the heap's ceiling at the
     * chart's share of it, the chart's further options ({@code javaOptions}), the serial collector, which the JVM
     * picks by itself in a container of less than 1,792 MiB, and the image's exit on an out-of-memory error
     * (hack/images); then the run's own options.
     */
    private static final List<String> CHART_JVM = Stream.of(
            Stream.of("-XX:MaxRAM=" + MEMORY_LIMIT,
                    "-XX:MaxRAMPercentage=" + CHART_VALUES.path("javaMaxRamPercentage").asInt()),
            options(CHART_VALUES.path("javaOptions").asText("")),
            Stream.of("-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError"),
            options(System.getProperty("modeldeploy.bench.operator.jvm", "")))
            .flatMap(o -> o).toList();

    private static Stream<String> options(String line) {
        return Arrays.stream(line.split("\\s+")).filter(o -> !o.isEmpty());
    }

    private static JsonNode chartValues() {
        try {
            JsonNode values = new ObjectMapper(new YAMLFactory()).readTree(
                    RepositoryRoot.find().resolve("helm/modeldeploy/values.yaml").toFile());
            if (values.at("/resources/limits/memory").isMissingNode() || !values.path("javaMaxRamPercentage").isInt()) {
                throw new IllegalStateException("helm/modeldeploy/values.yaml has no resources.limits.memory or "
                        + "javaMaxRamPercentage, which the benchmark sizes the operator's JVM by");
            }
            return values;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * A dump of the operator's live heap when MODELDEPLOY_BENCH_HEAP_DUMP names a file, for what the class histogram
     * does not say (which values the strings hold, who holds them).
     */
    private static void heapDump(OperatorProcess operator) {
        String file = System.getenv("MODELDEPLOY_BENCH_HEAP_DUMP");
        if (file != null && !file.isBlank()) {
            System.out.print(operator.jcmd("GC.heap_dump", Path.of(file).toAbsolutePath().toString()));
        }
    }

    private static boolean ready(Deployment d) {
        return d.getStatus() != null && Integer.valueOf(1).equals(d.getStatus().getReadyReplicas());
    }

    private static boolean ready(ModelDeployment md) {
        return md.getStatus() != null && md.getStatus().conditions() != null
                && md.getStatus().conditions().stream().anyMatch(c -> c.getType().equals(Conditions.READY)
                        && c.getStatus().equals(Conditions.TRUE));
    }

    static ModelDeployment modelDeployment(String namespace, int i) {
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

    private static void await(BooleanSupplier done, Duration timeout) throws InterruptedException {
        if (!within(done, timeout)) {
            throw new IllegalStateException("not done within " + timeout);
        }
    }

    /** Whether {@code done} became true within {@code timeout}. */
    private static boolean within(BooleanSupplier done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.SECONDS.sleep(1);
        }
        return true;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

}

package io.modeldeploy.operator.bench;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.ModelDeploymentStatus;
import io.modeldeploy.operator.ModelDeploymentReconciler;
import io.modeldeploy.operator.StatusEvents;
import io.modeldeploy.operator.resources.ServingDeployment;
import io.modeldeploy.operator.resources.ServingService;
import io.modeldeploy.testing.CrdInstaller;
import io.modeldeploy.testing.KwokTestbed;

/**
 * What the test cluster spends on each kind of request that the scale benchmark's operator phase makes beyond its
 * plain loop's (docs/benchmarks.md, "What each request costs the cluster"): on one new cluster, rounds of N
 * ModelDeployments' worth of one kind each, in a namespace of their own, with the CPU seconds of every process from
 * the round's first request until 20 s after its last (what the controllers do in answer included). The kinds:
 * <ul>
 * <li>{@code create}: the loop's POSTs of each one's Deployment, Service and autoscaler (no owner);</li>
 * <li>{@code apply}: the same objects server-side applied, as the operator writes them;</li>
 * <li>{@code owned}: a ModelDeployment created, then its three children applied with their owner reference;</li>
 * <li>{@code md}: ModelDeployments created, as the benchmark does in the operator phase;</li>
 * <li>{@code status}: a ModelDeployment created, then a Ready status applied to it, as the operator does;</li>
 * <li>{@code events}: two Events each ({@code RevisionCreated}, {@code Available}), as the operator writes them;</li>
 * <li>{@code scale-md}, {@code scale-deployment}: three reads of the scale subresource of each of N ModelDeployments or
 * Deployments made before the round, as the autoscaler controller reads its target's every sync;</li>
 * <li>{@code idle}: 30 s of nothing, the cluster's own background.</li>
 * </ul>
 * A kind followed by {@code +watch} runs with the operator's five child informers open on its namespace, in JSON as
 * Fabric8 reads them, for what serving their watches costs the API server. Every round's autoscalers are deleted
 * after it, so that the controller manager's polling of them does not add up across rounds; what the cluster holds
 * still grows, so a run alternates the kinds it compares.
 */
public final class WriteCostBenchmark {
    /** The Deployments' replicas: 0 (the default) keeps pods out of the rounds; 1 is the scale benchmark's. */
    private static final int REPLICAS = Integer.getInteger("modeldeploy.bench.replicas", 0);

    private WriteCostBenchmark() {
    }

    public static void main(String[] args) {
        try {
            run(args);
            System.exit(0); // the clients' threads would keep the JVM
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("modeldeploy.root"));
        int count = Integer.parseInt(args.length > 0 ? args[0] : "1000");
        List<String> rounds = Arrays.asList((args.length > 1 ? args[1]
                : "idle,create,apply,md,status,owned,events,scale-md,scale-deployment,create,apply,owned,idle")
                .split(","));
        KwokTestbed cluster = KwokTestbed.fresh(root);
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(cluster.config()).build();
                KubernetesClient watcher = new KubernetesClientBuilder().withConfig(cluster.config()).build()) {
            CrdInstaller.installAll(client, root.resolve("crds/generated"));
            System.out.printf("%n| round | kind | requests (s) | API server | etcd | controller manager | scheduler "
                    + "| kwok | machine idle |%n|---|---|---|---|---|---|---|---|---|%n");
            for (int round = 0; round < rounds.size(); round++) {
                String kind = rounds.get(round).replace("+watch", "");
                boolean watched = rounds.get(round).endsWith("+watch");
                String ns = "round-" + round + "-" + kind;
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata()
                        .build()).create();
                if (kind.startsWith("scale-")) {
                    for (int i = 0; i < count; i++) {
                        ModelDeployment md = OperatorScaleBenchmark.modelDeployment(ns, i);
                        client.resource(kind.equals("scale-md") ? md : children(md, false).get(0)).inNamespace(ns)
                                .create();
                    }
                }
                List<SharedIndexInformer<?>> informers = watched ? childInformers(watcher, ns) : List.of();
                ClusterWork start = ClusterWork.now(client, 0);
                long started = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    send(client, kind, OperatorScaleBenchmark.modelDeployment(ns, i));
                }
                double requests = (System.nanoTime() - started) / 1e9;
                Thread.sleep(20_000);
                ClusterWork work = ClusterWork.now(client, 0).minus(start);
                System.out.printf("| %d | %s | %.1f | %s | %s |%n", round + 1, rounds.get(round), requests,
                        String.join(" | ", ClusterWork.CLUSTER.stream().map(p -> "%.1f".formatted(
                                work.cpuSeconds().getOrDefault(p, 0.0))).toList()),
                        "%.1f".formatted(work.idleSeconds()));
                informers.forEach(SharedIndexInformer::close);
                client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns).delete();
                Thread.sleep(15_000);
            }
        } finally {
            cluster.close();
        }
    }

    /** One ModelDeployment's worth of the round's kind of request. */
    private static void send(KubernetesClient client, String kind, ModelDeployment md) throws InterruptedException {
        String ns = md.getMetadata().getNamespace();
        switch (kind) {
            case "create" -> children(md, false).forEach(c -> client.resource(c).inNamespace(ns).create());
            case "apply" -> children(md, false).forEach(c -> apply(client, c));
            case "owned" -> {
                ModelDeployment made = client.resource(md).inNamespace(ns).create();
                children(made, true).forEach(c -> apply(client, c));
            }
            case "md" -> client.resource(md).inNamespace(ns).create();
            case "status" -> applyStatus(client, client.resource(md).inNamespace(ns).create());
            case "events" -> List.of("RevisionCreated", "Available").forEach(reason -> client.v1().events()
                    .inNamespace(ns).resource(event(md, reason)).create());
            case "scale-md" -> {
                for (int i = 0; i < 3; i++) {
                    client.resources(ModelDeployment.class).inNamespace(ns).withName(md.getMetadata().getName())
                            .scale();
                }
            }
            case "scale-deployment" -> {
                for (int i = 0; i < 3; i++) {
                    client.apps().deployments().inNamespace(ns).withName(ServingDeployment.name(md)).scale();
                }
            }
            case "idle" -> {
                if (md.getMetadata().getName().equals("model-0")) {
                    Thread.sleep(30_000);
                }
            }
            default -> throw new IllegalArgumentException("unknown kind " + kind);
        }
    }

    /**
     * A ModelDeployment's children as the loop makes them, the autoscaler scaling the Deployment; with their owner
     * reference to it when {@code owned} (it exists then), else none.
     */
    private static List<HasMetadata> children(ModelDeployment md, boolean owned) {
        List<HasMetadata> children = List.of(ServingDeployment.desired(md, OperatorScaleBenchmark.IMAGE, REPLICAS),
                ServingService.desired(md), OperatorScaleBenchmark.loopAutoscaler(md));
        if (!owned) {
            children.forEach(c -> c.getMetadata().setOwnerReferences(null));
        }
        return children;
    }

    private static void apply(KubernetesClient client, HasMetadata child) {
        client.resource(child).inNamespace(child.getMetadata().getNamespace())
                .fieldManager(ModelDeploymentReconciler.FIELD_MANAGER).forceConflicts().serverSideApply();
    }

    /** A Ready status of the size the operator writes, applied to the status subresource as JOSDK does. */
    private static void applyStatus(KubernetesClient client, ModelDeployment made) {
        String name = made.getMetadata().getName();
        String now = "2026-12-05T10:00:00Z";
        var status = new ModelDeploymentStatus(1L, "Ready", 1, 1, "app.kubernetes.io/instance=" + name,
                "http://" + name + ".svc:8080", "1.0.0", "5d8f7c9b6a", List.of(
                        new ConditionBuilder().withType("Ready").withStatus("True").withReason("Available")
                                .withMessage("1 of 1 pods ready").withLastTransitionTime(now)
                                .withObservedGeneration(1L).build(),
                        new ConditionBuilder().withType("Reconciling").withStatus("False").withReason("Available")
                                .withMessage("1 of 1 pods ready").withLastTransitionTime(now)
                                .withObservedGeneration(1L).build()),
                null, null, null, null);
        client.resource(ModelDeploymentReconciler.statusPatch(made, status)).subresource("status")
                .patch(new PatchContext.Builder().withPatchType(PatchType.SERVER_SIDE_APPLY)
                        .withFieldManager(ModelDeploymentReconciler.FIELD_MANAGER).withForce(true).build());
    }

    /** The operator's Event of this reason on a ModelDeployment (its message as at a first revision). */
    private static Event event(ModelDeployment md, String reason) {
        return StatusEvents.event(md, "Normal", reason, "revision 5d8f7c9b6a of model " + md.getSpec().model().name()
                + " " + md.getSpec().model().version(), Instant.now());
    }

    /** The operator's child informers (Deployments, pods, Services, autoscalers, EndpointSlices) on a namespace. */
    private static List<SharedIndexInformer<?>> childInformers(KubernetesClient watcher, String ns) {
        var informers = new ArrayList<SharedIndexInformer<?>>();
        informers.add(watcher.apps().deployments().inNamespace(ns).inform());
        informers.add(watcher.pods().inNamespace(ns).inform());
        informers.add(watcher.services().inNamespace(ns).inform());
        informers.add(watcher.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns).inform());
        informers.add(watcher.discovery().v1().endpointSlices().inNamespace(ns).inform());
        return informers;
    }
}

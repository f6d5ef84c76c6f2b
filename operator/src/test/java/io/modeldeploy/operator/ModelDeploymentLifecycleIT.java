package io.modeldeploy.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.ModelDeploymentSpec;
import io.modeldeploy.operator.resources.Labels;
import io.modeldeploy.operator.status.Conditions;
import io.modeldeploy.testing.Kubectl;
import io.modeldeploy.testing.OperatorProcess;
import io.modeldeploy.testing.RepositoryRoot;
import io.modeldeploy.testing.TestCluster;
import io.modeldeploy.testing.TestNamespace;
import io.modeldeploy.testing.UnreadyMarker;

/** A ModelDeployment's life on a real API server, with the packaged operator reconciling it. */
@RunningOperator
class ModelDeploymentLifecycleIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** The ModelDeployment of examples/iris-autoscaling.yaml. */
    private static final String NAME = "iris-autoscaling";

    @Test
    void irisExampleBecomesReadyWithOwnedDeploymentServiceAndAutoscaler(KubernetesClient client, TestNamespace ns,
            TestCluster cluster) {
        ModelDeployment md = apply(client, example("iris-autoscaling.yaml"));

        await().atMost(TIMEOUT).until(() -> client.autoscaling().v2().horizontalPodAutoscalers().withName(NAME)
                .get() != null);
        Deployment deployment = client.apps().deployments().withName(NAME).get();
        var service = client.services().withName(NAME).get();
        var hpa = client.autoscaling().v2().horizontalPodAutoscalers().withName(NAME).get();
        assertThat(deployment.getSpec().getReplicas()).as("starts at minReplicas").isEqualTo(2);
        for (HasMetadata child : List.of(deployment, service, hpa)) {
            assertThat(child.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
                assertThat(owner.getKind()).isEqualTo("ModelDeployment");
                assertThat(owner.getUid()).isEqualTo(md.getMetadata().getUid());
                assertThat(owner.getController()).isTrue();
            });
            assertThat(child.getMetadata().getManagedFields())
                    .anySatisfy(f -> assertThat(f.getManager()).isEqualTo(ModelDeploymentReconciler.FIELD_MANAGER));
        }
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(5);
        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("ModelDeployment");
        // The cluster's HorizontalPodAutoscaler controller reads the ModelDeployment's scale subresource and, the
        // example leaving spec.replicas at its default of one, raises it to minReplicas through the same subresource
        // (without a metrics server it computes no other recommendation).
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(client.autoscaling().v2().horizontalPodAutoscalers().withName(NAME).get().getStatus()
                    .getConditions()).anySatisfy(c -> {
                        assertThat(c.getType()).isEqualTo("AbleToScale");
                        assertThat(c.getStatus()).isEqualTo("True");
                    });
            ModelDeployment scaled = client.resources(ModelDeployment.class).withName(NAME).get();
            assertThat(scaled.getSpec().replicas()).isEqualTo(2);
            assertThat(scaled.getMetadata().getManagedFields()).anySatisfy(f -> {
                assertThat(f.getManager()).startsWith("kube-controller-manager");
                assertThat(f.getSubresource()).isEqualTo("scale");
            });
        });

        assertThat(kubectl(cluster, ns, "wait", "--for=condition=Ready", "md/" + NAME, "--timeout=60s"))
                .contains("condition met");
        ModelDeployment ready = client.resources(ModelDeployment.class).withName(NAME).get();
        assertThat(ready.getStatus().readyReplicas()).isEqualTo(2);
        assertThat(ready.getStatus().phase()).isEqualTo(Conditions.PHASE_READY);
        assertThat(ready.getStatus().modelVersion()).isEqualTo("1.0.0");
        assertThat(ready.getStatus().observedGeneration()).isEqualTo(ready.getMetadata().getGeneration());
        assertThat(ready.getStatus().url()).isEqualTo("http://" + NAME + "." + ns.name() + ".svc:80");
        assertThat(client.pods().withLabel(Labels.MODEL_DEPLOYMENT, NAME).list().getItems())
                .hasSize(2).allSatisfy(pod -> assertThat(pod.getStatus().getPhase()).isEqualTo("Running"));
        assertThat(kubectl(cluster, ns, "get", "md", NAME)).contains(NAME).contains("1.0.0").contains("Ready");
    }

    @Test
    void theAutoscalersReplicaCountSurvivesANewModelVersion(KubernetesClient client) {
        var counts = new CopyOnWriteArrayList<Integer>();
        try (Watch watch = client.apps().deployments().withName(NAME).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Deployment deployment) {
                counts.add(deployment.getSpec().getReplicas());
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })) {
            apply(client, example("iris-autoscaling.yaml"));
            await().atMost(TIMEOUT).until(() -> ready(client, NAME));

            // The autoscaler scales the ModelDeployment up through its scale subresource; then a new model version
            // rolls out.
            client.resources(ModelDeployment.class).withName(NAME).scale(4);
            client.resources(ModelDeployment.class).withName(NAME).patch(PatchContext.of(PatchType.JSON_MERGE),
                    "{\"spec\":{\"model\":{\"version\":\"1.1.0\"}}}");

            await().atMost(TIMEOUT).until(() -> ModelDeploymentStates.servesVersion(
                    client.resources(ModelDeployment.class).withName(NAME).get(), "1.1.0")
                    && client.pods().withLabel(Labels.MODEL_DEPLOYMENT, NAME).list().getItems().size() == 4);
        }
        assertThat(client.apps().deployments().withName(NAME).get().getSpec().getReplicas()).isEqualTo(4);
        assertThat(counts).as("spec.replicas of every version of the Deployment: never the API server's default")
                .startsWith(2).endsWith(4).containsOnly(2, 4);
    }

    @Test
    void deletingTheModelDeploymentGarbageCollectsEveryChild(KubernetesClient client) {
        ModelDeployment md = apply(client, example("iris-autoscaling.yaml"));
        await().atMost(TIMEOUT).until(() -> ready(client, NAME));

        client.resource(md).delete();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(client.apps().deployments().withName(NAME).get()).isNull();
            assertThat(client.services().withName(NAME).get()).isNull();
            assertThat(client.autoscaling().v2().horizontalPodAutoscalers().withName(NAME).get()).isNull();
            assertThat(client.pods().withLabel(Labels.MODEL_DEPLOYMENT, NAME).list().getItems()).isEmpty();
        });
    }

    @Test
    void handEditsToChildrenAreReverted(KubernetesClient client) {
        apply(client, fixed("churn", 1));
        await().atMost(TIMEOUT).until(() -> ready(client, "churn"));
        String image = client.apps().deployments().withName("churn").get()
                .getSpec().getTemplate().getSpec().getContainers().get(0).getImage();

        client.apps().deployments().withName("churn").edit(d -> {
            d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("example.com/hacked:1");
            return d;
        });
        client.services().withName("churn").edit(s -> {
            s.getSpec().getSelector().put(Labels.MODEL_DEPLOYMENT, "someone-else");
            return s;
        });

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(client.apps().deployments().withName("churn").get()
                    .getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo(image);
            assertThat(client.services().withName("churn").get().getSpec().getSelector())
                    .containsEntry(Labels.MODEL_DEPLOYMENT, "churn");
        });
    }

    @Test
    void kubectlScaleChangesTheServingReplicas(KubernetesClient client, TestNamespace ns, TestCluster cluster)
            {
        apply(client, fixed("scaled", 1));
        await().atMost(TIMEOUT).until(() -> ready(client, "scaled"));

        assertThat(kubectl(cluster, ns, "scale", "md/scaled", "--replicas=3")).contains("scaled");

        await().atMost(TIMEOUT).untilAsserted(() -> {
            ModelDeployment md = client.resources(ModelDeployment.class).withName("scaled").get();
            assertThat(md.getStatus().replicas()).isEqualTo(3);
            assertThat(md.getStatus().readyReplicas()).isEqualTo(3);
            assertThat(condition(md, Conditions.READY).getStatus()).isEqualTo(Conditions.TRUE);
        });
        assertThat(client.apps().deployments().withName("scaled").get().getSpec().getReplicas()).isEqualTo(3);
    }

    @Test
    void aChildTheApiServerRefusesIsReportedInStatusAndAnEvent(KubernetesClient client, TestNamespace ns,
            TestCluster cluster) {
        client.resource(new ResourceQuotaBuilder().withNewMetadata().withName("no-deployments").endMetadata()
                .withNewSpec().addToHard("count/deployments.apps", new Quantity("0")).endSpec().build()).create();
        await().atMost(TIMEOUT).until(() -> {
            var quota = client.resourceQuotas().withName("no-deployments").get();
            return quota.getStatus() != null && quota.getStatus().getHard() != null;
        });

        apply(client, fixed("quota", 1));

        await().atMost(TIMEOUT).untilAsserted(() -> {
            ModelDeployment md = client.resources(ModelDeployment.class).withName("quota").get();
            assertThat(md.getStatus()).isNotNull();
            assertThat(md.getStatus().phase()).isEqualTo(Conditions.PHASE_STALLED);
            assertThat(md.getStatus().observedGeneration()).isEqualTo(md.getMetadata().getGeneration());
            Condition stalled = condition(md, Conditions.STALLED);
            assertThat(stalled.getStatus()).isEqualTo(Conditions.TRUE);
            assertThat(stalled.getReason()).isEqualTo(Conditions.APPLY_FAILED);
            assertThat(stalled.getMessage()).contains("exceeded quota: no-deployments");
            assertThat(condition(md, Conditions.READY).getReason()).isEqualTo(Conditions.APPLY_FAILED);
        });
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(events(client, "quota")).anySatisfy(e -> {
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getReason()).isEqualTo(Conditions.APPLY_FAILED);
            assertThat(e.getMessage()).contains("exceeded quota");
        }));

        // Once the quota allows it, the next reconcile (here: an edit) serves and clears the failure.
        client.resourceQuotas().withName("no-deployments").delete();
        await().atMost(TIMEOUT).until(() -> client.resourceQuotas().withName("no-deployments").get() == null);
        UserEdits.scale(client, "quota", 2);
        await().atMost(TIMEOUT).until(() -> ready(client, "quota"));
        assertThat(condition(client.resources(ModelDeployment.class).withName("quota").get(), Conditions.STALLED)
                .getStatus()).isEqualTo(Conditions.FALSE);
    }

    @Test
    void aSpecThatReadsASecretIsRefusedByDefaultAndTheRunningVersionStays(KubernetesClient client, TestNamespace ns,
            TestCluster cluster) {
        apply(client, fixed("secretive", 1));
        await().atMost(TIMEOUT).until(() -> ready(client, "secretive"));
        String servingTemplate = client.apps().deployments().withName("secretive").get().getSpec().getTemplate()
                .getMetadata().getLabels().get(Labels.REVISION);

        Kubectl.kubectl(cluster, ns.name(), "patch", "md", "secretive", "--type", "merge", "-p",
                "{\"spec\":{\"model\":{\"version\":\"2.0.0\"},\"runtime\":{\"env\":[{\"name\":\"TOKEN\","
                        + "\"valueFrom\":{\"secretKeyRef\":{\"name\":\"db\",\"key\":\"password\"}}}]}}}").ok();

        String message = "spec.runtime.env[0] (TOKEN) reads the Secret db; this operator does not let "
                + "ModelDeployments read Secrets (operator setting MODELDEPLOY_POLICY_SECRET_REFERENCES)";
        await().atMost(TIMEOUT).untilAsserted(() -> {
            ModelDeployment md = client.resources(ModelDeployment.class).withName("secretive").get();
            assertThat(md.getStatus().observedGeneration()).isEqualTo(md.getMetadata().getGeneration());
            Condition stalled = condition(md, Conditions.STALLED);
            assertThat(stalled.getReason()).isEqualTo(Conditions.POLICY_DENIED);
            assertThat(stalled.getMessage()).isEqualTo(message);
            assertThat(condition(md, Conditions.READY).getReason()).isEqualTo(Conditions.POLICY_DENIED);
        });
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(events(client, "secretive")).anySatisfy(e -> {
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getReason()).isEqualTo(Conditions.POLICY_DENIED);
            assertThat(e.getMessage()).isEqualTo(message);
        }));
        var deployment = client.apps().deployments().withName("secretive").get();
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels().get(Labels.REVISION))
                .as("version 1 keeps serving, untouched").isEqualTo(servingTemplate);
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .noneSatisfy(env -> assertThat(env.getName()).isEqualTo("TOKEN"));

        // Without the Secret, version 2 rolls out.
        Kubectl.kubectl(cluster, ns.name(), "patch", "md", "secretive", "--type", "json", "-p",
                "[{\"op\":\"remove\",\"path\":\"/spec/runtime/env\"}]").ok();
        await().atMost(TIMEOUT).until(() -> ready(client, "secretive") && "2.0.0".equals(
                client.resources(ModelDeployment.class).withName("secretive").get().getStatus().modelVersion()));
    }

    @Test
    void aModelDeploymentNamedLikeSomeoneElsesServiceLeavesItAloneAndSaysSo(KubernetesClient client) {
        // A team's own Service that happens to have the name the ModelDeployment's Service would take.
        client.resource(new io.fabric8.kubernetes.api.model.ServiceBuilder().withNewMetadata().withName("taken")
                .endMetadata().withNewSpec().addToSelector("app", "web").addNewPort().withPort(80)
                .withNewTargetPort(8000).endPort().endSpec().build()).create();

        apply(client, fixed("taken", 1));

        assertStalledLeavingTheOtherServiceAlone(client, "taken");
    }

    @Test
    void aServiceWithTheOperatorsLabelsButAnotherOwnerIsNotTheModelDeploymentsChild(KubernetesClient client) {
        // Copied from a ModelDeployment's Service elsewhere, labels and all: the operator's informer holds it, and
        // its name is the one the ModelDeployment's Service would take, but the ModelDeployment does not control it.
        client.resource(new io.fabric8.kubernetes.api.model.ServiceBuilder().withNewMetadata().withName("copied")
                .addToLabels(Labels.MANAGED_BY, Labels.MANAGER).endMetadata().withNewSpec()
                .addToSelector("app", "web").addNewPort().withPort(80).withNewTargetPort(8000).endPort().endSpec()
                .build()).create();

        apply(client, fixed("copied", 1));

        assertStalledLeavingTheOtherServiceAlone(client, "copied");
    }

    /** The ModelDeployment {@code name} says the Service of its name is someone else's, and that one is as it was. */
    private static void assertStalledLeavingTheOtherServiceAlone(KubernetesClient client, String name) {
        await().atMost(TIMEOUT).untilAsserted(() -> {
            ModelDeployment md = client.resources(ModelDeployment.class).withName(name).get();
            assertThat(md.getStatus()).isNotNull();
            Condition stalled = condition(md, Conditions.STALLED);
            assertThat(stalled.getReason()).isEqualTo(Conditions.APPLY_FAILED);
            assertThat(stalled.getMessage()).isEqualTo("a Service named " + name + " already exists in this "
                    + "namespace and is not this ModelDeployment's: rename the ModelDeployment, or delete that Service");
        });
        var service = client.services().withName(name).get();
        assertThat(service.getSpec().getSelector()).as("the other Service is untouched").isEqualTo(Map.of("app", "web"));
        assertThat(service.getMetadata().getOwnerReferences()).isEmpty();
    }

    @Test
    void reapplyingTheSameManifestChangesNothing(KubernetesClient client, TestNamespace ns, TestCluster cluster)
            {
        Path manifest = RepositoryRoot.find().resolve("examples/iris-autoscaling.yaml");
        kubectl(cluster, ns, "apply", "--server-side", "-f", manifest.toString());
        await().atMost(TIMEOUT).until(() -> ready(client, NAME));
        Map<String, String> before = resourceVersions(client);

        kubectl(cluster, ns, "apply", "--server-side", "-f", manifest.toString());

        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10))
                .until(() -> resourceVersions(client).equals(before));
    }

    @Test
    void podsFailingReadinessTurnReadyFalseAndStallAtTheProgressDeadline(KubernetesClient client) {
        apply(client, unready("sick", 5));

        await().atMost(TIMEOUT).untilAsserted(() -> {
            ModelDeployment md = client.resources(ModelDeployment.class).withName("sick").get();
            Condition ready = condition(md, Conditions.READY);
            assertThat(ready.getStatus()).isEqualTo(Conditions.FALSE);
            assertThat(ready.getReason()).isEqualTo(Conditions.PROGRESS_DEADLINE_EXCEEDED);
            assertThat(ready.getMessage()).contains("did not become ready within 5s")
                    .contains("fails its readiness probe");
            assertThat(condition(md, Conditions.STALLED).getStatus()).isEqualTo(Conditions.TRUE);
            assertThat(md.getStatus().phase()).isEqualTo(Conditions.PHASE_STALLED);
        });
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(events(client, "sick")).extracting(Event::getReason)
                .contains("RevisionCreated", Conditions.PROGRESS_DEADLINE_EXCEEDED));
    }

    @Test
    void aModelDeploymentScaledToZeroIsReadyAndPodsFailingReadinessAreNamedWhileTheDeadlineRuns(
            KubernetesClient client) {
        apply(client, fixed("zero", 0));
        apply(client, unready("unready", null));

        await().atMost(TIMEOUT).untilAsserted(() -> {
            ModelDeployment md = client.resources(ModelDeployment.class).withName("zero").get();
            Condition ready = condition(md, Conditions.READY);
            assertThat(ready.getStatus()).isEqualTo(Conditions.TRUE);
            assertThat(ready.getReason()).isEqualTo(Conditions.SCALED_TO_ZERO);
            assertThat(ready.getMessage()).isEqualTo("replicas is 0, so no pod serves model iris version 1.0.0");
            assertThat(condition(md, Conditions.RECONCILING).getStatus()).isEqualTo(Conditions.FALSE);
        });
        await().atMost(TIMEOUT).untilAsserted(() -> {
            ModelDeployment md = client.resources(ModelDeployment.class).withName("unready").get();
            Condition ready = condition(md, Conditions.READY);
            assertThat(ready.getStatus()).isEqualTo(Conditions.FALSE);
            assertThat(ready.getReason()).isEqualTo(Conditions.PODS_NOT_READY);
            assertThat(ready.getMessage()).matches("pod unready-\\S+ is running but fails its readiness probe");
            assertThat(condition(md, Conditions.RECONCILING).getStatus()).isEqualTo(Conditions.TRUE);
            assertThat(condition(md, Conditions.STALLED).getStatus()).isEqualTo(Conditions.FALSE);
        });
        // kubectl describe md shows each as an Event.
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(events(client, "zero")).extracting(Event::getReason).contains(Conditions.SCALED_TO_ZERO);
            assertThat(events(client, "unready")).extracting(Event::getReason).contains(Conditions.PODS_NOT_READY);
        });
    }

    @Test
    void operatorRecordsEventsAndExportsReconcileMetrics(KubernetesClient client, OperatorProcess operator)
            {
        apply(client, fixed("observed", 1));
        await().atMost(TIMEOUT).until(() -> ready(client, "observed"));

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(events(client, "observed"))
                .extracting(Event::getReason).contains("RevisionCreated", Conditions.AVAILABLE));
        assertThat(operator.metrics()).contains("modeldeploy_reconciliations_total")
                .contains("modeldeploy_reconciliation_seconds_bucket")
                .contains("modeldeploy_reconciliation_errors_total")
                .contains("modeldeploy_events_dropped_total 0.0");
    }

    // --- helpers ---

    private static ModelDeployment example(String file) {
        try (InputStream in = Files.newInputStream(RepositoryRoot.find().resolve("examples").resolve(file))) {
            return Serialization.unmarshal(in, ModelDeployment.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ModelDeployment fixed(String name, int replicas) {
        ModelDeployment md = example("iris.yaml");
        md.getMetadata().setName(name);
        var spec = md.getSpec();
        md.setSpec(new ModelDeploymentSpec(spec.model(), spec.runtime(), replicas, null,
                spec.probes(), null, null, null, null, null));
        return md;
    }

    /**
     * One replica whose pods fail their readiness probe ({@link UnreadyMarker}), with {@code deadline} as
     * spec.progressDeadlineSeconds (null: the default).
     */
    private static ModelDeployment unready(String name, Integer deadline) {
        ModelDeployment md = fixed(name, 1);
        var spec = md.getSpec();
        md.setSpec(new ModelDeploymentSpec(spec.model(), spec.runtime(), spec.replicas(), null, spec.probes(), null,
                null, Map.of(UnreadyMarker.ANNOTATION, "true"), deadline, null));
        return md;
    }

    private static ModelDeployment apply(KubernetesClient client, ModelDeployment md) {
        return client.resource(md).create();
    }

    private static boolean ready(KubernetesClient client, String name) {
        ModelDeployment md = client.resources(ModelDeployment.class).withName(name).get();
        return md != null && md.getStatus() != null && md.getStatus().conditions() != null
                && Conditions.TRUE.equals(condition(md, Conditions.READY).getStatus());
    }

    private static Condition condition(ModelDeployment md, String type) {
        if (md.getStatus() == null || md.getStatus().conditions() == null) {
            throw new AssertionError("no status yet on " + md.getMetadata().getName());
        }
        return md.getStatus().conditions().stream().filter(c -> type.equals(c.getType())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " condition on " + md.getMetadata().getName()));
    }

    private static List<Event> events(KubernetesClient client, String name) {
        return client.v1().events().withField("involvedObject.name", name).list().getItems();
    }

    private static Map<String, String> resourceVersions(KubernetesClient client) {
        return Map.of(
                "md", client.resources(ModelDeployment.class).withName(NAME).get().getMetadata().getResourceVersion(),
                "deployment", client.apps().deployments().withName(NAME).get().getMetadata().getResourceVersion(),
                "service", client.services().withName(NAME).get().getMetadata().getResourceVersion(),
                "hpa", client.autoscaling().v2().horizontalPodAutoscalers().withName(NAME).get().getMetadata()
                        .getResourceVersion());
    }

    private static String kubectl(TestCluster cluster, TestNamespace ns, String... args) {
        return Kubectl.kubectl(cluster, ns.name(), args).ok();
    }
}

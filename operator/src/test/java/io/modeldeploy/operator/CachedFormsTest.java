package io.modeldeploy.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.resources.Labels;
import io.modeldeploy.operator.resources.ServingDeployment;
import io.modeldeploy.operator.resources.ServingPodTemplate;
import io.modeldeploy.operator.status.PodDiagnosis;
import io.modeldeploy.operator.status.PodStates;
import io.modeldeploy.operator.status.ServiceEndpoints;

class CachedFormsTest {

    @Test
    void aCachedPodAnswersEveryQuestionTheOperatorAsksAsTheWholePodDoes() {
        for (Pod pod : List.of(crashLooping(), pullingAModelImage(), ready(), leaving())) {
            Pod cached = CachedForms.pod(copy(pod));

            assertThat(PodDiagnosis.of(List.of(cached))).isEqualTo(PodDiagnosis.of(List.of(pod)));
            assertThat(PodStates.ready(cached)).isEqualTo(PodStates.ready(pod));
            assertThat(PodStates.started(cached)).isEqualTo(PodStates.started(pod));
            assertThat(PodStates.crashed(cached)).isEqualTo(PodStates.crashed(pod));
            assertThat(PodStates.restarts(cached)).isEqualTo(PodStates.restarts(pod));
            assertThat(PodStates.runningSince(cached)).isEqualTo(PodStates.runningSince(pod));
            assertThat(cached.getMetadata().getLabels()).isEqualTo(pod.getMetadata().getLabels());
            assertThat(cached.getMetadata().getCreationTimestamp()).isEqualTo(pod.getMetadata().getCreationTimestamp());
            assertThat(cached.getMetadata().getDeletionTimestamp()).isEqualTo(pod.getMetadata().getDeletionTimestamp());
            assertThat(cached.getMetadata().getResourceVersion()).isEqualTo(pod.getMetadata().getResourceVersion());
            assertThat(cached.getStatus().getPodIP()).isEqualTo(pod.getStatus().getPodIP());
        }
    }

    @Test
    void aCachedPodHoldsNeitherItsContainersNorItsManagedFields() {
        Pod pod = ready();

        Pod cached = CachedForms.pod(copy(pod));

        assertThat(cached.getSpec().getContainers()).isNullOrEmpty();
        assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(cached.getMetadata().getAnnotations()).isNullOrEmpty();
        int whole = Serialization.asJson(pod).length();
        int kept = Serialization.asJson(cached).length();
        assertThat(kept).as("bytes of the cached form of a %d-byte pod", whole).isLessThan(whole / 3);
    }

    @Test
    void aCachedEndpointSliceListsTheSameReadyPods() {
        EndpointSlice slice = slice();

        EndpointSlice cached = CachedForms.endpointSlice(Serialization.clone(slice));

        assertThat(ServiceEndpoints.readyPods(List.of(cached), "iris")).containsExactly("iris-1")
                .isEqualTo(ServiceEndpoints.readyPods(List.of(slice), "iris"));
        assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    }

    @Test
    void anAppliedObjectKeepsOnlyTheOperatorsApplyEntry() {
        Deployment whole = parsed(stored("iris", 1));
        var ours = Serialization.clone(whole.getMetadata().getManagedFields().get(0));

        Deployment cached = CachedForms.applied(Serialization.clone(whole));

        assertThat(cached.getMetadata().getManagedFields()).singleElement().isEqualTo(ours);
        assertThat(cached.getSpec()).isEqualTo(whole.getSpec());
        assertThat(cached.getStatus()).isEqualTo(whole.getStatus());
    }

    @Test
    void aCachedModelDeploymentHoldsItsSpecStatusAndAnnotationsButNeitherManagedFieldsNorKubectlsCopy() {
        ModelDeployment md = ModelDeployments.iris();
        md.getMetadata().setAnnotations(new HashMap<>(Map.of(CachedForms.LAST_APPLIED,
                Serialization.asJson(md), "modeldeploy.io/rollout-action", "promote")));
        md.getMetadata().setManagedFields(List.of(new ManagedFieldsEntryBuilder().withManager("kubectl")
                .withOperation("Update").withNewFieldsV1().addToAdditionalProperties("f:spec", Map.of())
                .endFieldsV1().build()));
        ModelDeployment whole = Serialization.clone(md);

        ModelDeployment cached = CachedForms.modelDeployment(md);

        assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(cached.getMetadata().getAnnotations()).containsOnlyKeys("modeldeploy.io/rollout-action");
        assertThat(cached.getSpec()).isEqualTo(whole.getSpec());
        assertThat(cached.getStatus()).isEqualTo(whole.getStatus());
        assertThat(cached.getMetadata().getName()).isEqualTo(whole.getMetadata().getName());
    }

    @Test
    void aStoreGivesBackTheCachedFormOfEachKindAsItWasPut() {
        Deployment deployment = stored("iris", 1);
        Pod pod = ready();
        EndpointSlice slice = slice();
        ModelDeployment md = withStatus(ModelDeployments.iris());
        var deployments = new CachedForms.Applied<Deployment>();
        var pods = CachedForms.pods();
        var slices = CachedForms.endpointSlices();
        var mds = new CachedForms.ModelDeployments();

        deployments.put(deployments.getKey(deployment), Serialization.clone(deployment));
        pods.put(pods.getKey(pod), copy(pod));
        slices.put(slices.getKey(slice), Serialization.clone(slice));
        mds.put(mds.getKey(md), Serialization.clone(md));

        assertThat(deployments.get("ml/iris")).isEqualTo(parsed(CachedForms.applied(Serialization.clone(deployment))));
        assertThat(pods.get("ml/iris-1")).isEqualTo(parsed(CachedForms.pod(copy(pod))));
        assertThat(slices.get("ml/iris-x7k2p")).isEqualTo(parsed(CachedForms.endpointSlice(Serialization.clone(slice))));
        assertThat(mds.get(mds.getKey(md))).isEqualTo(parsed(CachedForms.modelDeployment(Serialization.clone(md))));
        assertThat(mds.get(mds.getKey(md)).getStatus().conditions()).isNotEmpty()
                .isEqualTo(md.getStatus().conditions());
    }

    @Test
    void eachReadIsTheCallersOwnCopy() {
        var deployments = new CachedForms.Applied<Deployment>();
        deployments.put("ml/iris", stored("iris", 1));

        Deployment read = deployments.get("ml/iris");
        read.getSpec().setReplicas(7);
        read.getMetadata().getLabels().put("written", "by a caller");

        assertThat(deployments.get("ml/iris")).isNotSameAs(read).isEqualTo(parsed(CachedForms.applied(stored("iris", 1))));
    }

    @Test
    void aStoreHoldsEachObjectOfTheKindItHoldsInAFractionOfItsJson() {
        var deployments = new CachedForms.Applied<Deployment>();
        List<String> names = List.of("iris", "wine", "penguins", "digits", "housing", "churn", "fraud", "ranking");
        names.forEach(name -> deployments.put("ml/" + name, stored(name, 1 + name.length() % 3)));
        long json = names.stream().mapToLong(name -> Serialization.asJson(deployments.get("ml/" + name)).length())
                .sum();

        assertThat(deployments.packedBytes()).as("bytes held for %d bytes of JSON", json).isLessThan(json / 10);
        names.forEach(name -> assertThat(deployments.get("ml/" + name))
                .isEqualTo(parsed(CachedForms.applied(stored(name, 1 + name.length() % 3)))));
    }

    @Test
    void aStoreAnswersAsAnInformersItemStore() {
        String json = Serialization.asJson(stored("iris", 1));
        Deployment first = Serialization.unmarshal(json, Deployment.class);
        var deployments = new CachedForms.Applied<Deployment>();
        var other = new CachedForms.Applied<Deployment>();

        String firstKey = deployments.getKey(first);
        assertThat(deployments.put(firstKey, first)).isNull();
        Deployment scaled = stored("iris", 3);

        scaled.getMetadata().setResourceVersion("4712");
        assertThat(deployments.put(firstKey, scaled)).as("the identity of the object it replaces")
                .isEqualTo(identity(stored("iris", 1)));
        assertThat(firstKey).isEqualTo("ml/iris").isSameAs(other.getKey(Serialization.unmarshal(json,
                Deployment.class)));
        assertThat(deployments.get("ml/iris").getSpec().getReplicas()).isEqualTo(3);
        assertThat(deployments.get("ml/iris").getMetadata().getResourceVersion()).isEqualTo("4712");
        assertThat(deployments.get("ml/nope")).isNull();
        assertThat(deployments.size()).isEqualTo(1);
        assertThat(deployments.keySet()).containsExactly("ml/iris");
        assertThat(deployments.values()).containsExactly(identity(deployments.get("ml/iris")));
        assertThat(deployments.isFullState()).isFalse();
        Deployment last = deployments.get("ml/iris");
        assertThat(deployments.remove("ml/iris")).isEqualTo(identity(last));
        assertThat(deployments.remove("ml/iris")).isNull();
        assertThat(deployments.values()).isEmpty();
    }

    @Test
    void aChildsStoreListsAndHandsOnOnlyIdentitiesAndStillGivesWholeObjects() {
        var deployments = new CachedForms.Applied<Deployment>();
        Deployment handed = stored("iris", 1);
        handed.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder().withKind("ModelDeployment")
                .withName("iris").withUid("uid-iris").withController(true).build()));
        Deployment whole = parsed(CachedForms.applied(Serialization.clone(handed)));

        deployments.put(deployments.getKey(handed), handed);

        assertThat(handed.getSpec()).as("what the informer hands on").isNull();
        assertThat(handed.getStatus()).isNull();
        assertThat(handed.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(handed.getMetadata().getLabels()).isEqualTo(whole.getMetadata().getLabels());
        assertThat(handed.getMetadata().getOwnerReferences()).isEqualTo(whole.getMetadata().getOwnerReferences());
        assertThat(handed.getMetadata().getResourceVersion()).isEqualTo("4711");
        assertThat(deployments.get("ml/iris")).as("what the cache gives").isEqualTo(whole);
        assertThat(deployments.values()).singleElement().satisfies(listed -> {
            assertThat(listed.getSpec()).isNull();
            assertThat(listed.getStatus()).isNull();
            assertThat(listed.getKind()).isEqualTo("Deployment");
            assertThat(listed.getMetadata()).isEqualTo(identity(whole).getMetadata());
            assertThat(Serialization.asJson(listed).length()).as("bytes of a listed identity")
                    .isLessThan(Serialization.asJson(whole).length() / 5);
        });
    }

    @Test
    void eachKindACacheHoldsIsHandedOnAsItsMetadataOnly() {
        Service service = new ServiceBuilder().withNewMetadata().withName("iris").withNamespace("ml").endMetadata()
                .withNewSpec().addNewPort().withPort(80).endPort().endSpec().withNewStatus().endStatus().build();
        HorizontalPodAutoscaler autoscaler = new HorizontalPodAutoscalerBuilder().withNewMetadata().withName("iris")
                .withNamespace("ml").endMetadata().withNewSpec().withMaxReplicas(4).endSpec().withNewStatus()
                .withCurrentReplicas(1).endStatus().build();
        HTTPRoute route = new HTTPRouteBuilder().withNewMetadata().withName("iris").withNamespace("ml").endMetadata()
                .withNewSpec().withHostnames("iris.example").endSpec().withNewStatus().endStatus().build();
        GRPCRoute grpc = new GRPCRouteBuilder().withNewMetadata().withName("iris-grpc").withNamespace("ml")
                .endMetadata().withNewSpec().withHostnames("iris.example").endSpec().withNewStatus().endStatus()
                .build();
        List<HasMetadata> objects = List.of(stored("iris", 1), service, autoscaler, route, grpc, ready(), slice());
        for (HasMetadata object : objects) {
            var kept = Serialization.clone(object);
            var store = object instanceof Pod ? CachedForms.pods() : object instanceof EndpointSlice
                    ? CachedForms.endpointSlices() : new CachedForms.Applied<>();
            @SuppressWarnings({"unchecked", "rawtypes"})
            var any = (io.fabric8.kubernetes.client.informers.cache.ItemStore) store;
            any.put(any.getKey(kept), kept);

            @SuppressWarnings("unchecked")
            Map<String, Object> handed = Serialization.unmarshal(Serialization.asJson(kept), Map.class);
            assertThat(handed).as(object.getKind()).containsOnlyKeys("apiVersion", "kind", "metadata");
            assertThat(kept.getMetadata().getName()).isEqualTo(object.getMetadata().getName());
        }
    }

    @Test
    void aModelDeploymentsStoreHandsOnWholeObjectsForTheSpecFilter() {
        var mds = new CachedForms.ModelDeployments();
        ModelDeployment first = withStatus(ModelDeployments.iris());
        ModelDeployment handed = Serialization.clone(first);
        mds.put(mds.getKey(first), Serialization.clone(first));

        ModelDeployment replaced = mds.put(mds.getKey(handed), handed);

        assertThat(handed.getSpec()).isEqualTo(first.getSpec());
        assertThat(replaced).isEqualTo(parsed(CachedForms.modelDeployment(Serialization.clone(first))));
    }

    @Test
    void readersOnManyThreadsEachGetTheWholeObject() throws Exception {
        var deployments = new CachedForms.Applied<Deployment>();
        List<String> names = List.of("iris", "wine", "penguins", "digits");
        names.forEach(name -> deployments.put("ml/" + name, stored(name, 1)));
        var pool = Executors.newFixedThreadPool(8);
        try {
            var reads = new ArrayList<Future<Boolean>>();
            for (int i = 0; i < 400; i++) {
                String name = names.get(i % names.size());
                reads.add(pool.submit(() -> deployments.get("ml/" + name)
                        .equals(parsed(CachedForms.applied(stored(name, 1))))));
            }
            for (Future<Boolean> read : reads) {
                assertThat(read.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A Deployment as the API server sends it after the operator applied it: the operator's apply entry naming
     * the fields of its desired form, the controller manager's status entry and the status.
     */
    private static Deployment stored(String name, int replicas) {
        Deployment desired = ServingDeployment.desired(ModelDeployments.iris(), ModelDeployments.IMAGE, replicas);
        var applied = new LinkedHashMap<String, Object>();
        applied.put("f:metadata", Map.of("f:labels", Map.of("f:app.kubernetes.io/name", Map.of()),
                "f:ownerReferences", Map.of("k:{\"uid\":\"uid-" + name + "\"}", Map.of())));
        applied.put("f:spec", replicas == 1 ? Map.of("f:template", Map.of("f:spec", Map.of()))
                : Map.of("f:replicas", Map.of(), "f:template", Map.of("f:spec", Map.of())));
        return new DeploymentBuilder(desired).editMetadata().withName(name).withNamespace("ml")
                .withResourceVersion("4711")
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager(ModelDeploymentReconciler.FIELD_MANAGER)
                        .withOperation("Apply").withApiVersion("apps/v1").withFieldsType("FieldsV1")
                        .withNewFieldsV1().withAdditionalProperties(applied).endFieldsV1().build(),
                        new ManagedFieldsEntryBuilder().withManager("kube-controller-manager").withOperation("Update")
                                .withSubresource("status").withNewFieldsV1().addToAdditionalProperties("f:status",
                                        Map.of("f:replicas", Map.of())).endFieldsV1().build(),
                        new ManagedFieldsEntryBuilder().withManager(ModelDeploymentReconciler.FIELD_MANAGER)
                                .withOperation("Update").withNewFieldsV1().endFieldsV1().build())
                .endMetadata().withNewStatus().withReplicas(replicas).withReadyReplicas(replicas).endStatus().build();
    }

    /** A serving pod as the API server sends it: the operator's own template, its managed fields, a status. */
    private static PodBuilder servingPod(String name) {
        var template = ServingPodTemplate.desired(ModelDeployments.iris(), Labels.TRACK_STABLE,
                ModelDeployments.IMAGE);
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("ml").withUid("uid-" + name)
                .withResourceVersion("4711").withCreationTimestamp("2026-12-03T21:00:00Z")
                .withLabels(template.getMetadata().getLabels()).withAnnotations(template.getMetadata().getAnnotations())
                .addNewOwnerReference().withKind("ReplicaSet").withName("iris-5d8f").withUid("rs").endOwnerReference()
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kube-controller-manager")
                        .withOperation("Update").withApiVersion("v1").withFieldsType("FieldsV1")
                        .withNewFieldsV1().addToAdditionalProperties("f:spec", Serialization.unmarshal(
                                Serialization.asJson(template.getSpec()), Map.class)).endFieldsV1()
                        .build(),
                        new ManagedFieldsEntryBuilder().withManager("kubelet").withOperation("Update")
                                .withSubresource("status").build())
                .endMetadata().withSpec(template.getSpec()).editSpec().withNodeName("node-000003").endSpec();
    }

    private static Pod ready() {
        return servingPod("iris-1").withNewStatus().withPhase("Running").withPodIP("10.0.0.7")
                .addNewCondition().withType("Ready").withStatus("True").endCondition()
                .addNewContainerStatus().withName("model-server").withImage(ModelDeployments.IMAGE).withReady(true)
                .withStarted(true).withRestartCount(0).withNewState().withNewRunning()
                .withStartedAt("2026-12-03T21:00:03Z").endRunning().endState().endContainerStatus().endStatus().build();
    }

    private static Pod leaving() {
        return new PodBuilder(ready()).editMetadata().withDeletionTimestamp("2026-12-03T21:05:00Z").endMetadata()
                .build();
    }

    private static Pod crashLooping() {
        return servingPod("iris-2").withNewStatus().withPhase("Running").withPodIP("10.0.0.8")
                .addNewCondition().withType("Ready").withStatus("False").endCondition()
                .addNewContainerStatus().withName("model-server").withRestartCount(4)
                .withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState()
                .withNewLastState().withNewTerminated().withExitCode(1).withReason("Error")
                .withMessage("model file /models/iris/model.onnx not found").endTerminated().endLastState()
                .endContainerStatus().endStatus().build();
    }

    /** An oci:// model whose image cannot be pulled: the diagnosis names it from the pod's image volume. */
    private static Pod pullingAModelImage() {
        String model = "localhost:5000/nope/iris@sha256:" + "ab".repeat(32);
        return servingPod("iris-3").editSpec().addNewVolume().withName("model-image").withNewImage()
                .withReference(model).endImage().endVolume().endSpec()
                .withNewStatus().withPhase("Pending").addNewContainerStatus().withName("model-server")
                .withImage(ModelDeployments.IMAGE).withNewState().withNewWaiting().withReason("ImagePullBackOff")
                .withMessage("Back-off pulling image \"" + model + "\": not found").endWaiting().endState()
                .endContainerStatus().endStatus().build();
    }

    private static EndpointSlice slice() {
        return new EndpointSliceBuilder().withNewMetadata().withName("iris-x7k2p").withNamespace("ml")
                .addToLabels(ServiceEndpoints.SERVICE_NAME_LABEL, "iris").addToAnnotations("endpoints.kubernetes.io/"
                        + "last-change-trigger-time", "2026-12-03T21:00:00Z")
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("endpointslice-controller")
                        .withOperation("Update").build())
                .endMetadata().withAddressType("IPv4")
                .addNewEndpoint().withAddresses("10.0.0.7").withNewConditions().withReady(true).endConditions()
                .withNewTargetRef().withKind("Pod").withName("iris-1").endTargetRef().endEndpoint()
                .addNewEndpoint().withAddresses("10.0.0.8").withNewConditions().withReady(false).endConditions()
                .withNewTargetRef().withKind("Pod").withName("iris-2").endTargetRef().endEndpoint()
                .addNewPort().withName("http").withPort(8080).endPort().build();
    }

    /** A ModelDeployment as the operator has written its status: a phase and a condition. */
    @SuppressWarnings("unchecked")
    private static ModelDeployment withStatus(ModelDeployment md) {
        Map<String, Object> tree = Serialization.unmarshal(Serialization.asJson(md), Map.class);
        tree.put("status", Map.of("phase", "Ready", "conditions", List.of(Map.of("type", "Ready", "status", "True",
                "reason", "Reconciled", "message", "1 of 1 serving pods ready",
                "lastTransitionTime", "2026-12-04T04:00:00Z"))));
        ModelDeployment parsed = Serialization.unmarshal(Serialization.asJson(tree), ModelDeployment.class);
        parsed.getMetadata().setNamespace("ml");
        return parsed;
    }

    /**
     * An object as it reads after a trip through JSON, as the API server's objects come: an empty list or map
     * that a builder left null reads as empty.
     */
    private static <T> T parsed(T object) {
        return Serialization.clone(object);
    }

    /** An object's identity as a child's store lists it: its kind and its metadata without managed fields. */
    private static Deployment identity(Deployment deployment) {
        var identity = new Deployment();
        identity.setMetadata(parsed(deployment.getMetadata()));
        identity.getMetadata().setManagedFields(null);
        return identity;
    }

    private static Pod copy(Pod pod) {
        return Serialization.clone(pod);
    }
}

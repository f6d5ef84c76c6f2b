package io.modeldeploy.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
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
        EndpointSlice slice = new EndpointSliceBuilder().withNewMetadata().withName("iris-x7k2p").withNamespace("ml")
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

        EndpointSlice cached = CachedForms.endpointSlice(Serialization.clone(slice));

        assertThat(ServiceEndpoints.readyPods(List.of(cached), "iris")).containsExactly("iris-1")
                .isEqualTo(ServiceEndpoints.readyPods(List.of(slice), "iris"));
        assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    }

    @Test
    void anAppliedObjectKeepsOnlyTheOperatorsApplyEntryWhoseBranchesObjectsOfOneShapeShare() {
        Deployment first = stored("iris", 1);
        Deployment second = stored("wine", 1);
        Deployment other = stored("big", 3);
        var ours = Serialization.clone(first.getMetadata().getManagedFields().get(0));

        Map<String, Object> firstFields = fieldSet(CachedForms.applied(first));
        Map<String, Object> secondFields = fieldSet(CachedForms.applied(second));
        Map<String, Object> otherFields = fieldSet(CachedForms.applied(other));

        assertThat(first.getMetadata().getManagedFields()).singleElement().isEqualTo(ours);
        assertThat(firstFields).as("the owner reference's uid differs").isNotEqualTo(secondFields);
        assertThat(firstFields.get("f:spec")).isSameAs(secondFields.get("f:spec"))
                .isNotSameAs(otherFields.get("f:spec"));
        assertThat(firstFields.get("f:spec")).isNotEqualTo(otherFields.get("f:spec"));
        assertThat(((Map<?, ?>) firstFields.get("f:metadata")).get("f:labels"))
                .isSameAs(((Map<?, ?>) otherFields.get("f:metadata")).get("f:labels"));
        assertThat(first.getSpec()).isEqualTo(stored("iris", 1).getSpec());
        assertThat(first.getStatus()).isEqualTo(stored("iris", 1).getStatus());
    }

    @Test
    void cachedObjectsShareOneEmptyListAndMapAndSerializeAsBefore() {
        Deployment whole = stored("iris", 1);
        Pod pod = ready();
        String wholeSpec = Serialization.asJson(whole.getSpec());

        Deployment cached = CachedForms.applied(Serialization.clone(whole));
        Pod cachedPod = CachedForms.pod(copy(pod));

        var container = cached.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getAdditionalProperties()).isEmpty();
        assertThat(container.getAdditionalProperties()).isSameAs(cached.getMetadata().getAdditionalProperties())
                .isSameAs(container.getReadinessProbe().getHttpGet().getAdditionalProperties())
                .isSameAs(cachedPod.getStatus().getConditions().get(0).getAdditionalProperties())
                .isNotSameAs(whole.getMetadata().getAdditionalProperties());
        assertThat(container.getArgs()).isEmpty();
        assertThat(container.getArgs()).isSameAs(cached.getMetadata().getFinalizers())
                .isSameAs(cachedPod.getSpec().getTolerations())
                .isNotSameAs(whole.getMetadata().getFinalizers());
        assertThat(cached.getSpec().getTemplate().getSpec().getNodeSelector()).isEmpty();
        assertThat(cached.getSpec().getTemplate().getSpec().getNodeSelector())
                .isSameAs(container.getAdditionalProperties());
        assertThat(Serialization.asJson(cached.getSpec())).isEqualTo(wholeSpec);
        assertThat(Serialization.asJson(cachedPod.getStatus())).isEqualTo(Serialization.asJson(pod.getStatus()));
    }

    @Test
    void cachedObjectsParsedApartHoldOneInstanceOfEachStringValue() {
        String json = Serialization.asJson(stored("iris", 1));
        Deployment first = Serialization.unmarshal(json, Deployment.class);
        Deployment second = Serialization.unmarshal(json, Deployment.class);
        assertThat(first.getMetadata().getNamespace()).as("each parse has its own copies")
                .isNotSameAs(second.getMetadata().getNamespace());

        CachedForms.applied(first);
        CachedForms.applied(second);

        var one = first.getSpec().getTemplate().getSpec();
        var other = second.getSpec().getTemplate().getSpec();
        assertThat(first.getMetadata().getNamespace()).isSameAs(second.getMetadata().getNamespace());
        assertThat(one.getContainers().get(0).getImage()).isSameAs(other.getContainers().get(0).getImage());
        assertThat(one.getContainers().get(0).getEnv().get(0).getName())
                .isSameAs(other.getContainers().get(0).getEnv().get(0).getName());
        assertThat(one.getContainers().get(0).getReadinessProbe().getHttpGet().getPath())
                .isSameAs(other.getContainers().get(0).getReadinessProbe().getHttpGet().getPath());
        assertThat(one.getContainers().get(0).getReadinessProbe().getHttpGet().getPort().getStrVal())
                .isSameAs(other.getContainers().get(0).getReadinessProbe().getHttpGet().getPort().getStrVal());
        assertThat(one.getVolumes().get(0).getEmptyDir().getSizeLimit().getAmount())
                .isSameAs(other.getVolumes().get(0).getEmptyDir().getSizeLimit().getAmount());
        assertThat(one.getContainers().get(0).getSecurityContext().getCapabilities().getDrop().get(0))
                .isSameAs(other.getContainers().get(0).getSecurityContext().getCapabilities().getDrop().get(0));
        String labelKey = first.getMetadata().getLabels().keySet().iterator().next();
        assertThat(second.getMetadata().getLabels().keySet().iterator().next()).isSameAs(labelKey);
        assertThat(first.getMetadata().getLabels().get(labelKey)).isSameAs(second.getMetadata().getLabels().get(labelKey));
        assertThat(first.getMetadata().getLabels().keySet()).as("in their order")
                .containsExactlyElementsOf(stored("iris", 1).getMetadata().getLabels().keySet());
        assertThat(Serialization.asJson(first)).isEqualTo(Serialization.asJson(CachedForms.applied(stored("iris", 1))));
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
    void aStoreKeepsTheCachedFormWithItsIdentityInSharedStrings() {
        String json = Serialization.asJson(stored("iris", 1));
        Deployment first = Serialization.unmarshal(json, Deployment.class);
        Deployment second = Serialization.unmarshal(json.replace("\"name\":\"iris\"", "\"name\":\"wine\""),
                Deployment.class);
        var deployments = new CachedForms.Applied<Deployment>();
        var other = new CachedForms.Applied<Deployment>();

        String firstKey = deployments.getKey(first);
        deployments.put(firstKey, first);
        other.put(other.getKey(second), second);

        Deployment cached = deployments.get("ml/iris");
        assertThat(firstKey).isEqualTo("ml/iris").isSameAs(other.getKey(Serialization.unmarshal(json,
                Deployment.class)));
        assertThat(cached.getMetadata().getName()).isEqualTo("iris");
        assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("4711");
        assertThat(cached.getMetadata().getNamespace()).isEqualTo("ml")
                .isSameAs(other.get("ml/wine").getMetadata().getNamespace());
        assertThat(cached.getMetadata().getManagedFields()).singleElement();
        assertThat(deployments.size()).isEqualTo(1);
        assertThat(deployments.keySet()).containsExactly("ml/iris");
        assertThat(deployments.isFullState()).isFalse();
        assertThat(deployments.remove("ml/iris")).isSameAs(cached);
        assertThat(deployments.values()).isEmpty();
    }

    @Test
    void cachedModelDeploymentsParsedApartShareTheStringsOfTheirStatusConditions() {
        @SuppressWarnings("unchecked")
        Map<String, Object> tree = Serialization.unmarshal(Serialization.asJson(ModelDeployments.iris()), Map.class);
        tree.put("status", Map.of("phase", "Ready", "conditions", List.of(Map.of("type", "Ready", "status", "True",
                "reason", "Reconciled", "message", "1 of 1 serving pods ready",
                "lastTransitionTime", "2026-12-04T04:00:00Z"))));
        String json = Serialization.asJson(tree);
        ModelDeployment first = CachedForms.modelDeployment(Serialization.unmarshal(json, ModelDeployment.class));
        ModelDeployment second = CachedForms.modelDeployment(Serialization.unmarshal(json, ModelDeployment.class));

        var one = first.getStatus().conditions().get(0);
        var other = second.getStatus().conditions().get(0);
        assertThat(one.getReason()).isEqualTo("Reconciled").isSameAs(other.getReason());
        assertThat(one.getMessage()).isSameAs(other.getMessage());
        assertThat(one.getLastTransitionTime()).isSameAs(other.getLastTransitionTime());
        assertThat(first.getMetadata().getNamespace()).isSameAs(second.getMetadata().getNamespace());
        assertThat(Serialization.asJson(first)).isEqualTo(Serialization.asJson(
                CachedForms.modelDeployment(Serialization.unmarshal(json, ModelDeployment.class))));
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

    private static Map<String, Object> fieldSet(Deployment cached) {
        return cached.getMetadata().getManagedFields().get(0).getFieldsV1().getAdditionalProperties();
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

    private static Pod copy(Pod pod) {
        return Serialization.clone(pod);
    }
}

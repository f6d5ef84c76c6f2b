package io.modeldeploy.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

class PodDiagnosisTest {

    @Test
    void anImagePullFailureNamesTheImage() {
        Pod pod = pod("iris-a").editStatus().addNewContainerStatus().withName("model-server")
                .withImage("registry.example/runtime:nope").withNewState().withNewWaiting().withReason("ImagePullBackOff")
                .withMessage("Back-off pulling image").endWaiting().endState().endContainerStatus().endStatus().build();

        assertThat(PodDiagnosis.of(List.of(pod))).get().satisfies(p -> {
            assertThat(p.reason()).isEqualTo(Conditions.IMAGE_PULL_FAILED);
            assertThat(p.message()).isEqualTo(
                    "pod iris-a cannot pull image registry.example/runtime:nope: Back-off pulling image");
        });
    }

    @Test
    void anOciModelImageThatCannotBePulledIsNamedAsTheModelNotTheRuntime() {
        // What the kubelet (1.36, containerd 2.1) reported on the test bed's real node for a digest the registry
        // does not have: the runtime container waits, with the model image's reference in the message.
        String model = "localhost:5000/nope/iris@sha256:" + "ab".repeat(32);
        String message = "Back-off pulling image \"" + model + "\": ErrImagePull: rpc error: code = NotFound desc = "
                + "failed to pull and unpack image \"" + model + "\": failed to resolve image: " + model + ": not found";
        Pod pod = pod("iris-m").editOrNewSpec().addNewVolume().withName("model-image").withNewImage()
                .withReference(model).endImage().endVolume().endSpec()
                .editStatus().addNewContainerStatus().withName("model-server")
                .withImage("localhost:5000/serving-runtime:0.1.0").withNewState().withNewWaiting()
                .withReason("ImagePullBackOff").withMessage(message).endWaiting().endState().endContainerStatus()
                .endStatus().build();

        assertThat(PodDiagnosis.of(List.of(pod))).get().satisfies(p -> {
            assertThat(p.reason()).isEqualTo(Conditions.IMAGE_PULL_FAILED);
            assertThat(p.message()).isEqualTo("pod iris-m cannot pull the model image " + model
                    + " (spec.model.uri): " + message);
        });
    }

    @Test
    void aRuntimeThatExitsOverItsModelIsAModelLoadFailureWithTheRuntimesOwnMessage() {
        Pod pod = crashing("iris-b", "model file /models/iris/model.onnx not found\n");

        assertThat(PodDiagnosis.of(List.of(pod))).get().satisfies(p -> {
            assertThat(p.reason()).isEqualTo(Conditions.MODEL_LOAD_FAILED);
            assertThat(p.message()).isEqualTo(
                    "pod iris-b could not load the model: model file /models/iris/model.onnx not found");
        });
    }

    @Test
    void anyOtherCrashIsACrashLoopWithTheExitCode() {
        Pod pod = crashing("iris-c", "OutOfMemoryError");

        assertThat(PodDiagnosis.of(List.of(pod))).get().satisfies(p -> {
            assertThat(p.reason()).isEqualTo(Conditions.CRASH_LOOP);
            assertThat(p.message()).contains("keeps crashing after 4 restarts").contains("exit code 1");
        });
    }

    @Test
    void aRuntimeThatRefusesItsSettingsNamesTheSettingNotTheModel() {
        // Its usage text mentions the model; exit code 2 says the settings were refused, whatever the text.
        Pod pod = crashing("iris-s", 2, null, "  --model <location>     the model\n"
                + "error: invalid runtime setting: max-queue must be a whole number, not 'lots'\n");

        assertThat(PodDiagnosis.of(List.of(pod))).get().satisfies(p -> {
            assertThat(p.reason()).isEqualTo(Conditions.INVALID_RUNTIME_SETTINGS);
            assertThat(p.message()).isEqualTo("pod iris-s refused its settings: invalid runtime setting: "
                    + "max-queue must be a whole number, not 'lots' (spec.runtime, spec.runtime.env)");
        });
    }

    @Test
    void aContainerKilledForItsMemoryLimitSaysSo() {
        Pod pod = crashing("iris-m", 137, "OOMKilled", null);

        assertThat(PodDiagnosis.of(List.of(pod))).get().satisfies(p -> {
            assertThat(p.reason()).isEqualTo(Conditions.CRASH_LOOP);
            assertThat(p.message()).isEqualTo("container model-server of pod iris-m keeps crashing after 4 restarts "
                    + "(last exit code 137, OOMKilled: it needs more memory than its limit, "
                    + "spec.runtime.resources.limits.memory)");
        });
    }

    @Test
    void anUnschedulablePodCarriesTheSchedulersMessage() {
        Pod pod = pod("iris-d").editStatus().withPhase("Pending").addNewCondition().withType("PodScheduled")
                .withStatus("False").withReason("Unschedulable").withMessage("0/3 nodes are available: 3 Insufficient cpu.")
                .endCondition().endStatus().build();

        assertThat(PodDiagnosis.of(List.of(pod))).get().satisfies(p -> {
            assertThat(p.reason()).isEqualTo(Conditions.UNSCHEDULABLE);
            assertThat(p.message()).endsWith("0/3 nodes are available: 3 Insufficient cpu.");
        });
    }

    @Test
    void theMostTellingProblemAmongThePodsWins() {
        Pod unready = StatusAssessorTest.unreadyPod("iris-e");
        Pod crashing = crashing("iris-f", "model checksum mismatch");

        assertThat(PodDiagnosis.of(List.of(unready, crashing))).get()
                .extracting(PodDiagnosis.Problem::reason).isEqualTo(Conditions.MODEL_LOAD_FAILED);
    }

    @Test
    void healthyAndTerminatingPodsHaveNoProblem() {
        Pod ready = pod("iris-g").editStatus().withPhase("Running").addNewCondition().withType("Ready")
                .withStatus("True").endCondition().endStatus().build();
        Pod leaving = new PodBuilder(StatusAssessorTest.unreadyPod("iris-h")).editMetadata()
                .withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata().build();

        assertThat(PodDiagnosis.of(List.of(ready, leaving))).isEmpty();
    }

    private static PodBuilder pod(String name) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewStatus().endStatus();
    }

    private static Pod crashing(String name, String terminationMessage) {
        return crashing(name, 1, "Error", terminationMessage);
    }

    private static Pod crashing(String name, int exitCode, String reason, String terminationMessage) {
        return pod(name).editStatus().withPhase("Running").addNewContainerStatus().withName("model-server")
                .withRestartCount(4)
                .withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState()
                .withNewLastState().withNewTerminated().withExitCode(exitCode).withReason(reason)
                .withMessage(terminationMessage).endTerminated().endLastState()
                .endContainerStatus().endStatus().build();
    }
}

package io.modeldeploy.operator.status;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;

/**
 * Why serving pods are not ready, read from their status, as a reason and a message a person can act on. The
 * most severe problem among the pods wins: a model that fails to load says more than a pod still starting.
 */
public final class PodDiagnosis {
    private static final Set<String> IMAGE_PULL = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName",
            "ErrImageNeverPull");

    /** The runtime's exit code for settings it refuses (a malformed value in spec.runtime.env, say). */
    static final int RUNTIME_SETTINGS_EXIT = 2;
    private static final String OOM_KILLED = "OOMKilled";

    /** A problem of one pod. Lower severity numbers are worse. */
    public record Problem(String reason, String message, int severity) {
    }

    private PodDiagnosis() {
    }

    public static Optional<Problem> of(Collection<Pod> pods) {
        return pods.stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .map(PodDiagnosis::problem)
                .flatMap(Optional::stream)
                .min(Comparator.comparingInt(Problem::severity).thenComparing(Problem::message));
    }

    /** The image an oci:// model's pod mounts as a volume, if it mounts one. */
    private static Optional<String> modelImage(Pod pod) {
        return pod.getSpec() == null || pod.getSpec().getVolumes() == null ? Optional.empty()
                : pod.getSpec().getVolumes().stream().filter(v -> v.getImage() != null)
                        .map(v -> v.getImage().getReference()).filter(java.util.Objects::nonNull).findFirst();
    }

    static Optional<Problem> problem(Pod pod) {
        String name = pod.getMetadata().getName();
        var status = pod.getStatus();
        if (status == null) {
            return Optional.empty();
        }
        Optional<PodCondition> unschedulable = conditions(pod).stream()
                .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())
                        && "Unschedulable".equals(c.getReason()))
                .findFirst();
        if (unschedulable.isPresent()) {
            return Optional.of(new Problem(Conditions.UNSCHEDULABLE,
                    "pod " + name + " cannot be scheduled: " + unschedulable.get().getMessage(), 3));
        }
        for (ContainerStatus c : containers(pod)) {
            var waiting = c.getState() == null ? null : c.getState().getWaiting();
            var lastTerminated = c.getLastState() == null ? null : c.getLastState().getTerminated();
            if (waiting != null && IMAGE_PULL.contains(waiting.getReason())) {
                // The kubelet reports an image volume it cannot pull on the container that mounts it.
                String what = modelImage(pod).filter(image -> orEmpty(waiting.getMessage()).contains(image))
                        .map(image -> "the model image " + image + " (spec.model.uri)")
                        .orElse("image " + c.getImage());
                return Optional.of(new Problem(Conditions.IMAGE_PULL_FAILED, "pod " + name + " cannot pull " + what
                        + ": " + orEmpty(waiting.getMessage()), 1));
            }
            int lastExit = lastTerminated == null || lastTerminated.getExitCode() == null ? 0
                    : lastTerminated.getExitCode();
            if (lastExit == RUNTIME_SETTINGS_EXIT && lastTerminated.getMessage() != null) {
                return Optional.of(new Problem(Conditions.INVALID_RUNTIME_SETTINGS, "pod " + name + " refused its "
                        + "settings: " + lastLine(lastTerminated.getMessage()) + " (spec.runtime, spec.runtime.env)",
                        0));
            }
            if (lastExit != 0 && lastTerminated.getMessage() != null && lastTerminated.getMessage().contains("model")) {
                return Optional.of(new Problem(Conditions.MODEL_LOAD_FAILED, "pod " + name
                        + " could not load the model: " + lastTerminated.getMessage().strip(), 0));
            }
            if (waiting != null && "CrashLoopBackOff".equals(waiting.getReason())) {
                String exit = lastTerminated == null ? "" : " (last exit code " + lastTerminated.getExitCode()
                        + (OOM_KILLED.equals(lastTerminated.getReason()) ? ", " + OOM_KILLED
                                + ": it needs more memory than its limit, spec.runtime.resources.limits.memory" : "")
                        + (lastTerminated.getMessage() == null ? "" : ": " + lastTerminated.getMessage().strip()) + ")";
                return Optional.of(new Problem(Conditions.CRASH_LOOP, "container " + c.getName() + " of pod " + name
                        + " keeps crashing after " + c.getRestartCount() + " restarts" + exit, 2));
            }
        }
        boolean running = "Running".equals(status.getPhase());
        if (running && !PodStates.ready(pod)) {
            return Optional.of(new Problem(Conditions.PODS_NOT_READY,
                    "pod " + name + " is running but fails its readiness probe", 4));
        }
        return Optional.empty();
    }

    private static List<PodCondition> conditions(Pod pod) {
        return pod.getStatus().getConditions() == null ? List.of() : pod.getStatus().getConditions();
    }

    private static List<ContainerStatus> containers(Pod pod) {
        return pod.getStatus().getContainerStatuses() == null ? List.of() : pod.getStatus().getContainerStatuses();
    }

    /**
     * The runtime's own message: the termination log's, or the last line of the log's tail that the kubelet takes
     * when the termination log is empty ("error: ..." after the usage text).
     */
    private static String lastLine(String message) {
        String[] lines = message.strip().split("\n");
        String last = lines[lines.length - 1].strip();
        return last.startsWith("error: ") ? last.substring("error: ".length()) : last;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}

package io.modeldeploy.operator.status;

import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;

/** What the operator reads off one observed pod: Ready, started, restarts. One place for the rollout and status. */
public final class PodStates {
    private PodStates() {
    }

    /** The pod's Ready condition is True. */
    public static boolean ready(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> Conditions.READY.equals(c.getType()) && Conditions.TRUE.equals(c.getStatus()));
    }

    /**
     * Every container of the pod reports started: its startup probe passed (for the runtime: the model is loaded and
     * warmed up), so from now on its readiness is a verdict on the model rather than on how fast it starts.
     */
    public static boolean started(Pod pod) {
        List<ContainerStatus> containers = containers(pod);
        return !containers.isEmpty() && containers.stream().allMatch(c -> Boolean.TRUE.equals(c.getStarted()));
    }

    /** A container of the pod exited with an error, now or before its last restart: it failed, whatever its start. */
    public static boolean crashed(Pod pod) {
        return containers(pod).stream().anyMatch(c -> failed(c.getState() == null ? null : c.getState().getTerminated())
                || failed(c.getLastState() == null ? null : c.getLastState().getTerminated()));
    }

    private static boolean failed(io.fabric8.kubernetes.api.model.ContainerStateTerminated terminated) {
        return terminated != null && terminated.getExitCode() != null && terminated.getExitCode() != 0;
    }

    /** When the last of the pod's running containers started (RFC 3339), if one runs. */
    public static Optional<String> runningSince(Pod pod) {
        return containers(pod).stream()
                .map(c -> c.getState() == null || c.getState().getRunning() == null ? null
                        : c.getState().getRunning().getStartedAt())
                .filter(java.util.Objects::nonNull)
                .max(java.util.Comparator.comparing(java.time.Instant::parse));
    }

    /** Restarts of all the pod's containers. */
    public static int restarts(Pod pod) {
        return containers(pod).stream().mapToInt(c -> Optional.ofNullable(c.getRestartCount()).orElse(0)).sum();
    }

    private static List<ContainerStatus> containers(Pod pod) {
        return pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null ? List.of()
                : pod.getStatus().getContainerStatuses();
    }
}

package io.modeldeploy.kubectl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.ModelDeploymentStatus;
import io.modeldeploy.api.v1alpha1.RolloutEvent;
import io.modeldeploy.api.v1alpha1.RolloutStatus;
import io.modeldeploy.api.v1alpha1.WellKnown;

/**
 * A ModelDeployment as a terminal reads it: the ModelDeployment with what its Ready condition says, then each track
 * (stable, canary) with its revision, model version, traffic weight and ready pods, then its pods, then where the
 * rollout stands and its last events. Pure: the same objects give the same text.
 */
final class StatusTree {
    static final int HISTORY = 3;

    private StatusTree() {
    }

    /** Colours for a terminal; {@link #NONE} for pipes and files. */
    interface Style {
        String good(String text);

        String busy(String text);

        String bad(String text);

        String faint(String text);

        Style NONE = new Style() {
            public String good(String text) {
                return text;
            }

            public String busy(String text) {
                return text;
            }

            public String bad(String text) {
                return text;
            }

            public String faint(String text) {
                return text;
            }
        };

        Style ANSI = new Style() {
            public String good(String text) {
                return "\u001b[32m" + text + "\u001b[0m";
            }

            public String busy(String text) {
                return "\u001b[33m" + text + "\u001b[0m";
            }

            public String bad(String text) {
                return "\u001b[31m" + text + "\u001b[0m";
            }

            public String faint(String text) {
                return "\u001b[2m" + text + "\u001b[0m";
            }
        };
    }

    static String render(ModelDeployment md, List<Deployment> deployments, List<Pod> pods, Style style) {
        var out = new StringBuilder();
        ModelDeploymentStatus status = md.getStatus();
        String phase = status == null || status.phase() == null ? "Pending" : status.phase();
        out.append("modeldeployment/").append(md.getMetadata().getName()).append("  ").append(phase(phase, style))
                .append("  model ").append(md.getSpec().model().name()).append(' ')
                .append(md.getSpec().model().version());
        if (status != null && status.modelVersion() != null
                && !status.modelVersion().equals(md.getSpec().model().version())) {
            out.append(" (serving ").append(status.modelVersion()).append(')');
        }
        out.append('\n');
        ready(status).ifPresent(c -> out.append("  ").append(c.getReason()).append(": ").append(c.getMessage())
                .append('\n'));

        RolloutStatus rollout = status == null ? null : status.rollout();
        List<Deployment> tracks = deployments.stream()
                .sorted(Comparator.comparing(d -> WellKnown.TRACK_CANARY.equals(track(d))))
                .toList();
        for (int i = 0; i < tracks.size(); i++) {
            Deployment deployment = tracks.get(i);
            boolean last = i == tracks.size() - 1;
            String track = Optional.ofNullable(track(deployment)).orElse(WellKnown.TRACK_STABLE);
            List<Pod> trackPods = pods.stream()
                    .filter(p -> track.equals(Optional.ofNullable(track(p.getMetadata().getLabels()))
                            .orElse(WellKnown.TRACK_STABLE)))
                    .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                    .toList();
            out.append(last ? "└── " : "├── ").append(track).append("  deployment/")
                    .append(deployment.getMetadata().getName()).append("  ")
                    .append(ready(deployment)).append(" ready");
            versionOf(trackPods).ifPresent(v -> out.append("  version ").append(v));
            revisionOf(deployment).ifPresent(r -> out.append("  revision ").append(r));
            weight(rollout, track).ifPresent(w -> out.append("  weight ").append(w).append('%'));
            if (WellKnown.TRACK_CANARY.equals(track) && atShadowStep(md, rollout)) {
                out.append("  shadow: gets a copy of the stable pods' requests");
            }
            out.append('\n');
            for (int j = 0; j < trackPods.size(); j++) {
                Pod pod = trackPods.get(j);
                out.append(last ? "    " : "│   ").append(j == trackPods.size() - 1 ? "└── " : "├── ")
                        .append("pod/").append(pod.getMetadata().getName()).append("  ").append(podState(pod, style))
                        .append('\n');
            }
        }
        if (rollout != null && rollout.phase() != null) {
            out.append("rollout: ").append(phase(rollout.phase(), style));
            if (rollout.step() != null && md.getSpec().rollout() != null) {
                out.append(", step ").append(rollout.step()).append(" of ")
                        .append(md.getSpec().rollout().steps().size());
            }
            if (rollout.message() != null) {
                out.append(": ").append(rollout.message());
            }
            out.append('\n');
            if (rollout.lastActionIgnored() != null) {
                out.append("  action '").append(rollout.lastAction()).append("' ignored: ")
                        .append(rollout.lastActionIgnored()).append('\n');
            }
            if (rollout.endedCanaryKept() != null) {
                out.append("  canary pods kept: ").append(rollout.endedCanaryKept()).append('\n');
            }
        }
        List<RolloutEvent> history = status == null || status.history() == null ? List.of() : status.history();
        if (!history.isEmpty()) {
            out.append("last events:\n");
            for (RolloutEvent event : history.subList(Math.max(0, history.size() - HISTORY), history.size())) {
                out.append("  ").append(style.faint(event.time())).append("  ").append(event.reason()).append("  ")
                        .append(event.message()).append('\n');
            }
        }
        return out.toString();
    }

    /** One line per ModelDeployment, for a namespace: name, phase, version, ready pods, canary weight. */
    static String table(List<ModelDeployment> mds, Style style) {
        var rows = new ArrayList<List<String>>();
        rows.add(List.of("NAME", "PHASE", "VERSION", "READY", "CANARY"));
        for (ModelDeployment md : mds) {
            ModelDeploymentStatus s = md.getStatus();
            RolloutStatus r = s == null ? null : s.rollout();
            rows.add(List.of(md.getMetadata().getName(), s == null || s.phase() == null ? "Pending" : s.phase(),
                    md.getSpec().model().version(),
                    (s == null || s.readyReplicas() == null ? 0 : s.readyReplicas()) + "/"
                            + (s == null || s.replicas() == null ? 0 : s.replicas()),
                    r == null || r.canaryRevision() == null ? "-"
                            : r.effectiveCanaryWeight() + "% (" + r.phase() + ")"));
        }
        int[] widths = new int[rows.get(0).size()];
        rows.forEach(row -> {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        });
        var out = new StringBuilder();
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                String padded = i == row.size() - 1 ? cell : cell + " ".repeat(widths[i] - cell.length() + 3);
                out.append(i == 1 && row != rows.get(0) ? padded.replace(cell, phase(cell, style)) : padded);
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** The rollout's history, oldest first. */
    static String history(ModelDeployment md) {
        List<RolloutEvent> history = md.getStatus() == null || md.getStatus().history() == null ? List.of()
                : md.getStatus().history();
        if (history.isEmpty()) {
            return "no rollout events yet\n";
        }
        var out = new StringBuilder();
        for (RolloutEvent event : history) {
            out.append(event.time()).append("  ").append(event.reason()).append("  ").append(event.message())
                    .append('\n');
        }
        return out.toString();
    }

    private static String phase(String phase, Style style) {
        return switch (phase) {
            case "Ready", "Stable" -> style.good(phase);
            case "Stalled", "RolledBack", "Failed" -> style.bad(phase);
            default -> style.busy(phase);
        };
    }

    private static Optional<Condition> ready(ModelDeploymentStatus status) {
        return status == null || status.conditions() == null ? Optional.empty()
                : status.conditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst();
    }

    /** The track a Deployment serves, from its pods' template (which the operator labels). */
    private static String track(Deployment deployment) {
        return deployment.getSpec().getTemplate().getMetadata() == null ? null
                : track(deployment.getSpec().getTemplate().getMetadata().getLabels());
    }

    private static String track(Map<String, String> labels) {
        return labels == null ? null : labels.get(WellKnown.TRACK_LABEL);
    }

    private static String ready(Deployment deployment) {
        int ready = deployment.getStatus() == null || deployment.getStatus().getReadyReplicas() == null ? 0
                : deployment.getStatus().getReadyReplicas();
        int wanted = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
        return ready + "/" + wanted;
    }

    private static Optional<String> versionOf(List<Pod> pods) {
        return pods.stream().map(p -> p.getMetadata().getLabels().get(WellKnown.VERSION_LABEL))
                .filter(v -> v != null).distinct().reduce((a, b) -> a + "," + b);
    }

    private static Optional<String> revisionOf(Deployment deployment) {
        return Optional.ofNullable(deployment.getSpec().getTemplate().getMetadata())
                .map(m -> m.getLabels() == null ? null : m.getLabels().get(WellKnown.REVISION_LABEL));
    }

    /** Whether the running canary is at a shadow step of the spec's rollout. */
    private static boolean atShadowStep(ModelDeployment md, RolloutStatus rollout) {
        if (rollout == null || rollout.canaryRevision() == null || rollout.step() == null
                || md.getSpec().rollout() == null || md.getSpec().rollout().steps() == null
                || !("Progressing".equals(rollout.phase()) || "Paused".equals(rollout.phase()))) {
            return false;
        }
        var steps = md.getSpec().rollout().steps();
        return rollout.step() >= 1 && rollout.step() <= steps.size() && steps.get(rollout.step() - 1).shadowStep();
    }

    /** The share of the traffic a track gets while a canary runs; nothing without a canary. */
    private static Optional<Integer> weight(RolloutStatus rollout, String track) {
        if (rollout == null || rollout.canaryRevision() == null || rollout.effectiveCanaryWeight() == null) {
            return Optional.empty();
        }
        int canary = rollout.effectiveCanaryWeight();
        return Optional.of(WellKnown.TRACK_CANARY.equals(track) ? canary : 100 - canary);
    }

    private static String podState(Pod pod, Style style) {
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            return style.faint("Terminating");
        }
        List<ContainerStatus> containers = pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
                ? List.of() : pod.getStatus().getContainerStatuses();
        for (ContainerStatus c : containers) {
            if (c.getState() != null && c.getState().getWaiting() != null) {
                String reason = c.getState().getWaiting().getReason();
                return style.bad(reason == null ? "Waiting" : reason) + restarts(containers);
            }
        }
        boolean ready = pod.getStatus() != null && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        String phase = pod.getStatus() == null || pod.getStatus().getPhase() == null ? "Pending"
                : pod.getStatus().getPhase();
        return (ready ? style.good(phase + ", ready") : style.busy(phase + ", not ready")) + restarts(containers);
    }

    private static String restarts(List<ContainerStatus> containers) {
        int restarts = containers.stream().mapToInt(c -> c.getRestartCount() == null ? 0 : c.getRestartCount()).sum();
        return restarts == 0 ? "" : ", " + restarts + " restarts";
    }
}

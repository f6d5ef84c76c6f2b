package io.modeldeploy.operator.rollout;

import java.util.Optional;

import io.modeldeploy.api.v1alpha1.ModelDeploymentStatus;
import io.modeldeploy.api.v1alpha1.RolloutStatus;
import io.modeldeploy.api.v1alpha1.TemplateStatus;

/**
 * Tells a new revision that the spec asks for from one that only the operator's own defaults make (the default
 * runtime image, the pod template it builds: both change when the operator is upgraded), and holds the latter until
 * a person opts in, so that an operator upgrade does not roll out every ModelDeployment at once. Pure.
 * <ul>
 * <li>The spec's template inputs (everything but replicas, autoscaling and rollout) changed since the serving
 * revision was chosen: the new revision rolls out, with the operator's current defaults.</li>
 * <li>They did not change but the revision did: held. The running revision keeps serving and the held one is
 * named in status, until the {@value #ANNOTATION} annotation takes a new value (then it rolls out like any other,
 * as a canary with the Canary strategy) or the template inputs change. Scaling does not take it.</li>
 * </ul>
 */
public final class OperatorUpgrade {
    /** Any new value rolls out a revision held after an operator upgrade. */
    public static final String ANNOTATION = "serving.modeldeploy.io/upgrade";

    private OperatorUpgrade() {
    }

    /**
     * @param revision the revision to serve: the spec's, or the one chosen before while a new one is held
     * @param template what to persist in status
     */
    public record Decision(String revision, TemplateStatus template) {
        public boolean held() {
            return template.heldRevision() != null;
        }
    }

    /**
     * @param inputs the hash of the spec's template inputs now
     * @param specRevision the revision of the spec with the operator's current defaults
     * @param before the persisted template status, or what stands for it ({@link #migrated})
     * @param annotation the {@value #ANNOTATION} annotation's value, if set
     */
    public static Decision decide(String inputs, String specRevision, Optional<TemplateStatus> before,
            Optional<String> annotation) {
        String lastUpgrade = before.map(TemplateStatus::lastUpgrade).orElse(null);
        boolean optIn = annotation.isPresent() && !annotation.get().equals(lastUpgrade);
        String acted = optIn ? annotation.get() : lastUpgrade;
        if (before.isPresent() && inputs.equals(before.get().inputs()) && before.get().revision() != null
                && !before.get().revision().equals(specRevision) && !optIn) {
            TemplateStatus b = before.get();
            return new Decision(b.revision(), new TemplateStatus(b.inputs(), b.revision(), specRevision, acted));
        }
        return new Decision(specRevision, new TemplateStatus(inputs, specRevision, null, acted));
    }

    /**
     * The persisted template status, or for a ModelDeployment last reconciled by an operator that kept none, what
     * stands for it: when that operator had seen the current generation, the current inputs and the revision it
     * chose then (a running or rolled-back canary's, else the stable Deployment's).
     */
    public static Optional<TemplateStatus> previous(ModelDeploymentStatus status, long generation, String inputs,
            Optional<String> stableRevision) {
        if (status == null) {
            return Optional.empty();
        }
        if (status.template() != null) {
            return Optional.of(status.template());
        }
        if (status.observedGeneration() == null || status.observedGeneration() != generation) {
            return Optional.empty();
        }
        RolloutStatus rollout = status.rollout();
        String phase = rollout == null ? null : rollout.phase();
        Optional<String> chosen;
        if ("Progressing".equals(phase) || "Paused".equals(phase) || "Promoting".equals(phase)) {
            chosen = Optional.ofNullable(rollout.canaryRevision());
        } else if ("RolledBack".equals(phase)) {
            chosen = Optional.ofNullable(rollout.failedRevision());
        } else {
            chosen = stableRevision;
        }
        return chosen.map(revision -> new TemplateStatus(inputs, revision, null, null));
    }
}

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
 * <li>The spec changed since the serving revision was chosen (a new generation): the new revision rolls out, with
 * the operator's current defaults.</li>
 * <li>The spec did not change but its revision did: held. The running revision keeps serving and the held one is
 * named in status, until the {@value #ANNOTATION} annotation takes a new value (then it rolls out like any other,
 * as a canary with the Canary strategy) or the spec changes.</li>
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
     * @param generation the ModelDeployment's metadata.generation
     * @param specRevision the revision of the spec with the operator's current defaults
     * @param before the persisted template status, if any
     * @param migrated what stands for it when a ModelDeployment was last reconciled by an operator that did not
     *            persist one: the observed generation and the revision chosen then
     * @param annotation the {@value #ANNOTATION} annotation's value, if set
     */
    public static Decision decide(long generation, String specRevision, Optional<TemplateStatus> before,
            Optional<TemplateStatus> migrated, Optional<String> annotation) {
        Optional<TemplateStatus> previous = before.or(() -> migrated);
        String lastUpgrade = previous.map(TemplateStatus::lastUpgrade).orElse(null);
        boolean optIn = annotation.isPresent() && !annotation.get().equals(lastUpgrade);
        String acted = optIn ? annotation.get() : lastUpgrade;
        if (previous.isPresent() && previous.get().generation() != null && previous.get().revision() != null
                && previous.get().generation() == generation && !previous.get().revision().equals(specRevision)
                && !optIn) {
            TemplateStatus p = previous.get();
            return new Decision(p.revision(), new TemplateStatus(p.generation(), p.revision(), specRevision, acted));
        }
        return new Decision(specRevision, new TemplateStatus(generation, specRevision, null, acted));
    }

    /**
     * What stands for the template status of a ModelDeployment last reconciled by an operator that kept none: the
     * generation it observed and the revision it chose then (a running or rolled-back canary's, else the stable
     * Deployment's).
     */
    public static Optional<TemplateStatus> migrated(ModelDeploymentStatus status, Optional<String> stableRevision) {
        if (status == null || status.observedGeneration() == null || status.template() != null) {
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
        return chosen.map(revision -> new TemplateStatus(status.observedGeneration(), revision, null, null));
    }
}

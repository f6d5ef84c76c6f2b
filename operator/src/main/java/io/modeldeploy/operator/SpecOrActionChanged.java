package io.modeldeploy.operator;

import java.util.Map;
import java.util.Objects;

import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.rollout.OperatorUpgrade;
import io.modeldeploy.operator.rollout.RolloutCoordinator;

/**
 * Which updates of a ModelDeployment start a reconcile: a new generation (the spec changed), a changed
 * rollout-action or upgrade annotation (metadata only, so a generation filter would drop it and a promote would wait
 * for the next periodic reconcile), or a deletion. Status writes, the operator's own included, do not.
 */
public class SpecOrActionChanged implements OnUpdateFilter<ModelDeployment> {
    @Override
    public boolean accept(ModelDeployment newResource, ModelDeployment oldResource) {
        Long before = oldResource.getMetadata().getGeneration();
        Long after = newResource.getMetadata().getGeneration();
        return before == null || after == null || after > before
                || !Objects.equals(annotation(newResource, RolloutCoordinator.ACTION_ANNOTATION),
                        annotation(oldResource, RolloutCoordinator.ACTION_ANNOTATION))
                || !Objects.equals(annotation(newResource, OperatorUpgrade.ANNOTATION),
                        annotation(oldResource, OperatorUpgrade.ANNOTATION))
                || newResource.isMarkedForDeletion() && !oldResource.isMarkedForDeletion();
    }

    private static String annotation(ModelDeployment md, String key) {
        Map<String, String> annotations = md.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }
}

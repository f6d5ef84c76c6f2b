package io.modeldeploy.operator;

import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.status.Conditions;

/** What cluster tests wait for on a ModelDeployment read from the API server. */
public final class ModelDeploymentStates {
    private ModelDeploymentStates() {
    }

    /** Ready=True. */
    public static boolean ready(ModelDeployment md) {
        return md != null && md.getStatus() != null && md.getStatus().conditions() != null
                && md.getStatus().conditions().stream().anyMatch(
                        c -> Conditions.READY.equals(c.getType()) && Conditions.TRUE.equals(c.getStatus()));
    }

    /** Ready=True for the current generation, serving the model version. */
    public static boolean servesVersion(ModelDeployment md, String version) {
        return ready(md) && version.equals(md.getStatus().modelVersion())
                && md.getStatus().observedGeneration().equals(md.getMetadata().getGeneration());
    }
}

package io.modeldeploy.api.v1alpha1;

/** What the operator observed when it last reconciled the ModelDeployment. */
public class ModelDeploymentStatus {
    /** The metadata.generation this status describes. */
    private Long observedGeneration;

    /** Coarse lifecycle phase for kubectl get. */
    private String phase;

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public String getPhase() {
        return phase;
    }

    public void setPhase(String phase) {
        this.phase = phase;
    }
}

package io.modeldeploy.api.v1alpha1;

import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** What to serve and how many replicas serve it. */
public class ModelDeploymentSpec {
    /** The model to serve. */
    @Required
    private ModelSpec model;

    /** Number of serving pods when autoscaling is off. */
    @Min(0)
    private Integer replicas;

    public ModelSpec getModel() {
        return model;
    }

    public void setModel(ModelSpec model) {
        this.model = model;
    }

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }
}

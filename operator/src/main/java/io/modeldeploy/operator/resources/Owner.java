package io.modeldeploy.operator.resources;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.modeldeploy.api.v1alpha1.ModelDeployment;

/**
 * The controller reference every object made for a ModelDeployment carries: the garbage collector deletes it with
 * the ModelDeployment, and kubectl and Argo CD show it under its owner.
 */
public final class Owner {
    private Owner() {
    }

    public static OwnerReference of(ModelDeployment md) {
        return new OwnerReferenceBuilder()
                .withApiVersion(ModelDeployment.GROUP + "/" + ModelDeployment.VERSION)
                .withKind("ModelDeployment")
                .withName(md.getMetadata().getName())
                .withUid(md.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }
}

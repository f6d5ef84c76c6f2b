package io.modeldeploy.operator.resources;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.modeldeploy.api.v1alpha1.ModelDeployment;

/**
 * What ties an object to the ModelDeployment it was made for: a controller reference (the garbage collector
 * deletes it with the ModelDeployment; kubectl and Argo CD show it under its owner) and the common labels.
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

    /** Whether {@code md} is {@code object}'s controller. */
    public static boolean controls(ModelDeployment md, HasMetadata object) {
        return object.getMetadata().getOwnerReferences().stream().anyMatch(
                ref -> Boolean.TRUE.equals(ref.getController()) && md.getMetadata().getUid().equals(ref.getUid()));
    }

    /** Metadata of a child object named {@code name} in the ModelDeployment's namespace. */
    public static ObjectMeta childMetadata(ModelDeployment md, String name) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(md.getMetadata().getNamespace())
                .withLabels(Labels.common(md))
                .withOwnerReferences(of(md))
                .build();
    }
}

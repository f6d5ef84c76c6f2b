package io.modeldeploy.operator.resources;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.modeldeploy.api.v1alpha1.ModelDeployment;

/** The ClusterIP Service in front of all of a ModelDeployment's serving pods. */
public final class ServingService {
    private ServingService() {
    }

    public static String name(ModelDeployment md) {
        return md.getMetadata().getName();
    }

    /** The in-cluster URL clients call. */
    public static String url(ModelDeployment md) {
        return "http://" + name(md) + "." + md.getMetadata().getNamespace() + ".svc:" + RuntimeContract.SERVICE_PORT;
    }

    public static Service desired(ModelDeployment md) {
        return new ServiceBuilder()
                .withMetadata(Owner.childMetadata(md, name(md)))
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(Labels.servingPods(md))
                .addNewPort()
                .withName(RuntimeContract.PORT_NAME)
                .withPort(RuntimeContract.SERVICE_PORT)
                .withTargetPort(new IntOrString(RuntimeContract.PORT_NAME))
                .withProtocol("TCP")
                .endPort()
                .endSpec()
                .build();
    }
}

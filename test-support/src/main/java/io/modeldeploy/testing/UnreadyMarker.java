package io.modeldeploy.testing;

import java.util.HashMap;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ProbeBuilder;

/**
 * Makes pods fail their readiness checks, as a model server whose health probe fails would. On the kwok testbed
 * the annotation {@value #ANNOTATION}={@code true} selects the pod-unready Stage (hack/testbed-stages.yaml); on a
 * cluster with real kubelets the readiness probe against a closed port does the same.
 */
public final class UnreadyMarker {
    /** The pod annotation the testbed's pod-unready Stage selects. Only tests set it. */
    public static final String ANNOTATION = "testbed.modeldeploy.io/unready";

    private UnreadyMarker() {
    }

    /** Marks every pod made from this template unready; returns the same template. */
    public static PodTemplateSpec apply(PodTemplateSpec template) {
        var annotations = new HashMap<String, String>();
        if (template.getMetadata().getAnnotations() != null) {
            annotations.putAll(template.getMetadata().getAnnotations());
        }
        annotations.put(ANNOTATION, "true");
        template.getMetadata().setAnnotations(annotations);
        template.getSpec().getContainers().forEach(c -> c.setReadinessProbe(new ProbeBuilder()
                .withNewTcpSocket().withNewPort(1).endTcpSocket()
                .withPeriodSeconds(1)
                .build()));
        return template;
    }
}

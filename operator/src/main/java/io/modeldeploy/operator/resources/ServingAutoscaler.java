package io.modeldeploy.operator.resources;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpecBuilder;
import io.modeldeploy.api.v1alpha1.AutoscalingSpec;
import io.modeldeploy.api.v1alpha1.ModelDeployment;

/**
 * The autoscaling/v2 HorizontalPodAutoscaler of a ModelDeployment, when spec.autoscaling is set. It scales the
 * ModelDeployment through its scale subresource, not a Deployment: it measures every serving pod (status.selector,
 * both tracks during a canary) and sets spec.replicas, which the operator splits between the stable and canary
 * tracks. So autoscaling works with either traffic provider while a canary runs, and no track's count is
 * fought over by two writers.
 */
public final class ServingAutoscaler {
    private ServingAutoscaler() {
    }

    public static String name(ModelDeployment md) {
        return md.getMetadata().getName();
    }

    /** The names of a ModelDeployment's objects of this kind: one. */
    public static List<String> names(ModelDeployment md) {
        return List.of(name(md));
    }

    public static HorizontalPodAutoscaler desired(ModelDeployment md) {
        AutoscalingSpec autoscaling = md.getSpec().autoscaling();
        return new HorizontalPodAutoscalerBuilder()
                .withMetadata(Owner.childMetadata(md, name(md)))
                .withNewSpec()
                .withNewScaleTargetRef().withApiVersion(HasMetadata.getApiVersion(ModelDeployment.class))
                .withKind(HasMetadata.getKind(ModelDeployment.class)).withName(md.getMetadata().getName())
                .endScaleTargetRef()
                .withMinReplicas(autoscaling.minReplicas())
                .withMaxReplicas(autoscaling.maxReplicas())
                .withMetrics(metrics(autoscaling))
                .endSpec()
                .build();
    }

    /** Whether the autoscaler scales the stable Deployment, as those made by earlier operator versions did. */
    public static boolean scalesDeployment(HorizontalPodAutoscaler autoscaler) {
        return autoscaler.getSpec() != null && autoscaler.getSpec().getScaleTargetRef() != null
                && "Deployment".equals(autoscaler.getSpec().getScaleTargetRef().getKind());
    }

    private static List<MetricSpec> metrics(AutoscalingSpec autoscaling) {
        var metrics = new ArrayList<MetricSpec>();
        metrics.add(new MetricSpecBuilder().withType("Resource")
                .withNewResource().withName("cpu")
                .withNewTarget().withType("Utilization")
                .withAverageUtilization(autoscaling.targetCPUUtilizationPercentage()).endTarget()
                .endResource().build());
        if (autoscaling.metric() != null) {
            metrics.add(new MetricSpecBuilder().withType("Pods")
                    .withNewPods()
                    .withNewMetric().withName(autoscaling.metric().name()).endMetric()
                    .withNewTarget().withType("AverageValue")
                    .withAverageValue(autoscaling.metric().targetAverageValue()).endTarget()
                    .endPods().build());
        }
        return metrics;
    }
}

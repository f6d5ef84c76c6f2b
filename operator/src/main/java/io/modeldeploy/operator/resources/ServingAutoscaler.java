package io.modeldeploy.operator.resources;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpecBuilder;
import io.modeldeploy.api.v1alpha1.AutoscalingSpec;
import io.modeldeploy.api.v1alpha1.ModelDeployment;

/** The autoscaling/v2 HorizontalPodAutoscaler of the serving Deployment, when spec.autoscaling is set. */
public final class ServingAutoscaler {
    private ServingAutoscaler() {
    }

    public static String name(ModelDeployment md) {
        return md.getMetadata().getName();
    }

    public static HorizontalPodAutoscaler desired(ModelDeployment md) {
        AutoscalingSpec autoscaling = md.getSpec().autoscaling();
        return new HorizontalPodAutoscalerBuilder()
                .withMetadata(Owner.childMetadata(md, name(md)))
                .withNewSpec()
                .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment")
                .withName(ServingDeployment.name(md)).endScaleTargetRef()
                .withMinReplicas(autoscaling.minReplicas())
                .withMaxReplicas(autoscaling.maxReplicas())
                .withMetrics(metrics(autoscaling))
                .endSpec()
                .build();
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

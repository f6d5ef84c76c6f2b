package io.modeldeploy.operator;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.modeldeploy.api.v1alpha1.AnalysisSpec;
import io.modeldeploy.api.v1alpha1.AutoscalingSpec;
import io.modeldeploy.api.v1alpha1.BatchingSpec;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.ModelDeploymentSpec;
import io.modeldeploy.api.v1alpha1.ModelFormat;
import io.modeldeploy.api.v1alpha1.ModelSpec;
import io.modeldeploy.api.v1alpha1.ProbeSpec;
import io.modeldeploy.api.v1alpha1.ProbesSpec;
import io.modeldeploy.api.v1alpha1.RolloutSpec;
import io.modeldeploy.api.v1alpha1.RuntimeSpec;
import io.modeldeploy.api.v1alpha1.TrafficSpec;

/** ModelDeployments as the API server hands them to the operator: with the schema's defaults filled in. */
public final class ModelDeployments {
    public static final String IMAGE = "registry.example/modeldeploy/serving-runtime:test";
    /** The traffic split the API server fills in when a manifest names none. */
    public static final TrafficSpec REPLICA_RATIO = new TrafficSpec(TrafficSpec.Provider.ReplicaRatio, null, null);
    /** The rollout the API server fills in when a manifest names none. */
    public static final RolloutSpec ROLLING = new RolloutSpec(RolloutSpec.Strategy.RollingUpdate, null,
            new AnalysisSpec(5, 3, 3), REPLICA_RATIO);

    private ModelDeployments() {
    }

    public static ModelDeployment iris() {
        return with(spec("file:///models/iris", "1.0.0", 2, null, null, null));
    }

    /** An Iris ModelDeployment to create: a name, the model and its replicas, the API's defaults for the rest. */
    public static ModelDeployment named(String name, int replicas) {
        var md = new ModelDeployment();
        md.setMetadata(new ObjectMetaBuilder().withName(name).build());
        md.setSpec(new ModelDeploymentSpec(model("file:///models/iris", "1.0.0"), null, replicas, null, null, null,
                null, null, 600, null));
        return md;
    }

    public static ModelSpec model(String uri, String version) {
        return new ModelSpec("iris", version, ModelFormat.ONNX, uri, null, null);
    }

    public static ModelDeploymentSpec spec(String uri, String version, int replicas, AutoscalingSpec autoscaling,
            List<EnvVar> env, Map<String, String> podAnnotations) {
        return new ModelDeploymentSpec(model(uri, version),
                new RuntimeSpec(null, null, 8080, null, env, new BatchingSpec(32, 0)),
                replicas, autoscaling,
                new ProbesSpec(new ProbeSpec("/v2/health/ready", null, 5, 2, 3),
                        new ProbeSpec("/v2/health/live", null, 10, 2, 3)),
                null, null, podAnnotations, 600, ROLLING);
    }

    /** The spec with another rollout, the rest as it is. */
    public static ModelDeploymentSpec withRollout(ModelDeploymentSpec spec, RolloutSpec rollout) {
        return new ModelDeploymentSpec(spec.model(), spec.runtime(), spec.replicas(), spec.autoscaling(),
                spec.probes(), spec.scheduling(), spec.securityContext(), spec.podAnnotations(),
                spec.progressDeadlineSeconds(), rollout);
    }

    public static ModelDeployment with(ModelDeploymentSpec spec) {
        var md = new ModelDeployment();
        md.setMetadata(new ObjectMetaBuilder().withName("iris").withNamespace("models").withUid("uid-1")
                .withGeneration(1L).build());
        md.setSpec(spec);
        return md;
    }
}

package io.modeldeploy.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * An operator rolled back below the CRD it wrote (helm rollback keeps the newer CRD) reads objects with fields it
 * does not know, in spec and in status. It must read them, not fail its informer: an older build that failed on
 * an unknown status field stopped reconciling every ModelDeployment.
 */
class FieldsFromANewerVersionTest {

    @Test
    void unknownFieldsInSpecAndStatusAreIgnored() {
        ModelDeployment md = Serialization.unmarshal("""
                {"apiVersion": "serving.modeldeploy.io/v1alpha1", "kind": "ModelDeployment",
                 "metadata": {"name": "iris"},
                 "spec": {"model": {"name": "iris", "version": "1", "format": "onnx", "uri": "file:///models/iris",
                                    "fromTheFuture": true},
                          "replicas": 2, "somethingNew": {"a": 1}},
                 "status": {"observedGeneration": 3, "phase": "Ready", "newStatusField": "x",
                            "rollout": {"phase": "Stable", "anotherNewField": 1},
                            "template": {"generation": 3, "revision": "r1", "newer": []}}}
                """, ModelDeployment.class);

        assertThat(md.getSpec().model().name()).isEqualTo("iris");
        assertThat(md.getSpec().replicas()).isEqualTo(2);
        assertThat(md.getStatus().rollout().phase()).isEqualTo("Stable");
        assertThat(md.getStatus().template().revision()).isEqualTo("r1");
    }
}

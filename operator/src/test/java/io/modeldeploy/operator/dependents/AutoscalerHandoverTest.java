package io.modeldeploy.operator.dependents;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;

/** When the operator must hand spec.replicas to the autoscaler before it applies a Deployment without it. */
class AutoscalerHandoverTest {
    private static final String OPERATOR = "modeldeploy-operator";
    private static final Map<String, Object> SPEC_WITH_REPLICAS = Map.of("f:spec",
            Map.of("f:replicas", Map.of(), "f:template", Map.of()));
    private static final Map<String, Object> SPEC_WITHOUT_REPLICAS = Map.of("f:spec", Map.of("f:template", Map.of()));

    @Test
    void neededWhenTheOperatorsApplyOwnsReplicasAndTheDesiredDeploymentLeavesThemOut() {
        Deployment actual = deployment(entry(OPERATOR, "Apply", null, SPEC_WITH_REPLICAS));
        assertThat(AutoscalerHandover.needed(actual, desired(null), OPERATOR)).isTrue();
    }

    @Test
    void notNeededWhileTheOperatorStillAppliesACount() {
        Deployment actual = deployment(entry(OPERATOR, "Apply", null, SPEC_WITH_REPLICAS));
        assertThat(AutoscalerHandover.needed(actual, desired(3), OPERATOR)).isFalse();
    }

    @Test
    void notNeededOnceTheAutoscalerOrTheHandoverManagerOwnsReplicas() {
        Deployment scaled = deployment(entry(OPERATOR, "Apply", null, SPEC_WITHOUT_REPLICAS),
                entry("kube-controller-manager", "Update", "scale", SPEC_WITH_REPLICAS));
        Deployment handedOver = deployment(entry(OPERATOR, "Apply", null, SPEC_WITHOUT_REPLICAS),
                entry(AutoscalerHandover.FIELD_MANAGER, "Apply", null, SPEC_WITH_REPLICAS));
        assertThat(AutoscalerHandover.needed(scaled, desired(null), OPERATOR)).isFalse();
        assertThat(AutoscalerHandover.needed(handedOver, desired(null), OPERATOR)).isFalse();
    }

    @Test
    void onlyTheOperatorsOwnApplyOfTheMainResourceCounts() {
        assertThat(AutoscalerHandover.appliesReplicas(deployment(entry(OPERATOR, "Update", null, SPEC_WITH_REPLICAS)),
                OPERATOR)).isFalse();
        assertThat(AutoscalerHandover.appliesReplicas(deployment(entry(OPERATOR, "Apply", "scale", SPEC_WITH_REPLICAS)),
                OPERATOR)).isFalse();
        assertThat(AutoscalerHandover.appliesReplicas(deployment(entry("kubectl", "Apply", null, SPEC_WITH_REPLICAS)),
                OPERATOR)).isFalse();
        assertThat(AutoscalerHandover.appliesReplicas(deployment(), OPERATOR)).isFalse();
    }

    private static Deployment desired(Integer replicas) {
        return new DeploymentBuilder().withNewMetadata().withName("iris").endMetadata()
                .withNewSpec().withReplicas(replicas).endSpec().build();
    }

    private static Deployment deployment(ManagedFieldsEntry... entries) {
        return new DeploymentBuilder().withNewMetadata().withName("iris").withManagedFields(entries).endMetadata()
                .withNewSpec().withReplicas(4).endSpec().build();
    }

    private static ManagedFieldsEntry entry(String manager, String operation, String subresource,
            Map<String, Object> fields) {
        var fieldsV1 = new FieldsV1();
        fields.forEach(fieldsV1::setAdditionalProperty);
        return new ManagedFieldsEntryBuilder().withManager(manager).withOperation(operation)
                .withSubresource(subresource).withApiVersion("apps/v1").withFieldsType("FieldsV1")
                .withFieldsV1(fieldsV1).build();
    }
}

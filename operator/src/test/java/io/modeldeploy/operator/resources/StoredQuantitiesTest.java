package io.modeldeploy.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;

class StoredQuantitiesTest {

    @Test
    void quantitiesOfTheSameAmountTakeTheStoredFormAndChangedOnesStay() {
        Deployment desired = deployment("6144Mi", "0.5", "2Gi");
        Deployment stored = deployment("6Gi", "500m", "1Gi");

        Deployment aligned = StoredQuantities.asStored(desired, stored);

        var pod = aligned.getSpec().getTemplate().getSpec();
        assertThat(pod.getVolumes().get(0).getEmptyDir().getSizeLimit()).hasToString("6Gi");
        assertThat(pod.getContainers().get(0).getResources().getRequests().get("cpu")).hasToString("500m");
        assertThat(pod.getContainers().get(0).getResources().getLimits().get("memory")).as("a changed amount")
                .hasToString("2Gi");
        assertThat(desired.getSpec().getTemplate().getSpec().getVolumes().get(0).getEmptyDir().getSizeLimit())
                .as("the desired object is not changed").hasToString("6144Mi");
    }

    @Test
    void aNewDeploymentIsLeftAsDesired() {
        Deployment desired = deployment("6144Mi", "0.5", "2Gi");
        assertThat(StoredQuantities.asStored(desired, new Deployment())).isSameAs(desired);
    }

    private static Deployment deployment(String sizeLimit, String cpu, String memory) {
        return new DeploymentBuilder().withNewMetadata().withName("iris").endMetadata()
                .withNewSpec().withNewTemplate().withNewSpec()
                .addNewVolume().withName("model-cache").withNewEmptyDir().withSizeLimit(new Quantity(sizeLimit))
                .endEmptyDir().endVolume()
                .addNewContainer().withName("model-server").withNewResources()
                .withRequests(Map.of("cpu", new Quantity(cpu))).withLimits(Map.of("memory", new Quantity(memory)))
                .endResources().endContainer()
                .endSpec().endTemplate().endSpec().build();
    }
}

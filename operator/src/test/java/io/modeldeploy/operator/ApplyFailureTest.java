package io.modeldeploy.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;

class ApplyFailureTest {
    static final KubernetesClientException REFUSED = new KubernetesClientException(new StatusBuilder().withCode(403)
            .withMessage("deployments.apps \"iris\" is forbidden: exceeded quota: no-deployments").build());

    @Test
    void theApiServersMessageIsFoundInsideAWorkflowFailure() {
        var workflow = new AggregatedOperatorException("workflow failed", Map.of("stable",
                new IllegalStateException("reconcile of dependent failed", REFUSED)));
        assertThat(ApplyFailure.message(workflow))
                .isEqualTo("deployments.apps \"iris\" is forbidden: exceeded quota: no-deployments");
    }

    @Test
    void anyOtherFailureGivesItsOwnMessage() {
        assertThat(ApplyFailure.message(new IllegalStateException("no route"))).isEqualTo("no route");
        assertThat(ApplyFailure.message(new NullPointerException())).isEqualTo("NullPointerException");
    }
}

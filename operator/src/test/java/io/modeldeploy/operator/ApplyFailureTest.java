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

    /**
     * What the operator reported at 10,000 ModelDeployments when the API server took longer than the client waited
     * (docs/benchmarks.md): the workflow's message, which is its dependents' stack traces.
     */
    @Test
    void aRequestWithoutAnAnswerGivesTheClientsOneLineNotTheWorkflowsStackTraces() {
        var timeout = new KubernetesClientException("The timeout period of 10000ms has been exceeded while executing "
                + "PATCH /api/v1/namespaces/ml/services/iris?fieldManager=modeldeploy-operator&force=true for server "
                + "127.0.0.1:6443", new java.util.concurrent.TimeoutException("timed out"));
        var workflow = new AggregatedOperatorException("Exception(s) during workflow execution.",
                Map.of("service", timeout));

        assertThat(workflow.getMessage()).as("JOSDK's own message").contains("\tat ");
        assertThat(ApplyFailure.message(workflow)).isEqualTo("The timeout period of 10000ms has been exceeded while "
                + "executing PATCH /api/v1/namespaces/ml/services/iris?fieldManager=modeldeploy-operator&force=true "
                + "for server 127.0.0.1:6443");
    }

    @Test
    void aWorkflowFailureWithoutAnApiServerAnswerGivesItsDependentsOwnMessage() {
        var workflow = new AggregatedOperatorException("Exception(s) during workflow execution.",
                Map.of("route", new IllegalStateException("reconcile of dependent failed",
                        new IllegalArgumentException("no Gateway named public in ml"))));

        assertThat(ApplyFailure.message(workflow)).isEqualTo("no Gateway named public in ml");
    }

    @Test
    void aMessageIsOneLine() {
        assertThat(ApplyFailure.message(new IllegalStateException("first line\nsecond line")))
                .isEqualTo("first line");
    }

    @Test
    void anyOtherFailureGivesItsOwnMessage() {
        assertThat(ApplyFailure.message(new IllegalStateException("no route"))).isEqualTo("no route");
        assertThat(ApplyFailure.message(new NullPointerException())).isEqualTo("NullPointerException");
    }
}

package io.modeldeploy.operator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.utils.HttpClientUtils;

class ApiRequestsTest {

    @Test
    void verbsAreNamedAsTheApiServerNamesThem() {
        assertThat(ApiRequests.verb("GET", "/api/v1/namespaces/models/pods", "labelSelector=a")).isEqualTo("LIST");
        assertThat(ApiRequests.verb("GET", "/api/v1/namespaces/models/pods", "watch=true&resourceVersion=1"))
                .isEqualTo("WATCH");
        assertThat(ApiRequests.verb("GET", "/api/v1/namespaces/models/pods/iris-1", null)).isEqualTo("GET");
        assertThat(ApiRequests.verb("GET", "/apis/apps/v1/namespaces/models/deployments/iris", null))
                .isEqualTo("GET");
        assertThat(ApiRequests.verb("GET", "/apis/serving.modeldeploy.io/v1alpha1/modeldeployments", null))
                .isEqualTo("LIST");
        assertThat(ApiRequests.verb("GET", "/api/v1/namespaces/models", null)).isEqualTo("GET");
        assertThat(ApiRequests.verb("PATCH", "/apis/apps/v1/namespaces/models/deployments/iris", null))
                .isEqualTo("PATCH");
        assertThat(ApiRequests.verb("GET", "/apis/serving.modeldeploy.io/v1alpha1/namespaces/m/modeldeployments/iris"
                + "/status", null)).isEqualTo("GET");
    }

    @Test
    void resourcesAreNamedWithTheirSubresourceAndWithoutNamespaceOrName() {
        assertThat(ApiRequests.resource("/apis/apps/v1/namespaces/models/deployments/iris")).isEqualTo("deployments");
        assertThat(ApiRequests.resource("/apis/serving.modeldeploy.io/v1alpha1/namespaces/m/modeldeployments/iris"
                + "/status")).isEqualTo("modeldeployments/status");
        assertThat(ApiRequests.resource("/apis/coordination.k8s.io/v1/namespaces/x/leases/op")).isEqualTo("leases");
        assertThat(ApiRequests.resource("/api/v1/pods")).isEqualTo("pods");
        assertThat(ApiRequests.resource("/api/v1/namespaces/models")).isEqualTo("other");
        assertThat(ApiRequests.resource("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/httproutes."
                + "gateway.networking.k8s.io")).isEqualTo("customresourcedefinitions");
    }

    @Test
    void fabric8PicksTheCountingFactory() {
        HttpClient.Factory factory = HttpClientUtils.getHttpClientFactory();
        assertThat(factory).isInstanceOf(ApiRequests.Factory.class);
    }
}

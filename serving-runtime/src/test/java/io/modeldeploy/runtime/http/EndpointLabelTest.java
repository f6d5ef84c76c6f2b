package io.modeldeploy.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The endpoint label of a request's metrics: the route, with the model's name and version left out. */
class EndpointLabelTest {

    @Test
    void versionedRoutesCountAsTheirUnversionedRoute() {
        assertThat(HttpApi.endpoint("/v2/models/iris/versions/1.0.0/infer")).isEqualTo("/v2/models/{name}/infer");
        assertThat(HttpApi.endpoint("/v2/models/iris/infer")).isEqualTo("/v2/models/{name}/infer");
        assertThat(HttpApi.endpoint("/v2/models/iris/versions/1.0.0/ready")).isEqualTo("/v2/models/{name}/ready");
        assertThat(HttpApi.endpoint("/v2/models/iris/versions/1.0.0")).isEqualTo("/v2/models/{name}");
        assertThat(HttpApi.endpoint("/v2/models/iris/versions")).isEqualTo("other");
        assertThat(HttpApi.endpoint("/predict")).isEqualTo("/predict");
    }
}

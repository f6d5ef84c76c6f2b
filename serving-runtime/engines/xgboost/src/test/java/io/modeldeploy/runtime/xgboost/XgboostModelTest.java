package io.modeldeploy.runtime.xgboost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.modeldeploy.runtime.ExampleModels;
import io.modeldeploy.runtime.ServedExampleModel;

/**
 * The XGBoost build serves the xgboost4j-trained example regression and gives xgboost4j's own predictions, over
 * real HTTP, through both the seed API and the Open Inference Protocol v2.
 */
class XgboostModelTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final ServedExampleModel SERVED = new ServedExampleModel("iris-petal-width");

    @Test
    void everyRowGetsXgboostsOwnPrediction() throws Exception {
        JsonNode reference = SERVED.reference();

        JsonNode answer = JSON.readTree(SERVED.post("/predict", ExampleModels.predictBody(reference)).body());

        assertThat(answer.get("predictions")).hasSize(reference.size());
        assertThat(answer.get("probabilities").isNull()).isTrue();
        for (int r = 0; r < reference.size(); r++) {
            assertThat(answer.get("predictions").get(r).asDouble()).as("row %d", r)
                    .isCloseTo(reference.get(r).get("value").asDouble(), within(1e-5));
        }
        // A regressor's predictions are exported as a distribution per model version, for canary analysis.
        assertThat(SERVED.get("/metrics").body()).containsPattern("(?m)^modeldeploy_prediction_value_count\\{"
                + "model=\"iris-petal-width\",version=\"[^\"]+\"} (\\d+)").containsPattern(
                "(?m)^modeldeploy_prediction_value_bucket\\{model=\"iris-petal-width\",version=\"[^\"]+\",le=");
    }

    @Test
    void v2InferReturnsTheRegressionOutputTensor() throws Exception {
        var response = SERVED.post("/v2/models/iris-petal-width/infer", """
                {"inputs": [{"name": "input", "shape": [2, 3], "datatype": "FP32", "data": [[5.1, 3.5, 1.4], [6.2, 3.4, 5.4]]}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode output = JSON.readTree(response.body()).get("outputs").get(0);
        assertThat(output.get("name").asText()).isEqualTo("output");
        assertThat(output.get("shape").toString()).isEqualTo("[2,1]");
        List<Double> values = List.of(output.get("data").get(0).asDouble(), output.get("data").get(1).asDouble());
        assertThat(values.get(0)).isLessThan(0.5);
        assertThat(values.get(1)).isGreaterThan(1.5);
        JsonNode metadata = JSON.readTree(SERVED.get("/v2/models/iris-petal-width").body());
        assertThat(metadata.get("platform").asText()).isEqualTo("xgboost");
    }
}

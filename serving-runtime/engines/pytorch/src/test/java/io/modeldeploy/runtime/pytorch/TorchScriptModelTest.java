package io.modeldeploy.runtime.pytorch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.modeldeploy.runtime.ExampleModels;
import io.modeldeploy.runtime.ServedExampleModel;

/**
 * The PyTorch build serves the TorchScript network that libtorch trained and saved (examples/models/iris-torch)
 * and gives libtorch's own predictions, over real HTTP, through the seed API and the Open Inference Protocol v2.
 */
class TorchScriptModelTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final ServedExampleModel SERVED = new ServedExampleModel("iris-torch");

    @Test
    void everyIrisRowGetsLibtorchsLabelAndProbabilities() throws Exception {
        JsonNode reference = SERVED.reference();

        JsonNode answer = JSON.readTree(SERVED.post("/predict", ExampleModels.predictBody(reference)).body());

        JsonNode labels = answer.get("labels");
        assertThat(answer.get("predictions")).hasSize(150);
        for (int r = 0; r < reference.size(); r++) {
            JsonNode expected = reference.get(r);
            assertThat(answer.get("predictions").get(r).asText()).as("row %d label", r)
                    .isEqualTo(expected.get("label").asText());
            for (int k = 0; k < labels.size(); k++) {
                String label = labels.get(k).asText();
                assertThat(answer.get("probabilities").get(r).get(k).asDouble()).as("row %d P(%s)", r, label)
                        .isCloseTo(expected.get("probabilities").get(label).asDouble(), within(1e-5));
            }
        }
    }

    @Test
    void v2InferAndMetadataNameTheLibtorchPlatform() throws Exception {
        var response = SERVED.post("/v2/models/iris-torch/infer", """
                {"inputs": [{"name": "input", "shape": [2, 4], "datatype": "FP32",
                  "data": [[5.1, 3.5, 1.4, 0.2], [6.2, 3.4, 5.4, 2.3]]}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode outputs = JSON.readTree(response.body()).get("outputs");
        assertThat(outputs.get(0).get("data").get(0).asText()).isEqualTo("setosa");
        assertThat(outputs.get(0).get("data").get(1).asText()).isEqualTo("virginica");
        assertThat(outputs.get(1).get("shape").toString()).isEqualTo("[2,3]");
        JsonNode metadata = JSON.readTree(SERVED.get("/v2/models/iris-torch").body());
        assertThat(metadata.get("platform").asText()).isEqualTo("pytorch_libtorch");
    }
}

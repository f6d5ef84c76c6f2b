package io.modeldeploy.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.modeldeploy.runtime.inference.DjlEngine;
import io.modeldeploy.runtime.inference.ModelService;
import io.modeldeploy.runtime.inference.Prediction;
import io.modeldeploy.runtime.model.ModelSource;

/**
 * The ONNX Runtime engine, through DJL and the declarative pipeline, gives the predictions Tribuo itself made when
 * it trained the model (reference.json, written by the example-models module).
 */
class IrisModelTest {
    @TempDir
    static Path cache;
    static ModelService service;

    @BeforeAll
    static void load() throws Exception {
        ServingRuntime.offlineEngines(cache);
        var located = ModelSource.locate(ExampleModels.iris().toString(), Optional.empty(), cache);
        service = new ModelService(located, "1.0.0", DjlEngine.load(located.modelFile(), "onnx"),
                new ModelService.BatchingSettings(32, 1, 10_000), rows -> { });
    }

    @AfterAll
    static void close() {
        service.close();
    }

    @Test
    void everyIrisRowGetsTribuosLabelAndProbabilities() throws Exception {
        JsonNode reference = ExampleModels.reference(ExampleModels.iris());
        double[][] rows = new double[reference.size()][];
        for (int r = 0; r < rows.length; r++) {
            JsonNode features = reference.get(r).get("features");
            rows[r] = new double[] {features.get(0).asDouble(), features.get(1).asDouble(),
                    features.get(2).asDouble(), features.get(3).asDouble()};
        }

        List<Prediction> predictions = service.predict(rows).join();

        assertThat(predictions).hasSize(150);
        List<String> labels = service.config().output().labels();
        for (int r = 0; r < rows.length; r++) {
            JsonNode expected = reference.get(r);
            Prediction actual = predictions.get(r);
            assertThat(actual.label()).as("row %d label", r).isEqualTo(expected.get("label").asText());
            for (int k = 0; k < labels.size(); k++) {
                assertThat(actual.probabilities()[k]).as("row %d P(%s)", r, labels.get(k))
                        .isCloseTo(expected.get("probabilities").get(labels.get(k)).asDouble(), within(1e-5));
            }
        }
    }

    @Test
    void theSeedsTwoFlowersAreSetosaAndVirginica() {
        var predictions = service.predict(new double[][] {{5.1, 3.5, 1.4, 0.2}, {6.2, 3.4, 5.4, 2.3}}).join();

        assertThat(predictions).extracting(Prediction::label).containsExactly("setosa", "virginica");
        assertThat(predictions.get(0).probabilities()).hasSize(3);
        assertThat(java.util.Arrays.stream(predictions.get(0).probabilities()).sum()).isCloseTo(1.0, within(1e-5));
    }
}

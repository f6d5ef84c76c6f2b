package io.modeldeploy.runtime.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class ShadowComparisonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void labelsOfASeedAnswerAgreeRowByRow() {
        var comparison = ShadowComparison.of(json("{\"predictions\": [\"setosa\", \"virginica\", \"versicolor\"]}"),
                json("{\"predictions\": [\"setosa\", \"setosa\", \"versicolor\"], \"labels\": [\"x\"]}"));

        assertThat(comparison).isEqualTo(new ShadowComparison(2, 1, java.util.List.of()));
    }

    @Test
    void numbersYieldTheirDifferencesAndAgreeOnlyWhenEqualToNineDigits() {
        var comparison = ShadowComparison.of(json("{\"predictions\": [1.5, 200.0, -3.0]}"),
                json("{\"predictions\": [1.5000000001, 210.0, 3.0]}"));

        assertThat(comparison.agree()).isEqualTo(1);
        assertThat(comparison.disagree()).isEqualTo(2);
        assertThat(comparison.absoluteErrors()).hasSize(3);
        assertThat(comparison.absoluteErrors().get(1)).isEqualTo(10.0);
        assertThat(comparison.absoluteErrors().get(2)).isEqualTo(6.0);
    }

    @Test
    void anOpenInferenceAnswerIsComparedOnItsFirstOutput() {
        var comparison = ShadowComparison.of(
                json("{\"outputs\": [{\"name\": \"label\", \"data\": [\"setosa\", \"virginica\"]},"
                        + " {\"name\": \"probabilities\", \"data\": [0.9, 0.1, 0.0, 0.2, 0.7, 0.1]}]}"),
                json("{\"outputs\": [{\"name\": \"label\", \"data\": [\"setosa\", \"versicolor\"]},"
                        + " {\"name\": \"probabilities\", \"data\": [0.8, 0.1, 0.1, 0.2, 0.3, 0.5]}]}"));

        assertThat(comparison).isEqualTo(new ShadowComparison(1, 1, java.util.List.of()));
    }

    @Test
    void rowsOnlyOneAnswerHasDisagree() {
        assertThat(ShadowComparison.of(json("{\"predictions\": [\"setosa\", \"setosa\"]}"),
                json("{\"predictions\": [\"setosa\"]}"))).isEqualTo(new ShadowComparison(1, 1, java.util.List.of()));
        assertThat(ShadowComparison.of(json("{\"predictions\": [\"setosa\"]}"), json("{\"error\": \"overloaded\"}")))
                .isEqualTo(new ShadowComparison(0, 1, java.util.List.of()));
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}

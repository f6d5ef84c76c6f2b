package io.modeldeploy.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A model.json with categorical features: what it declares, and the specific error for each mistake in it. */
class ModelConfigTest {
    private static final String OUTPUT = "\"output\": {\"type\": \"classification\", \"labels\": [\"a\", \"b\"]}";

    private static ModelConfig parse(String fields) throws IOException {
        return ModelConfig.parse(("{\"name\": \"m\", \"format\": \"onnx\", \"file\": \"m.onnx\", " + fields + ", "
                + OUTPUT + "}").getBytes(StandardCharsets.UTF_8), Path.of("model.json"));
    }

    @Test
    void aCategoricalFeatureBecomesOneModelInputPerValueInClientOrderByDefault() throws IOException {
        var config = parse("\"features\": [\"x\", \"colour\", \"y\"], \"categories\": {\"colour\": [\"red\", "
                + "\"blue\"]}, \"scaler\": {\"mean\": [1, null, 2], \"scale\": [3, null, 4]}");

        assertThat(config.hasCategories()).isTrue();
        assertThat(config.categoriesOf("colour")).containsExactly("red", "blue");
        assertThat(config.categoriesOf("x")).isNull();
        assertThat(config.inputOrder()).containsExactly("x", "colour=red", "colour=blue", "y");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            a category of no feature | "features": ["x"], "categories": {"colour": ["red"]} | model config model.json: 'categories' names 'colour', which is not one of 'features'
            no values | "features": ["colour"], "categories": {"colour": []} | model config model.json: 'categories.colour' must list the feature's values (strings)
            a value twice | "features": ["colour"], "categories": {"colour": ["red", "red"]} | model config model.json: 'categories.colour' has duplicate values
            a scaled categorical feature | "features": ["colour"], "categories": {"colour": ["red"]}, "scaler": {"mean": [0], "scale": [1]} | model config model.json: 'scaler' values of the categorical feature 'colour' must be null: its one-hot inputs are not scaled
            a numeric feature without scaling | "features": ["x", "colour"], "categories": {"colour": ["red"]}, "scaler": {"mean": [null, null], "scale": [1, null]} | model config model.json: 'scaler.mean' values must be finite numbers (null only for a categorical feature)
            an input order naming the feature, not its values | "features": ["x", "colour"], "categories": {"colour": ["red", "blue"]}, "modelInputOrder": ["colour", "x"] | model config model.json: 'modelInputOrder' must name the model's inputs: the numeric features and, for each categorical one, feature=value for each of its values: x, colour=red, colour=blue
            """)
    void eachMistakeGetsItsOwnError(String name, String fields, String message) {
        assertThatThrownBy(() -> parse(fields)).isInstanceOf(IOException.class).hasMessage(message);
    }
}

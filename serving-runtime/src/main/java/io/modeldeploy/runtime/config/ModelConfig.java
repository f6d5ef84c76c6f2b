package io.modeldeploy.runtime.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The model config file ({@value #FILE}) beside a model: what the model expects and how to turn a client's request
 * into its input and its output into an answer, declared instead of coded.
 *
 * @param name the model's name, served under /v2/models/{name}
 * @param format onnx, pytorch or xgboost
 * @param file the model file, relative to the config
 * @param description one line for the API docs
 * @param features the feature names, in the order clients send them
 * @param categories the categorical features' values, by feature name: a client sends one of them as a string,
 *            and the model takes it one-hot, one input per value named {@code feature=value} (1 for the value sent,
 *            0 for the others); a feature not named here is a number
 * @param scaler standard scaling applied to the numeric features, in client order: (x - mean) / scale; null for a
 *            categorical feature
 * @param modelInputOrder the model's inputs in the order it takes them: the numeric features' names and the
 *            categorical ones' {@code feature=value} (default: client order, each categorical feature's values in
 *            the order {@code categories} lists them)
 * @param allowNaN whether NaN features are passed to the model (default: rejected with 400)
 * @param output how the model's output becomes the answer
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelConfig(String name, String format, String file, String description, List<String> features,
        Map<String, List<String>> categories, Scaler scaler, List<String> modelInputOrder, Boolean allowNaN,
        Output output) {
    public static final String FILE = "model.json";

    /** Standard scaling, per feature in client order; null for a categorical feature. */
    public record Scaler(Double[] mean, Double[] scale) {
    }

    /**
     * @param type classification (label plus probabilities, or the top k) or regression (raw values)
     * @param labels the class labels, in the order of the model's output columns
     * @param probabilities whether the model's outputs are probabilities to return
     * @param topK answer only the k most probable labels (classification; default all)
     */
    public record Output(String type, List<String> labels, Boolean probabilities, Integer topK) {
        public boolean classification() {
            return "classification".equals(type);
        }
    }

    public static ModelConfig read(Path file) throws IOException {
        return parse(java.nio.file.Files.readAllBytes(file), file);
    }

    /** The config in these bytes, read from {@code file} (named in errors). */
    public static ModelConfig parse(byte[] json, Path file) throws IOException {
        ModelConfig config;
        try {
            config = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
                    .readValue(json, ModelConfig.class);
        } catch (IOException e) {
            throw new IOException("cannot read model config " + file + ": " + e.getMessage(), e);
        }
        config.validate(file);
        return config;
    }

    /** The model's inputs in the order it takes them: see {@code modelInputOrder}. */
    public List<String> inputOrder() {
        return modelInputOrder == null ? clientInputs() : modelInputOrder;
    }

    /** The values of the categorical feature {@code feature}, or null for a numeric one. */
    public List<String> categoriesOf(String feature) {
        return categories == null ? null : categories.get(feature);
    }

    /** Whether any feature is categorical: such a model takes strings. */
    public boolean hasCategories() {
        return categories != null && !categories.isEmpty();
    }

    /** The model input a categorical feature's value becomes: 1 when the client sent that value, else 0. */
    public static String oneHotInput(String feature, String value) {
        return feature + "=" + value;
    }

    /** The model's inputs in client order, each categorical feature expanded to one per value. */
    private List<String> clientInputs() {
        if (!hasCategories()) {
            return features;
        }
        var inputs = new ArrayList<String>();
        for (String feature : features) {
            List<String> values = categoriesOf(feature);
            if (values == null) {
                inputs.add(feature);
            } else {
                values.forEach(v -> inputs.add(oneHotInput(feature, v)));
            }
        }
        return inputs;
    }

    public boolean nanAllowed() {
        return Boolean.TRUE.equals(allowNaN);
    }

    public String formatName() {
        return format.toLowerCase(Locale.ROOT);
    }

    private void validate(Path file) throws IOException {
        String where = "model config " + file + ": ";
        require(name != null && !name.isBlank(), where + "'name' is required");
        require(format != null && List.of("onnx", "pytorch", "xgboost").contains(formatName()),
                where + "'format' must be onnx, pytorch or xgboost");
        require(file() != null && !file().isBlank(), where + "'file' (the model file) is required");
        // sha256sum escapes such names, so the bundle digest could not be computed with it.
        require(file().chars().noneMatch(c -> c == '\n' || c == '\r' || c == '\\'),
                where + "'file' must not contain a line break or a backslash");
        require(features != null && !features.isEmpty(), where + "'features' must list the feature names");
        require(new HashSet<>(features).size() == features.size(), where + "'features' has duplicate names");
        if (categories != null) {
            for (var category : categories.entrySet()) {
                String feature = category.getKey();
                List<String> values = category.getValue();
                require(features.contains(feature), where + "'categories' names '" + feature + "', which is not one "
                        + "of 'features'");
                require(values != null && !values.isEmpty() && values.stream().noneMatch(v -> v == null),
                        where + "'categories." + feature + "' must list the feature's values (strings)");
                require(new HashSet<>(values).size() == values.size(), where + "'categories." + feature
                        + "' has duplicate values");
            }
        }
        if (modelInputOrder != null) {
            List<String> inputs = clientInputs();
            require(modelInputOrder.size() == inputs.size() && new HashSet<>(modelInputOrder).equals(
                    new HashSet<>(inputs)), where + "'modelInputOrder' must name the model's inputs: "
                            + (hasCategories() ? "the numeric features and, for each categorical one, "
                                    + "feature=value for each of its values: " : "the features: ")
                            + String.join(", ", inputs));
        }
        if (scaler != null) {
            require(scaler.mean() != null && scaler.mean().length == features.size() && scaler.scale() != null
                    && scaler.scale().length == features.size(),
                    where + "'scaler.mean' and 'scaler.scale' need one value per feature");
            for (int f = 0; f < features.size(); f++) {
                Double mean = scaler.mean()[f];
                Double scale = scaler.scale()[f];
                if (categoriesOf(features.get(f)) != null) {
                    require(mean == null && scale == null, where + "'scaler' values of the categorical feature '"
                            + features.get(f) + "' must be null: its one-hot inputs are not scaled");
                } else {
                    require(mean != null && Double.isFinite(mean), where + "'scaler.mean' values must be finite "
                            + "numbers (null only for a categorical feature)");
                    require(scale != null && scale != 0 && Double.isFinite(scale), where + "'scaler.scale' values "
                            + "must be finite and non-zero (null only for a categorical feature)");
                }
            }
        }
        require(output != null && ("classification".equals(output.type()) || "regression".equals(output.type())),
                where + "'output.type' must be classification or regression");
        if (output.classification()) {
            require(output.labels() != null && !output.labels().isEmpty(), where + "'output.labels' is required");
            require(output.topK() == null || (output.topK() >= 1 && output.topK() <= output.labels().size()),
                    where + "'output.topK' must be between 1 and the number of labels");
        }
    }

    private static void require(boolean condition, String message) throws IOException {
        if (!condition) {
            throw new IOException(message);
        }
    }
}

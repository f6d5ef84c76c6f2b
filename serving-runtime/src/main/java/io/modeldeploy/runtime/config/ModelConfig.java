package io.modeldeploy.runtime.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;

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
 * @param scaler standard scaling applied to the features, in client order: (x - mean) / scale
 * @param modelInputOrder the feature names in the order the model takes them (default: the client order)
 * @param allowNaN whether NaN features are passed to the model (default: rejected with 400)
 * @param output how the model's output becomes the answer
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelConfig(String name, String format, String file, String description, List<String> features,
        Scaler scaler, List<String> modelInputOrder, Boolean allowNaN, Output output) {
    public static final String FILE = "model.json";

    /** Standard scaling, per feature in client order. */
    public record Scaler(double[] mean, double[] scale) {
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

    public List<String> inputOrder() {
        return modelInputOrder == null ? features : modelInputOrder;
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
        if (modelInputOrder != null) {
            require(modelInputOrder.size() == features.size() && new HashSet<>(modelInputOrder).equals(
                    new HashSet<>(features)), where + "'modelInputOrder' must name the same features as 'features'");
        }
        if (scaler != null) {
            require(scaler.mean() != null && scaler.mean().length == features.size() && scaler.scale() != null
                    && scaler.scale().length == features.size(),
                    where + "'scaler.mean' and 'scaler.scale' need one value per feature");
            for (double s : scaler.scale()) {
                require(s != 0 && Double.isFinite(s), where + "'scaler.scale' values must be finite and non-zero");
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

package io.modeldeploy.runtime.http;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.modeldeploy.runtime.inference.BadInput;
import io.modeldeploy.runtime.inference.ModelService;
import io.modeldeploy.runtime.inference.Prediction;

/**
 * The Open Inference Protocol v2 (KServe, Triton) shapes: model metadata, the infer request's one input tensor of
 * raw features, and the response's output tensors. The model config's pre- and post-processing apply, so v2
 * clients send the same raw features as /predict clients.
 */
final class OpenInference {
    static final String INPUT = "input";
    private static final Set<String> NUMERIC = Set.of("FP16", "FP32", "FP64", "INT8", "INT16", "INT32", "INT64",
            "UINT8", "UINT16", "UINT32", "UINT64");
    private static final Map<String, String> PLATFORMS = Map.of("onnx", "onnxruntime_onnx", "pytorch",
            "pytorch_libtorch", "xgboost", "xgboost");

    private OpenInference() {
    }

    static Map<String, Object> metadata(ModelService model) {
        var config = model.config();
        int width = config.features().size();
        var outputs = new ArrayList<Map<String, Object>>();
        if (config.output().classification()) {
            outputs.add(tensor("label", "BYTES", List.of(-1)));
            outputs.add(tensor("probabilities", "FP32", List.of(-1, config.output().labels().size())));
        } else {
            outputs.add(tensor("output", "FP32", List.of(-1, -1)));
        }
        var metadata = new LinkedHashMap<String, Object>();
        metadata.put("name", config.name());
        metadata.put("versions", List.of(model.version()));
        metadata.put("platform", PLATFORMS.get(config.formatName()));
        metadata.put("inputs", List.of(tensor(INPUT, "FP32", List.of(-1, width))));
        metadata.put("outputs", outputs);
        return metadata;
    }

    /** The rows of the request's one input tensor: shape [rows, features], data flat or nested. */
    static double[][] rows(JsonNode request, int width) {
        JsonNode inputs = request.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
            throw new BadInput("'inputs' is required: a list with one tensor {name, shape, datatype, data}");
        }
        if (inputs.size() > 1) {
            throw new BadInput("this model takes one input tensor; the request has " + inputs.size());
        }
        JsonNode input = inputs.get(0);
        String datatype = input.path("datatype").asText("");
        if (!NUMERIC.contains(datatype)) {
            throw new BadInput("input '" + input.path("name").asText() + "' has datatype '" + datatype
                    + "'; send a numeric tensor, e.g. FP32");
        }
        JsonNode shape = input.get("shape");
        if (shape == null || !shape.isArray() || shape.isEmpty() || shape.size() > 2) {
            throw new BadInput("input shape must be [rows, " + width + "] or [" + width + "]");
        }
        for (JsonNode size : shape) {
            if (!size.canConvertToLong() || !size.isIntegralNumber() || size.asLong() < 1) {
                throw new BadInput("input shape " + shape + ": sizes are whole numbers of at least 1");
            }
        }
        long rows = shape.size() == 2 ? shape.get(0).asLong() : 1;
        long columns = shape.get(shape.size() - 1).asLong();
        if (columns != width) {
            throw new BadInput("input shape " + shape + " has " + columns + " features; the model takes " + width);
        }
        // Nothing is allocated from the declared shape: the data (bounded by the body size) must match it exactly.
        List<Double> flat = new ArrayList<>();
        flatten(input.get("data"), flat);
        BigInteger declared = BigInteger.valueOf(rows).multiply(BigInteger.valueOf(columns));
        if (!declared.equals(BigInteger.valueOf(flat.size()))) {
            throw new BadInput("input data has " + flat.size() + " values; shape " + shape + " needs " + declared);
        }
        int rowCount = (int) rows;
        double[][] matrix = new double[rowCount][width];
        for (int i = 0; i < flat.size(); i++) {
            matrix[i / width][i % width] = flat.get(i);
        }
        return matrix;
    }

    private static void flatten(JsonNode data, List<Double> into) {
        if (data == null || data.isNull()) {
            throw new BadInput("input 'data' is required");
        }
        if (data.isArray()) {
            data.forEach(d -> flatten(d, into));
        } else if (data.isNumber()) {
            into.add(data.doubleValue());
        } else {
            throw new BadInput("input data holds a value that is not a number: " + data);
        }
    }

    static Map<String, Object> response(ModelService model, List<Prediction> predictions, JsonNode id) {
        var outputs = new ArrayList<Map<String, Object>>();
        int n = predictions.size();
        if (model.config().output().classification()) {
            outputs.add(output("label", "BYTES", List.of(n), predictions.stream().map(Prediction::label).toList()));
            if (predictions.get(0).probabilities() != null) {
                int k = predictions.get(0).probabilities().length;
                var data = new ArrayList<Double>(n * k);
                predictions.forEach(p -> { for (double v : p.probabilities()) { data.add(v); } });
                outputs.add(output("probabilities", "FP32", List.of(n, k), data));
            }
        } else {
            int k = predictions.get(0).values().length;
            var data = new ArrayList<Double>(n * k);
            predictions.forEach(p -> { for (double v : p.values()) { data.add(v); } });
            outputs.add(output("output", "FP32", List.of(n, k), data));
        }
        var response = new LinkedHashMap<String, Object>();
        response.put("model_name", model.config().name());
        response.put("model_version", model.version());
        if (id != null && !id.isNull()) {
            response.put("id", id.asText());
        }
        response.put("outputs", outputs);
        return response;
    }

    private static Map<String, Object> tensor(String name, String datatype, List<Integer> shape) {
        var tensor = new LinkedHashMap<String, Object>();
        tensor.put("name", name);
        tensor.put("datatype", datatype);
        tensor.put("shape", shape);
        return tensor;
    }

    private static Map<String, Object> output(String name, String datatype, List<Integer> shape, List<?> data) {
        var tensor = tensor(name, datatype, shape);
        tensor.put("data", data);
        return tensor;
    }
}

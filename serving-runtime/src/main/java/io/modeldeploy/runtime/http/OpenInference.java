package io.modeldeploy.runtime.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.modeldeploy.runtime.inference.BadInput;
import io.modeldeploy.runtime.inference.ModelService;
import io.modeldeploy.runtime.inference.Prediction;

/**
 * The Open Inference Protocol v2 (KServe, Triton) shapes: model metadata and the response's output tensors (the
 * request's one input tensor of raw features is read by {@link RequestBodies}). The model config's pre- and post-processing apply, so v2
 * clients send the same raw features as /predict clients.
 */
final class OpenInference {
    static final String INPUT = "input";
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

    /** The names of the model's output tensors, as its metadata lists them. */
    @SuppressWarnings("unchecked")
    static List<String> outputNames(ModelService model) {
        return ((List<Map<String, Object>>) metadata(model).get("outputs")).stream()
                .map(o -> (String) o.get("name")).toList();
    }

    /** The request, once every output it names is one of the model's. */
    static RequestBodies.Inference checked(ModelService model, RequestBodies.Inference request) {
        if (request.outputs().isEmpty()) {
            return request; // the usual request: no metadata built on the inference path
        }
        List<String> names = outputNames(model);
        for (String requested : request.outputs()) {
            if (!names.contains(requested)) {
                throw new BadInput("the model has no output '" + requested + "'; its outputs are "
                        + String.join(", ", names));
            }
        }
        return request;
    }

    /** The outputs the request asked for (all without {@code outputs}), as OIP tensors. */
    static Map<String, Object> response(ModelService model, List<Prediction> predictions,
            RequestBodies.Inference request) {
        var all = outputs(model, predictions);
        var outputs = request.outputs().isEmpty() ? all : all.stream()
                .filter(o -> request.outputs().contains((String) o.get("name"))).toList();
        var response = new LinkedHashMap<String, Object>();
        response.put("model_name", model.config().name());
        response.put("model_version", model.version());
        if (request.id() != null) {
            response.put("id", request.id());
        }
        response.put("outputs", outputs);
        return response;
    }

    private static List<Map<String, Object>> outputs(ModelService model, List<Prediction> predictions) {
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
        return outputs;
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

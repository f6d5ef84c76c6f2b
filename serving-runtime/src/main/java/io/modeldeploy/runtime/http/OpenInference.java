package io.modeldeploy.runtime.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.modeldeploy.runtime.inference.BadInput;
import io.modeldeploy.runtime.inference.Categories;
import io.modeldeploy.runtime.inference.ModelService;
import io.modeldeploy.runtime.inference.Prediction;

/**
 * The Open Inference Protocol v2 (KServe, Triton, MLServer) for the served model, whichever transport carries it
 * (REST here, gRPC in {@code io.modeldeploy.runtime.grpc}): its input and output tensors and the outputs of a
 * set of predictions. The model config's pre- and post-processing apply, so v2 clients send the same raw features
 * as /predict clients.
 */
public final class OpenInference {
    public static final String INPUT = "input";
    public static final String SERVER_NAME = "modeldeploy-serving-runtime";
    /** The protocol extensions served, as Triton names them: raw tensors after a REST request's JSON. */
    public static final List<String> EXTENSIONS = List.of("binary_tensor_data");
    /** The datatypes a numeric input tensor may have; each value is read as a number. */
    public static final java.util.Set<String> NUMERIC = java.util.Set.of("FP16", "FP32", "FP64", "INT8", "INT16",
            "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64");
    private static final Map<String, String> PLATFORMS = Map.of("onnx", "onnxruntime_onnx", "pytorch",
            "pytorch_libtorch", "xgboost", "xgboost");

    private OpenInference() {
    }

    /**
     * A numeric input tensor's declared shape, {@code [rows, columns]} or {@code [columns]}, checked against a model
     * that takes {@code columns} features; both transports check an input with it, in the same words.
     *
     * @param written the shape as the request wrote it, for messages
     */
    public record InputShape(long rows, long columns, String written) {
        /**
         * The shape of the input {@code name}, once its datatype is numeric, it has one or two sizes, each at least
         * 1, and its last is {@code width}.
         *
         * @param sizes the sizes as declared (-1 for one that is no whole number), or null without a shape
         */
        public static InputShape checked(String name, String datatype, long[] sizes, String written, int width) {
            if (!NUMERIC.contains(datatype)) {
                throw new BadInput("input '" + name + "' has datatype '" + datatype
                        + "'; send a numeric tensor, e.g. FP32");
            }
            return of(sizes, written, width);
        }

        private static InputShape of(long[] sizes, String written, int width) {
            if (sizes == null || sizes.length == 0 || sizes.length > 2) {
                throw new BadInput("input shape must be [rows, " + width + "] or [" + width + "]");
            }
            for (long size : sizes) {
                if (size < 1) {
                    throw new BadInput("input shape " + written + ": sizes are whole numbers of at least 1");
                }
            }
            long columns = sizes[sizes.length - 1];
            if (columns != width) {
                throw new BadInput("input shape " + written + " has " + columns + " features; the model takes "
                        + width);
            }
            return new InputShape(sizes.length == 2 ? sizes[0] : 1, columns, written);
        }

        /**
         * Checks that {@code values} values fill the shape exactly: nothing is sized from a declared shape, only
         * from the values sent, which the body bounds. Compared by division, as the product could overflow.
         */
        public void checkCount(long values) {
            if (values % columns != 0 || values / columns != rows) {
                throw new BadInput("input data has " + values + " values; shape " + written + " needs "
                        + java.math.BigInteger.valueOf(rows).multiply(java.math.BigInteger.valueOf(columns)));
            }
        }
    }

    /**
     * The columnar form of an infer request's inputs, one tensor {@code [rows]} or {@code [rows, 1]} per feature
     * named as the model's features; both transports check it with these, in the same words.
     */
    public static final class Columns {
        private Columns() {
        }

        /**
         * For each of the model's {@code features}, the index of the input that holds it, once every input names a
         * feature, none twice, and none is missing.
         */
        public static int[] byFeature(List<String> inputNames, List<String> features) {
            int[] byFeature = new int[features.size()];
            java.util.Arrays.fill(byFeature, -1);
            for (int i = 0; i < inputNames.size(); i++) {
                String name = inputNames.get(i);
                int feature = features.indexOf(name);
                if (feature < 0) {
                    throw new BadInput("input '" + name + "' is no feature of this model; with one tensor per "
                            + "feature, the inputs are named " + String.join(", ", features));
                }
                if (byFeature[feature] >= 0) {
                    throw new BadInput("input '" + name + "' is given twice");
                }
                byFeature[feature] = i;
            }
            var missing = new ArrayList<String>();
            for (int f = 0; f < byFeature.length; f++) {
                if (byFeature[f] < 0) {
                    missing.add(features.get(f));
                }
            }
            if (!missing.isEmpty()) {
                throw new BadInput("with one tensor per feature, every feature needs one; missing: "
                        + String.join(", ", missing));
            }
            return byFeature;
        }

        /**
         * A column's shape, {@code [rows]} or {@code [rows, 1]}, checked as an input of one feature: numeric, or
         * BYTES for a categorical feature.
         *
         * @param feature the feature's index, its categories in {@code categories}
         */
        public static InputShape checked(String name, String datatype, long[] sizes, String written,
                Categories categories, int feature) {
            // [rows] is a column: its one size is the row count.
            long[] column = sizes != null && sizes.length == 1 ? new long[] {sizes[0], 1} : sizes;
            boolean strings = categories.categorical(feature);
            if (strings != "BYTES".equals(datatype)) {
                throw new BadInput(strings ? "input '" + name + "' has datatype '" + datatype + "'; "
                        + name + " is categorical: send a BYTES tensor of strings, each one of "
                        + Categories.quoted(categories.values(feature)) : "input '" + name + "' has datatype '"
                        + datatype + "'; " + name + " is a number: send a numeric tensor, e.g. FP32");
            }
            try {
                return strings ? InputShape.of(column, written, 1) : InputShape.checked(name, datatype, column,
                        written, 1);
            } catch (BadInput e) {
                if (e.getMessage().startsWith("input shape must be")
                        || e.getMessage().contains(" features; the model takes ")) {
                    throw new BadInput("input '" + name + "': with one tensor per feature, each has shape [rows] or "
                            + "[rows, 1], not " + written);
                }
                throw e;
            }
        }

        /** Checks that a column has as many rows as the first; returns its row count. */
        public static long sameRows(long rows, String name, long firstRows, String firstName) {
            if (firstRows >= 0 && rows != firstRows) {
                throw new BadInput("input '" + name + "' has " + rows + " rows, input '" + firstName + "' "
                        + firstRows + "; every feature needs a value in every row");
            }
            return rows;
        }

        /**
         * Checks that a request with one input tensor is in the columnar form when the model has categorical
         * features: a tensor has one datatype, so only one tensor per feature can carry both strings and numbers.
         */
        public static void checkOneTensor(String name, List<String> features, Categories categories) {
            if (categories.any() && !features.contains(name)) {
                throw new BadInput("this model has categorical features (" + String.join(", ", categories.names())
                        + "), so it takes one tensor [rows] per feature, named " + String.join(", ", features)
                        + ": BYTES strings for " + String.join(", ", categories.names()) + ", numbers for the "
                        + "others; input '" + name + "' is no feature");
            }
        }

        /** The message for a request with more input tensors than the model has features. */
        public static String tooMany(int width, int tensors) {
            return "this model takes one input tensor [rows, " + width + "], or one tensor [rows] per feature ("
                    + width + "); the request has " + tensors;
        }
    }

    /** A tensor's name, datatype and shape, -1 for a size that varies. */
    public record TensorSpec(String name, String datatype, List<Integer> shape) {
    }

    /**
     * One output tensor of a set of predictions: labels (datatype BYTES) or numbers, row after row.
     *
     * @param labels the values of a BYTES tensor, else null
     * @param values the values of a numeric tensor, else null
     */
    public record OutputTensor(String name, String datatype, List<Integer> shape, List<String> labels,
            double[] values) {
    }

    /**
     * Why a request for the model {@code name} (and {@code version}, when not null or empty) is not for the served
     * model, or empty when it is: both transports answer these words (REST 404, gRPC NOT_FOUND).
     */
    public static java.util.Optional<String> notServed(ModelService model, String name, String version) {
        if (!model.config().name().equals(name)) {
            return java.util.Optional.of("unknown model '" + name + "'; this server serves '" + model.config().name()
                    + "'");
        }
        if (version != null && !version.isEmpty() && !model.version().equals(version)) {
            return java.util.Optional.of("model '" + name + "' version '" + version + "' is not served here; this "
                    + "server serves version '" + model.version() + "'");
        }
        return java.util.Optional.empty();
    }

    public static String platform(ModelService model) {
        return PLATFORMS.get(model.config().formatName());
    }

    /**
     * The inputs the model's metadata names: one tensor of raw features, a row per prediction; for a model with
     * categorical features, which one tensor cannot hold next to numbers, one tensor per feature (the columnar form,
     * which every model also takes).
     */
    public static List<TensorSpec> inputs(ModelService model) {
        List<String> features = model.config().features();
        if (!model.categories().any()) {
            return List.of(new TensorSpec(INPUT, "FP32", List.of(-1, features.size())));
        }
        var inputs = new ArrayList<TensorSpec>();
        for (int f = 0; f < features.size(); f++) {
            inputs.add(new TensorSpec(features.get(f), model.categories().categorical(f) ? "BYTES" : "FP32",
                    List.of(-1)));
        }
        return inputs;
    }

    public static List<TensorSpec> outputs(ModelService model) {
        var config = model.config();
        if (config.output().classification()) {
            return List.of(new TensorSpec("label", "BYTES", List.of(-1)),
                    new TensorSpec("probabilities", "FP32", List.of(-1, config.output().labels().size())));
        }
        return List.of(new TensorSpec("output", "FP32", List.of(-1, -1)));
    }

    /** The names of the model's output tensors, as its metadata lists them. */
    public static List<String> outputNames(ModelService model) {
        return outputs(model).stream().map(TensorSpec::name).toList();
    }

    /** The outputs a request names, once each is one of the model's; none (all) stays none. */
    public static List<String> checkedOutputs(ModelService model, List<String> requested) {
        if (requested.isEmpty()) {
            return requested; // the usual request: no metadata built on the inference path
        }
        List<String> names = outputNames(model);
        for (String name : requested) {
            if (!names.contains(name)) {
                throw new BadInput("the model has no output '" + name + "'; its outputs are "
                        + String.join(", ", names));
            }
        }
        return requested;
    }

    /** The outputs a request asked for (all for none), with the predictions' values. */
    public static List<OutputTensor> outputTensors(ModelService model, List<Prediction> predictions,
            List<String> requested) {
        var all = new ArrayList<OutputTensor>();
        int n = predictions.size();
        if (model.config().output().classification()) {
            all.add(new OutputTensor("label", "BYTES", List.of(n), predictions.stream().map(Prediction::label)
                    .toList(), null));
            if (predictions.get(0).probabilities() != null) {
                int k = predictions.get(0).probabilities().length;
                all.add(new OutputTensor("probabilities", "FP32", List.of(n, k), null, flat(predictions, k, true)));
            }
        } else {
            int k = predictions.get(0).values().length;
            all.add(new OutputTensor("output", "FP32", List.of(n, k), null, flat(predictions, k, false)));
        }
        return requested.isEmpty() ? all : all.stream().filter(o -> requested.contains(o.name())).toList();
    }

    private static double[] flat(List<Prediction> predictions, int k, boolean probabilities) {
        double[] data = new double[predictions.size() * k];
        for (int r = 0; r < predictions.size(); r++) {
            Prediction p = predictions.get(r);
            System.arraycopy(probabilities ? p.probabilities() : p.values(), 0, data, r * k, k);
        }
        return data;
    }

    /**
     * A prediction's rows as a JSON infer request in the columnar form, one FP64 tensor {@code [rows]} per numeric
     * feature and one BYTES tensor per categorical one, named as model.json names them: the form any version of the
     * model reads, whatever the order of its features. What a shadow server gets for a request that came as raw
     * bytes or over gRPC.
     */
    public static Map<String, Object> columnsRequest(ModelService model, double[][] rows) {
        List<String> features = model.config().features();
        Categories categories = model.categories();
        var inputs = new ArrayList<Map<String, Object>>(features.size());
        for (int f = 0; f < features.size(); f++) {
            Object data;
            if (categories.categorical(f)) {
                var column = new ArrayList<String>(rows.length);
                for (double[] row : rows) {
                    column.add(categories.value(f, (int) row[f]));
                }
                data = column;
            } else {
                double[] column = new double[rows.length];
                for (int r = 0; r < rows.length; r++) {
                    column[r] = rows[r][f];
                }
                data = column;
            }
            var tensor = json(new TensorSpec(features.get(f), categories.categorical(f) ? "BYTES" : "FP64",
                    List.of(rows.length)));
            tensor.put("data", data);
            inputs.add(tensor);
        }
        return Map.of("inputs", inputs);
    }

    /** The JSON infer answer with every output: what a shadow's answer to a {@link #columnsRequest} is compared to. */
    public static Map<String, Object> jsonAnswer(ModelService model, List<Prediction> predictions) {
        return Map.of("outputs", outputTensors(model, predictions, List.of()).stream().map(OpenInference::json)
                .toList());
    }

    /** The REST path of the model's infer endpoint. */
    public static String inferPath(ModelService model) {
        return "/v2/models/" + model.config().name() + "/infer";
    }

    /** Model metadata as REST answers it. */
    static Map<String, Object> metadata(ModelService model) {
        var metadata = new LinkedHashMap<String, Object>();
        metadata.put("name", model.config().name());
        metadata.put("versions", List.of(model.version()));
        metadata.put("platform", platform(model));
        metadata.put("inputs", inputs(model).stream().map(OpenInference::json).toList());
        metadata.put("outputs", outputs(model).stream().map(OpenInference::json).toList());
        return metadata;
    }

    /** The request, once every output it names is one of the model's. */
    static RequestBodies.Inference checked(ModelService model, RequestBodies.Inference request) {
        checkedOutputs(model, request.outputs());
        return request;
    }

    /**
     * The outputs the request asked for (all without {@code outputs}), as REST answers them: JSON, or, when the
     * request asks for raw outputs (the binary tensor data extension), a {@link BinaryAnswer}.
     */
    static Object response(ModelService model, List<Prediction> predictions, RequestBodies.Inference request) {
        var response = new LinkedHashMap<String, Object>();
        response.put("model_name", model.config().name());
        response.put("model_version", model.version());
        if (request.id() != null) {
            response.put("id", request.id());
        }
        var outputs = new ArrayList<Map<String, Object>>();
        var raw = new java.io.ByteArrayOutputStream();
        for (OutputTensor output : outputTensors(model, predictions, request.outputs())) {
            if (request.binary(output.name())) {
                byte[] bytes = RawTensors.of(output);
                var tensor = json(new TensorSpec(output.name(), output.datatype(), output.shape()));
                tensor.put("parameters", Map.of("binary_data_size", bytes.length));
                outputs.add(tensor);
                raw.writeBytes(bytes);
            } else {
                outputs.add(json(output));
            }
        }
        response.put("outputs", outputs);
        return raw.size() == 0 ? response : new BinaryAnswer(response, raw.toByteArray());
    }

    /**
     * An answer in the binary tensor data extension: the JSON {@code header}, whose outputs name their
     * {@code binary_data_size}, then their raw bytes in order.
     */
    record BinaryAnswer(Map<String, Object> header, byte[] raw) {
    }

    private static Map<String, Object> json(TensorSpec spec) {
        var tensor = new LinkedHashMap<String, Object>();
        tensor.put("name", spec.name());
        tensor.put("datatype", spec.datatype());
        tensor.put("shape", spec.shape());
        return tensor;
    }

    private static Map<String, Object> json(OutputTensor output) {
        var tensor = json(new TensorSpec(output.name(), output.datatype(), output.shape()));
        tensor.put("data", output.labels() != null ? output.labels() : output.values());
        return tensor;
    }
}

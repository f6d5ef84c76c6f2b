package io.modeldeploy.runtime.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

import io.modeldeploy.runtime.inference.BadInput;
import io.modeldeploy.runtime.inference.Categories;

/**
 * The prediction endpoints' request bodies, read token by token straight into primitive arrays: no tree of the
 * body is built and nothing is sized from what a request declares, only from the body's own length. Reading a body
 * allocates at most 12 times its size (each number takes at least 2 bytes of JSON and 8 as a double, in a buffer
 * and then in its row; {@code RequestBodiesTest} measures the densest bodies; the binary extension's raw bytes
 * cost at most 8 each, an INT8 as a double in its row, plus the buffer sized from the JSON header's length alone),
 * and the body size is capped, so no
 * body of any shape, count or nesting makes the server allocate more. Callers run this off the event loop.
 */
final class RequestBodies {
    private RequestBodies() {
    }

    /**
     * A v2 infer request: its one input tensor as rows, the request's id (null without one), the output tensors
     * it names in {@code outputs} (empty: all of them), and which outputs to answer as raw bytes (the binary tensor
     * data extension): the ones whose {@code parameters.binary_data} is true, else all with the request's
     * {@code parameters.binary_data_output}.
     */
    record Inference(double[][] rows, String id, List<String> outputs, boolean binaryByDefault,
            Map<String, Boolean> binaryByOutput) {
        Inference(double[][] rows, String id) {
            this(rows, id, List.of(), false, Map.of());
        }

        boolean binary(String output) {
            return binaryByOutput.getOrDefault(output, binaryByDefault);
        }
    }

    /** The header of the binary tensor data extension: the length of the JSON that starts the body. */
    static final String BINARY_HEADER_LENGTH = "Inference-Header-Content-Length";

    /**
     * The rows of a /predict body {@code {"features": [[...], ...]}} (one flat list is one row): numbers, and for a
     * categorical feature one of its values as a string, held as its code.
     */
    static double[][] features(byte[] body, Categories categories) {
        return read(body, parser -> {
            double[][] rows = null;
            for (JsonToken field = next(parser); field == JsonToken.FIELD_NAME; field = next(parser)) {
                String name = parser.currentName();
                JsonToken value = next(parser);
                if ("features".equals(name)) {
                    rows = featureRows(parser, value, mostValues(body), categories);
                } else {
                    parser.skipChildren();
                }
            }
            if (rows == null) {
                throw new BadInput("'features' is required: a list of rows, each a list of numbers");
            }
            return rows;
        });
    }

    private static double[][] featureRows(JsonParser parser, JsonToken value, int mostValues, Categories categories)
            throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.START_ARRAY) {
            throw new BadInput("'features' must be a list of rows, each a list of numbers");
        }
        JsonToken first = next(parser);
        if (first == JsonToken.END_ARRAY) {
            return new double[0][];
        }
        if (first != JsonToken.START_ARRAY) {
            // One flat list of numbers: one row.
            return new double[][] {row(parser, first, 0, new Values(mostValues), categories)};
        }
        List<double[]> rows = new ArrayList<>();
        Values values = new Values(16);
        for (JsonToken token = first; token != JsonToken.END_ARRAY; token = next(parser)) {
            if (token != JsonToken.START_ARRAY) {
                throw new BadInput("'features' row " + rows.size() + " is not a list of numbers");
            }
            rows.add(row(parser, next(parser), rows.size(), values, categories));
        }
        return rows.toArray(new double[0][]);
    }

    /** The values of one row, from its first token to its closing bracket. */
    private static double[] row(JsonParser parser, JsonToken first, int r, Values values, Categories categories)
            throws IOException {
        values.clear();
        for (JsonToken token = first; token != JsonToken.END_ARRAY; token = next(parser)) {
            int feature = values.size();
            if (categories.categorical(feature)) {
                int code = token == JsonToken.VALUE_STRING ? categories.codeFromAny(feature, anyCode(parser,
                        categories)) : -1;
                if (code < 0) {
                    throw categories.unknown(feature, "'features' row " + r + ", value " + feature,
                            describe(parser, token));
                }
                values.add(code);
                continue;
            }
            if (!token.isNumeric()) {
                throw new BadInput("'features' row " + r + ", value " + values.size() + " is not a number: "
                        + describe(parser, token));
            }
            values.add(parser.getDoubleValue());
        }
        return values.toArray();
    }

    /**
     * The v2 infer request's one input tensor {@code {name, shape, datatype, data}} as rows of {@code width}
     * features; data flat or nested. Checked in this order, whatever the order of the fields: datatype, shape,
     * the data's values, their count against the shape.
     */
    static Inference inference(byte[] body, int width) {
        var features = java.util.stream.IntStream.range(0, width).mapToObj(i -> "x" + i).toList();
        return inference(body, null, features, Categories.none(features));
    }

    /**
     * A v2 infer request, JSON alone or, with the binary tensor data extension, a JSON header of
     * {@code headerLength} bytes followed by the input's raw bytes ({@code parameters.binary_data_size}). Its
     * inputs are one tensor {@code [rows, features]}, or one tensor {@code [rows]} per feature, named as the model
     * names its features (the columnar form MLServer's and pandas' codecs send), in any order: BYTES strings for a
     * categorical feature, which a model with one takes in this form only.
     *
     * @param headerLength the {@value #BINARY_HEADER_LENGTH} header as sent, or null without one
     * @param features the model's feature names, in the order its rows take them
     */
    static Inference inference(byte[] body, String headerLength, List<String> features, Categories categories) {
        int width = features.size();
        int jsonLength = jsonLength(body, headerLength);
        ByteBuffer binary = ByteBuffer.wrap(body == null ? new byte[0] : body, jsonLength,
                body == null ? 0 : body.length - jsonLength);
        return read(body, jsonLength, parser -> {
            // Every tensor's values go into one buffer, so several tensors cost what one of their size would.
            Values values = new Values(jsonLength / 2 + 1); // as mostValues, of the JSON
            List<Tensor> read = new ArrayList<>();
            int tensors = 0;
            String id = null;
            boolean binaryByDefault = false;
            var outputs = new ArrayList<String>();
            var binaryByOutput = new HashMap<String, Boolean>();
            for (JsonToken field = next(parser); field == JsonToken.FIELD_NAME; field = next(parser)) {
                String name = parser.currentName();
                JsonToken value = next(parser);
                if ("inputs".equals(name) && value == JsonToken.START_ARRAY) {
                    tensors = 0;
                    read.clear();
                    values.clear();
                    for (JsonToken t = next(parser); t != JsonToken.END_ARRAY; t = next(parser)) {
                        if (tensors++ < Math.max(width, 1) && t == JsonToken.START_OBJECT) {
                            read.add(Tensor.read(parser, values, categories));
                        } else {
                            parser.skipChildren();
                        }
                    }
                } else if ("id".equals(name) && value.isScalarValue() && value != JsonToken.VALUE_NULL) {
                    id = parser.getText();
                } else if ("outputs".equals(name) && value == JsonToken.START_ARRAY) {
                    for (JsonToken t = next(parser); t != JsonToken.END_ARRAY; t = next(parser)) {
                        outputs.add(output(parser, t, binaryByOutput));
                    }
                } else if ("parameters".equals(name) && value == JsonToken.START_OBJECT) {
                    binaryByDefault = Boolean.TRUE.equals(booleanParameter(parser, "binary_data_output"));
                } else {
                    parser.skipChildren();
                }
            }
            if (tensors == 0) {
                throw new BadInput("'inputs' is required: a list with one tensor {name, shape, datatype, data}");
            }
            if (read.size() != tensors) {
                throw new BadInput(tensors > Math.max(width, 1) ? OpenInference.Columns.tooMany(width, tensors)
                        : "'inputs' must hold tensors {name, shape, datatype, data}");
            }
            if (read.size() == 1) {
                OpenInference.Columns.checkOneTensor(read.get(0).name, features, categories);
            }
            double[][] rows = read.size() == 1 && !categories.any() ? read.get(0).rows(width, binary)
                    : Tensor.columns(read, features, categories, binary);
            return new Inference(rows, id, List.copyOf(outputs), binaryByDefault, Map.copyOf(binaryByOutput));
        });
    }

    /** Where the JSON ends: the whole body, or the binary extension's header length once checked. */
    private static int jsonLength(byte[] body, String headerLength) {
        int length = body == null ? 0 : body.length;
        if (headerLength == null) {
            return length;
        }
        long declared;
        try {
            declared = Long.parseLong(headerLength.trim());
        } catch (NumberFormatException e) {
            declared = -1;
        }
        if (declared < 1 || declared > length) {
            throw new BadInput(BINARY_HEADER_LENGTH + " must be the length of the JSON that starts the body, from 1 "
                    + "to the body's " + length + " bytes, not '" + headerLength + "'");
        }
        return (int) declared;
    }

    /** Reads a {@code parameters} object for one boolean; null when it is not there or not a boolean. */
    private static Boolean booleanParameter(JsonParser parser, String key) throws IOException {
        Boolean found = null;
        for (JsonToken field = next(parser); field == JsonToken.FIELD_NAME; field = next(parser)) {
            String name = parser.currentName();
            JsonToken value = next(parser);
            if (key.equals(name) && value.isBoolean()) {
                found = value == JsonToken.VALUE_TRUE;
            } else {
                parser.skipChildren();
            }
        }
        return found;
    }

    /**
     * The name of one requested output {@code {"name": ..., "parameters": {"binary_data": ...}}}; its
     * {@code binary_data}, when it has one, goes into {@code binary}.
     */
    private static String output(JsonParser parser, JsonToken start, Map<String, Boolean> binary)
            throws IOException {
        if (start != JsonToken.START_OBJECT) {
            throw new BadInput("'outputs' must be a list of {\"name\": ...} objects");
        }
        String name = null;
        Boolean binaryData = null;
        for (JsonToken field = next(parser); field == JsonToken.FIELD_NAME; field = next(parser)) {
            String key = parser.currentName();
            JsonToken value = next(parser);
            if ("name".equals(key) && value == JsonToken.VALUE_STRING) {
                name = parser.getText();
            } else if ("parameters".equals(key) && value == JsonToken.START_OBJECT) {
                binaryData = booleanParameter(parser, "binary_data");
            } else {
                parser.skipChildren();
            }
        }
        if (name == null) {
            throw new BadInput("each of 'outputs' needs a \"name\"");
        }
        if (binaryData != null) {
            binary.put(name, binaryData);
        }
        return name;
    }

    /** One input tensor as read, checked by {@link #rows}. */
    private static final class Tensor {
        private String name = "";
        private String datatype = "";
        /** The shape's sizes as written (at most three kept), or null without a shape list. */
        private List<String> shape;
        private int shapeSizes;
        /** The buffer its values are in, from {@link #from}, shared with the request's other tensors. */
        private final Values data;
        private int from;
        private int count;
        private boolean hasData;
        /** The first value that is not a number (for a numeric input's error), or null. */
        private String notANumber;
        /** The first value that is not a string (for a BYTES input's error), or null. */
        private String notAString;
        /**
         * The first string no categorical feature has, or null; each string is held as its
         * {@link Categories#anyCode}.
         */
        private String unknownString;
        private final Categories categories;
        /** The input's {@code parameters.binary_data_size}: its raw bytes follow the JSON; -1 without. */
        private long binarySize = -1;

        private Tensor(Values data, Categories categories) {
            this.data = data;
            this.from = data.size();
            this.categories = categories;
        }

        static Tensor read(JsonParser parser, Values data, Categories categories) throws IOException {
            Tensor tensor = new Tensor(data, categories);
            for (JsonToken field = next(parser); field == JsonToken.FIELD_NAME; field = next(parser)) {
                String key = parser.currentName();
                JsonToken value = next(parser);
                switch (key) {
                    case "name" -> tensor.name = value.isScalarValue() ? parser.getText() : skip(parser);
                    case "datatype" -> tensor.datatype = value == JsonToken.VALUE_STRING ? parser.getText() : skip(parser);
                    case "shape" -> tensor.readShape(parser, value);
                    case "data" -> tensor.readData(parser, value);
                    case "parameters" -> tensor.readParameters(parser, value);
                    default -> parser.skipChildren();
                }
            }
            return tensor;
        }

        private void readParameters(JsonParser parser, JsonToken value) throws IOException {
            if (value != JsonToken.START_OBJECT) {
                parser.skipChildren();
                return;
            }
            for (JsonToken field = next(parser); field == JsonToken.FIELD_NAME; field = next(parser)) {
                String key = parser.currentName();
                JsonToken parameter = next(parser);
                if ("binary_data_size".equals(key)) {
                    binarySize = parameter == JsonToken.VALUE_NUMBER_INT && parser.getLongValue() >= 0
                            ? parser.getLongValue() : -2;
                }
                parser.skipChildren();
            }
        }

        private static String skip(JsonParser parser) throws IOException {
            parser.skipChildren();
            return "";
        }

        private void readShape(JsonParser parser, JsonToken value) throws IOException {
            if (value != JsonToken.START_ARRAY) {
                parser.skipChildren();
                shape = null;
                return;
            }
            shape = new ArrayList<>();
            shapeSizes = 0;
            for (JsonToken token = next(parser); token != JsonToken.END_ARRAY; token = next(parser)) {
                if (shapeSizes++ < 3) {
                    shape.add(token.isScalarValue() ? parser.getText() : "?");
                }
                parser.skipChildren();
            }
        }

        /**
         * Flattens nested lists of numbers or strings; the first value that is not a number, and the first that is
         * not a string, are kept for the errors.
         */
        private void readData(JsonParser parser, JsonToken value) throws IOException {
            data.truncate(from); // a second 'data' replaces the first
            count = 0;
            notANumber = null;
            notAString = null;
            unknownString = null;
            hasData = value != JsonToken.VALUE_NULL;
            if (value != JsonToken.START_ARRAY) {
                if (hasData) {
                    value(parser, value);
                }
                return;
            }
            int depth = 1;
            while (depth > 0) {
                JsonToken token = next(parser);
                if (token == JsonToken.START_ARRAY) {
                    depth++;
                } else if (token == JsonToken.END_ARRAY) {
                    depth--;
                } else {
                    value(parser, token);
                }
            }
        }

        /** One value of the data: a number, a string (as its code), or anything else, noted for the error. */
        private void value(JsonParser parser, JsonToken token) throws IOException {
            if (token.isNumeric()) {
                add(parser.getDoubleValue());
                if (notAString == null) {
                    notAString = describe(parser, token);
                }
            } else if (token == JsonToken.VALUE_STRING) {
                int code = anyCode(parser, categories);
                if (notANumber == null) {
                    notANumber = describe(parser, token);
                }
                if (code < 0 && unknownString == null) {
                    unknownString = describe(parser, token);
                }
                add(code);
            } else {
                if (notANumber == null) {
                    notANumber = describe(parser, token);
                }
                if (notAString == null) {
                    notAString = describe(parser, token);
                }
                parser.skipChildren();
            }
        }

        private void add(double value) {
            data.add(value);
            count++;
        }

        /** @param binary what follows the JSON (binary tensor data extension), empty without */
        double[][] rows(int width, ByteBuffer binary) {
            var checked = OpenInference.InputShape.checked(name, datatype, sizes(), writtenShape(), width);
            if (binarySize == -2) {
                throw new BadInput("input '" + name + "': binary_data_size must be a whole number of bytes");
            }
            if (binarySize >= 0) {
                if (hasData) {
                    throw new BadInput("input '" + name + "' has both 'data' and binary_data_size; send its values "
                            + "in one of them");
                }
                if (binary.remaining() != binarySize) {
                    throw new BadInput("input '" + name + "' declares binary_data_size " + binarySize + "; the body "
                            + "has " + binary.remaining() + " bytes after its JSON (" + BINARY_HEADER_LENGTH + ")");
                }
                return RawTensors.rows(binary, datatype, checked);
            }
            if (binary.hasRemaining()) {
                throw new BadInput("the body has " + binary.remaining() + " bytes after its JSON ("
                        + BINARY_HEADER_LENGTH + ") but no input declares parameters.binary_data_size");
            }
            if (!hasData) {
                throw new BadInput("input 'data' is required");
            }
            if (notANumber != null) {
                throw new BadInput("input data holds a value that is not a number: " + notANumber);
            }
            checked.checkCount(count);
            double[][] matrix = new double[(int) checked.rows()][];
            for (int r = 0; r < matrix.length; r++) {
                matrix[r] = data.slice(from + r * width, width);
            }
            return matrix;
        }

        /**
         * One tensor per feature, each {@code [rows]} or {@code [rows, 1]} of JSON data or raw bytes (the binary
         * extension's, in the order of the request's inputs), as rows in the model's feature order; a categorical
         * feature's values are strings, held as their codes. Checked in this order: names, the raw bytes' sizes,
         * then each tensor as one tensor is, then the row counts.
         */
        static double[][] columns(List<Tensor> tensors, List<String> features, Categories categories,
                ByteBuffer binary) {
            int[] byFeature = OpenInference.Columns.byFeature(tensors.stream().map(t -> t.name).toList(), features);
            ByteBuffer[] raw = rawData(tensors, binary);
            double[][] values = new double[features.size()][];
            long rows = -1;
            for (int f = 0; f < byFeature.length; f++) {
                Tensor tensor = tensors.get(byFeature[f]);
                var checked = OpenInference.Columns.checked(tensor.name, tensor.datatype, tensor.sizes(),
                        tensor.writtenShape(), categories, f);
                boolean strings = categories.categorical(f);
                if (raw[byFeature[f]] != null) {
                    values[f] = strings ? RawTensors.codes(raw[byFeature[f]], checked, categories, f, tensor.name)
                            : RawTensors.column(raw[byFeature[f]], tensor.datatype, checked);
                } else {
                    tensor.checkData(strings);
                    checked.checkCount(tensor.count);
                }
                rows = OpenInference.Columns.sameRows(checked.rows(), tensor.name, rows,
                        tensors.get(byFeature[0]).name);
            }
            double[][] matrix = new double[(int) rows][features.size()];
            for (int f = 0; f < byFeature.length; f++) {
                Tensor tensor = tensors.get(byFeature[f]);
                for (int r = 0; r < rows; r++) {
                    double value = values[f] != null ? values[f][r] : tensor.data.get(tensor.from + r);
                    if (values[f] == null && categories.categorical(f)) {
                        int code = categories.codeFromAny(f, (int) value);
                        if (code < 0) {
                            throw categories.unknown(f, "input '" + tensor.name + "' row " + r, value >= 0
                                    ? Categories.quote(categories.anyValue((int) value)) : tensor.unknownString);
                        }
                        value = code;
                    }
                    matrix[r][f] = value;
                }
            }
            return matrix;
        }

        /** Checks that a tensor read from JSON has data of its kind: numbers, or strings when {@code strings}. */
        private void checkData(boolean strings) {
            if (!hasData) {
                throw new BadInput("input '" + name + "': 'data' is required");
            }
            if (!strings && notANumber != null) {
                throw new BadInput("input '" + name + "' holds a value that is not a number: " + notANumber);
            }
            if (strings && notAString != null) {
                throw new BadInput("input '" + name + "' holds a value that is not a string: " + notAString);
            }
        }

        /**
         * Each tensor's raw bytes (null for one read from JSON): the binary extension's bytes after the JSON, in the
         * order of the request's inputs, each as long as its {@code binary_data_size}, together all of them.
         */
        private static ByteBuffer[] rawData(List<Tensor> tensors, ByteBuffer binary) {
            ByteBuffer[] raw = new ByteBuffer[tensors.size()];
            ByteBuffer rest = binary.slice();
            for (int i = 0; i < tensors.size(); i++) {
                Tensor tensor = tensors.get(i);
                if (tensor.binarySize == -2) {
                    throw new BadInput("input '" + tensor.name + "': binary_data_size must be a whole number of "
                            + "bytes");
                }
                if (tensor.binarySize < 0) {
                    continue;
                }
                if (tensor.hasData) {
                    throw new BadInput("input '" + tensor.name + "' has both 'data' and binary_data_size; send its "
                            + "values in one of them");
                }
                if (tensor.binarySize > rest.remaining()) {
                    throw new BadInput("input '" + tensor.name + "' declares binary_data_size " + tensor.binarySize
                            + "; the body has " + rest.remaining() + " bytes left after its JSON ("
                            + BINARY_HEADER_LENGTH + ") and the inputs before it");
                }
                raw[i] = rest.slice(rest.position(), (int) tensor.binarySize);
                rest.position(rest.position() + (int) tensor.binarySize);
            }
            if (rest.hasRemaining()) {
                throw new BadInput("the body has " + rest.remaining() + " bytes after its JSON (" + BINARY_HEADER_LENGTH
                        + ") that no input declares in parameters.binary_data_size");
            }
            return raw;
        }

        /**
         * The shape's sizes (-1 for one that is no whole number), or null without a shape; at most three are kept:
         * enough to tell a shape of more than two.
         */
        private long[] sizes() {
            return shape == null ? null : shape.stream().mapToLong(Tensor::wholeNumber).toArray();
        }

        /** The shape as the request wrote it, for messages; null without one. */
        private String writtenShape() {
            return shape == null ? null : "[" + String.join(",", shape) + "]";
        }

        /** A shape size as written: a whole number that fits a long, else -1. */
        private static long wholeNumber(String written) {
            try {
                return Long.parseLong(written);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }

    /**
     * The most numbers a body can hold: each takes a digit and a separator. A buffer of this size never grows, so
     * a long list costs its values once here and once in its row, not a series of ever larger copies.
     */
    private static int mostValues(byte[] body) {
        return body.length / 2 + 1;
    }

    /** A growing list of doubles, reused row after row. */
    private static final class Values {
        private static final double[] NONE = new double[0];
        private double[] values;
        private int size;

        Values(int capacity) {
            values = new double[Math.max(capacity, 1)];
        }

        void add(double value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        int size() {
            return size;
        }

        void clear() {
            size = 0;
        }

        /** Drops the values from {@code newSize} on. */
        void truncate(int newSize) {
            size = Math.min(size, newSize);
        }

        double get(int index) {
            return values[index];
        }

        double[] toArray() {
            return size == 0 ? NONE : Arrays.copyOf(values, size); // empty rows, refused later, share one array
        }

        double[] slice(int from, int length) {
            return Arrays.copyOfRange(values, from, from + length);
        }
    }

    /** What a token that should have been a number is, for an error message; strings quoted and shortened. */
    private static String describe(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case START_ARRAY -> "a list";
            case START_OBJECT -> "an object";
            case VALUE_STRING -> {
                String text = parser.getText();
                yield Json.MAPPER.writeValueAsString(text.length() > 40 ? text.substring(0, 40) + "..." : text);
            }
            default -> parser.getText();
        };
    }

    /** The {@link Categories#anyCode} of the string token at the parser, read from its buffer: no string made. */
    private static int anyCode(JsonParser parser, Categories categories) throws IOException {
        return categories.anyCode(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
    }

    /** The next token; the body ending inside a value is invalid JSON. */
    private static JsonToken next(JsonParser parser) throws IOException {
        JsonToken token = parser.nextToken();
        if (token == null) {
            throw new BadInput("the request body is not valid JSON: it ends before its last value does");
        }
        return token;
    }

    private interface Reader<T> {
        T read(JsonParser parser) throws IOException;
    }

    /** Parses a body that must be one JSON object, mapping the parser's failures to the client's 400. */
    private static <T> T read(byte[] body, Reader<T> reader) {
        return read(body, body == null ? 0 : body.length, reader);
    }

    /** Parses the body's first {@code length} bytes, which must be one JSON object. */
    private static <T> T read(byte[] body, int length, Reader<T> reader) {
        if (body == null || body.length == 0) {
            throw new BadInput("the request has no body; send JSON");
        }
        try (JsonParser parser = Json.MAPPER.createParser(body, 0, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new BadInput("the request body must be a JSON object");
            }
            T result = reader.read(parser);
            if (parser.nextToken() != null) {
                throw new BadInput("the request body has more after its JSON object");
            }
            return result;
        } catch (StreamConstraintsException e) {
            if (String.valueOf(e.getOriginalMessage()).contains("nesting depth")) {
                throw new BadInput("the request body nests arrays or objects deeper than " + Json.MAX_DEPTH
                        + " levels");
            }
            throw new BadInput("the request body is beyond what this server reads: " + e.getOriginalMessage());
        } catch (JsonParseException e) {
            throw new BadInput("the request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadInput("the request body cannot be read: " + e.getMessage());
        }
    }
}

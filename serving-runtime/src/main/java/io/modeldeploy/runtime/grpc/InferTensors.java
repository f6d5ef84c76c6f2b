package io.modeldeploy.runtime.grpc;

import java.util.List;

import com.google.protobuf.ByteString;

import io.modeldeploy.runtime.grpc.proto.InferTensorContents;
import io.modeldeploy.runtime.grpc.proto.ModelInferRequest;
import io.modeldeploy.runtime.grpc.proto.ModelInferResponse;
import io.modeldeploy.runtime.http.OpenInference;
import io.modeldeploy.runtime.http.RawTensors;
import io.modeldeploy.runtime.inference.BadInput;
import io.modeldeploy.runtime.inference.Categories;

/**
 * A gRPC infer request's one input tensor into rows of raw features, and output tensors into a response: the same
 * checks and messages as the REST protocol, on the protocol buffer's typed contents or its raw little-endian bytes.
 * Nothing is sized from a declared shape: the values sent (bounded by the message size) must match it exactly.
 */
final class InferTensors {
    private InferTensors() {
    }

    /** The rows of a request to a model whose features are all numbers. */
    static double[][] rows(ModelInferRequest request, List<String> features) {
        return rows(request, features, Categories.none(features));
    }

    /**
     * The rows the request's inputs hold: one tensor {@code [rows, features]}, or one tensor {@code [rows]} per
     * feature named as the model's {@code features} (in any order), BYTES for a categorical feature (held as its
     * code), which a model with one takes in this form only.
     */
    static double[][] rows(ModelInferRequest request, List<String> features, Categories categories) {
        int width = features.size();
        if (request.getInputsCount() == 0) {
            throw new BadInput("'inputs' is required: one tensor {name, datatype, shape, contents}");
        }
        if (request.getInputsCount() > Math.max(width, 1)) {
            throw new BadInput(OpenInference.Columns.tooMany(width, request.getInputsCount()));
        }
        if (request.getInputsCount() == 1) {
            OpenInference.Columns.checkOneTensor(request.getInputs(0).getName(), features, categories);
        }
        if (request.getInputsCount() > 1 || categories.any()) {
            return columns(request, features, categories);
        }
        var input = request.getInputs(0);
        String datatype = input.getDatatype();
        var shape = OpenInference.InputShape.checked(input.getName(), datatype,
                input.getShapeList().stream().mapToLong(Long::longValue).toArray(),
                input.getShapeList().toString().replace(" ", ""), width);
        if (request.getRawInputContentsCount() > 0) {
            if (request.getRawInputContentsCount() != 1) {
                throw new BadInput("raw_input_contents has " + request.getRawInputContentsCount()
                        + " entries; the request has 1 input");
            }
            if (input.hasContents()) {
                throw new BadInput("input '" + input.getName() + "' has contents although the request sends "
                        + "raw_input_contents; send its values in one of them");
            }
            return RawTensors.rows(request.getRawInputContents(0).asReadOnlyByteBuffer(), datatype, shape);
        }
        double[] values = typed(input.getContents(), datatype);
        shape.checkCount(values.length);
        double[][] matrix = new double[(int) shape.rows()][width];
        for (int r = 0; r < matrix.length; r++) {
            System.arraycopy(values, r * width, matrix[r], 0, width);
        }
        return matrix;
    }

    /** One tensor per feature, each its typed contents or its entry of raw_input_contents, as rows. */
    private static double[][] columns(ModelInferRequest request, List<String> features, Categories categories) {
        var names = request.getInputsList().stream().map(i -> i.getName()).toList();
        int[] byFeature = OpenInference.Columns.byFeature(names, features);
        boolean raw = request.getRawInputContentsCount() > 0;
        if (raw && request.getRawInputContentsCount() != request.getInputsCount()) {
            throw new BadInput("raw_input_contents has " + request.getRawInputContentsCount() + " entries; the "
                    + "request has " + request.getInputsCount() + " inputs");
        }
        double[][] matrix = null;
        long rows = -1;
        for (int f = 0; f < byFeature.length; f++) {
            var input = request.getInputs(byFeature[f]);
            var shape = OpenInference.Columns.checked(input.getName(), input.getDatatype(),
                    input.getShapeList().stream().mapToLong(Long::longValue).toArray(),
                    input.getShapeList().toString().replace(" ", ""), categories, f);
            boolean strings = categories.categorical(f);
            double[] column;
            if (raw) {
                if (input.hasContents()) {
                    throw new BadInput("input '" + input.getName() + "' has contents although the request sends "
                            + "raw_input_contents; send its values in one of them");
                }
                var bytes = request.getRawInputContents(byFeature[f]).asReadOnlyByteBuffer();
                column = strings ? RawTensors.codes(bytes, shape, categories, f, input.getName())
                        : RawTensors.column(bytes, input.getDatatype(), shape);
            } else {
                column = strings ? codes(input.getName(), input.getContents(), categories, f)
                        : typed(input.getContents(), input.getDatatype());
                shape.checkCount(column.length);
            }
            rows = OpenInference.Columns.sameRows(shape.rows(), input.getName(), rows,
                    request.getInputs(byFeature[0]).getName());
            if (matrix == null) {
                matrix = new double[(int) rows][features.size()];
            }
            for (int r = 0; r < rows; r++) {
                matrix[r][f] = column[r];
            }
        }
        return matrix;
    }

    /** The codes of a categorical feature's values in bytes_contents, each a UTF-8 string. */
    private static double[] codes(String name, InferTensorContents contents, Categories categories, int feature) {
        double[] codes = new double[contents.getBytesContentsCount()];
        for (int r = 0; r < codes.length; r++) {
            codes[r] = categories.checkedCode(feature, contents.getBytesContents(r).toStringUtf8(),
                    "input '" + name + "' row " + r);
        }
        return codes;
    }

    /** The values in the contents field of the datatype; FP16 has none, it travels raw only. */
    private static double[] typed(InferTensorContents contents, String datatype) {
        return switch (datatype) {
            case "FP32" -> contents.getFp32ContentsList().stream().mapToDouble(Float::doubleValue).toArray();
            case "FP64" -> contents.getFp64ContentsList().stream().mapToDouble(Double::doubleValue).toArray();
            case "INT8", "INT16", "INT32" -> contents.getIntContentsList().stream().mapToDouble(Integer::doubleValue)
                    .toArray();
            case "INT64" -> contents.getInt64ContentsList().stream().mapToDouble(Long::doubleValue).toArray();
            case "UINT8", "UINT16", "UINT32" -> contents.getUintContentsList().stream()
                    .mapToDouble(Integer::toUnsignedLong).toArray();
            case "UINT64" -> contents.getUint64ContentsList().stream().mapToDouble(RawTensors::unsigned).toArray();
            default -> throw new BadInput("an " + datatype + " input travels in raw_input_contents; contents has no "
                    + "field for it");
        };
    }

    /** The response's outputs, their values as raw little-endian bytes, as Triton answers (its client reads them). */
    static void write(List<OpenInference.OutputTensor> outputs, ModelInferResponse.Builder response) {
        for (var output : outputs) {
            var tensor = response.addOutputsBuilder().setName(output.name()).setDatatype(output.datatype());
            output.shape().forEach(size -> tensor.addShape(size));
            response.addRawOutputContents(ByteString.copyFrom(RawTensors.of(output)));
        }
    }
}

package io.modeldeploy.runtime.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import io.modeldeploy.runtime.grpc.proto.InferTensorContents;
import io.modeldeploy.runtime.grpc.proto.ModelInferRequest;
import io.modeldeploy.runtime.http.RawTensors;
import io.modeldeploy.runtime.inference.BadInput;

/** Every numeric datatype read from raw little-endian bytes and from typed contents, to the same values. */
class InferTensorsTest {
    private static final List<String> FEATURES = List.of("sepal_length", "sepal_width", "petal_length", "petal_width");

    @Test
    void halfPrecisionValuesReadAsTheirFloats() {
        assertThat(RawTensors.halfToFloat((short) 0x3c00)).isEqualTo(1.0f);
        assertThat(RawTensors.halfToFloat((short) 0xc000)).isEqualTo(-2.0f);
        assertThat(RawTensors.halfToFloat((short) 0x4248)).isEqualTo(3.140625f);
        assertThat(RawTensors.halfToFloat((short) 0x7bff)).isEqualTo(65504f); // the largest
        assertThat(RawTensors.halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f); // the smallest subnormal
        assertThat(RawTensors.halfToFloat((short) 0x8000)).isEqualTo(-0.0f);
        assertThat(RawTensors.halfToFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(RawTensors.halfToFloat((short) 0x7e00)).isNaN();
    }

    @Test
    void rawValuesOfEachWidthAndSignednessAreReadLittleEndian() {
        assertThat(raw("FP16", buffer(8).putShort((short) 0x3c00).putShort((short) 0xc000).putShort((short) 0x4248)
                .putShort((short) 0))).containsExactly(1.0, -2.0, 3.140625, 0.0);
        assertThat(raw("INT8", buffer(4).put((byte) -1).put((byte) 127).put((byte) -128).put((byte) 0)))
                .containsExactly(-1, 127, -128, 0);
        assertThat(raw("UINT8", buffer(4).put((byte) -1).put((byte) 127).put((byte) -128).put((byte) 0)))
                .containsExactly(255, 127, 128, 0);
        assertThat(raw("UINT16", buffer(8).putShort((short) -1).putShort((short) 1).putShort((short) 0)
                .putShort((short) 0x8000))).containsExactly(65535, 1, 0, 32768);
        assertThat(raw("UINT32", buffer(16).putInt(-1).putInt(1).putInt(0).putInt(7)))
                .containsExactly(4294967295.0, 1, 0, 7);
        assertThat(raw("INT64", buffer(32).putLong(-5).putLong(Long.MAX_VALUE).putLong(0).putLong(1)))
                .containsExactly(-5, 9.223372036854775807E18, 0, 1);
        assertThat(raw("UINT64", buffer(32).putLong(-1).putLong(1).putLong(0).putLong(2)))
                .containsExactly(1.8446744073709552E19, 1, 0, 2);
        assertThat(raw("FP64", buffer(32).putDouble(5.1).putDouble(-3.5).putDouble(1e-300).putDouble(0.2)))
                .containsExactly(5.1, -3.5, 1e-300, 0.2);
    }

    @Test
    void typedContentsAreReadFromTheirDatatypesField() {
        assertThat(typed("INT16", InferTensorContents.newBuilder().addIntContents(-3).addIntContents(2)
                .addIntContents(0).addIntContents(9))).containsExactly(-3, 2, 0, 9);
        assertThat(typed("UINT32", InferTensorContents.newBuilder().addUintContents(-1).addUintContents(2)
                .addUintContents(0).addUintContents(9))).containsExactly(4294967295.0, 2, 0, 9);
        assertThat(typed("UINT64", InferTensorContents.newBuilder().addUint64Contents(-1).addUint64Contents(2)
                .addUint64Contents(0).addUint64Contents(9))).containsExactly(1.8446744073709552E19, 2, 0, 9);
        assertThatThrownBy(() -> typed("FP16", InferTensorContents.newBuilder().addFp32Contents(1)))
                .isInstanceOf(BadInput.class).hasMessage("an FP16 input travels in raw_input_contents; contents has "
                        + "no field for it");
        assertThatThrownBy(() -> typed("FP32", InferTensorContents.newBuilder().addFp64Contents(1)
                .addFp64Contents(2).addFp64Contents(3).addFp64Contents(4))).isInstanceOf(BadInput.class)
                .hasMessage("input data has 0 values; shape [1,4] needs 4");
    }

    @Test
    void rawBytesThatAreNotWholeValuesOrSeveralEntriesAreRefused() {
        assertThatThrownBy(() -> raw("FP32", buffer(15).put(new byte[15]))).isInstanceOf(BadInput.class)
                .hasMessage("the raw data holds 15 bytes, not a whole number of FP32 values of 4 bytes");
        var twoEntries = request("FP32").addRawInputContents(ByteString.copyFrom(new byte[16]))
                .addRawInputContents(ByteString.copyFrom(new byte[16])).build();
        assertThatThrownBy(() -> InferTensors.rows(twoEntries, FEATURES)).isInstanceOf(BadInput.class)
                .hasMessage("raw_input_contents has 2 entries; the request has 1 input");
    }

    @Test
    void oneTensorPerFeatureIsReadByNameFromTypedOrRawContents() {
        var typed = ModelInferRequest.newBuilder().setModelName("m");
        double[][] columns = {{5.1, 6.2}, {3.5, 3.4}, {1.4, 5.4}, {0.2, 2.3}};
        for (int f = FEATURES.size() - 1; f >= 0; f--) {
            var contents = InferTensorContents.newBuilder();
            for (double v : columns[f]) {
                contents.addFp64Contents(v);
            }
            typed.addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName(FEATURES.get(f))
                    .setDatatype("FP64").addShape(2).setContents(contents));
        }
        var raw = ModelInferRequest.newBuilder().setModelName("m");
        for (int f = 0; f < FEATURES.size(); f++) {
            raw.addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName(FEATURES.get(f))
                    .setDatatype("FP32").addShape(2).addShape(1));
            raw.addRawInputContents(ByteString.copyFrom(buffer(8).putFloat((float) columns[f][0])
                    .putFloat((float) columns[f][1]).flip()));
        }

        assertThat(InferTensors.rows(typed.build(), FEATURES)).isDeepEqualTo(new double[][] {
            {5.1, 3.5, 1.4, 0.2}, {6.2, 3.4, 5.4, 2.3}});
        double[][] fromRaw = InferTensors.rows(raw.build(), FEATURES);
        assertThat(fromRaw[1][2]).isEqualTo((double) 5.4f);
        assertThat(fromRaw[0]).containsExactly(5.1f, 3.5f, 1.4f, 0.2f);

        var threeEntries = raw.build().toBuilder().clearRawInputContents().addAllRawInputContents(
                raw.getRawInputContentsList().subList(0, 3));
        assertThatThrownBy(() -> InferTensors.rows(threeEntries.build(), FEATURES)).isInstanceOf(BadInput.class)
                .hasMessage("raw_input_contents has 3 entries; the request has 4 inputs");
        typed.removeInputs(0);
        assertThatThrownBy(() -> InferTensors.rows(typed.build(), FEATURES)).isInstanceOf(BadInput.class)
                .hasMessage("with one tensor per feature, every feature needs one; missing: petal_width");
    }

    private static ByteBuffer buffer(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ModelInferRequest.Builder request(String datatype) {
        return ModelInferRequest.newBuilder().setModelName("m").addInputs(ModelInferRequest.InferInputTensor
                .newBuilder().setName("input").setDatatype(datatype).addShape(1).addShape(4));
    }

    private static double[] raw(String datatype, ByteBuffer values) {
        return InferTensors.rows(request(datatype).addRawInputContents(ByteString.copyFrom(values.flip())).build(),
                FEATURES)[0];
    }

    private static double[] typed(String datatype, InferTensorContents.Builder contents) {
        var request = request(datatype);
        request.getInputsBuilder(0).setContents(contents);
        return InferTensors.rows(request.build(), FEATURES)[0];
    }
}

package io.modeldeploy.runtime.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.modeldeploy.runtime.inference.BadInput;
import io.modeldeploy.runtime.inference.Categories;

/**
 * Tensors as raw bytes, the form both transports of the Open Inference Protocol share: gRPC's
 * {@code raw_input_contents} and {@code raw_output_contents}, and REST's binary tensor data extension. Numbers are
 * little-endian in their datatype's width; each BYTES element is its length (4 bytes, little-endian) and its bytes.
 */
public final class RawTensors {
    private RawTensors() {
    }

    /** The width in bytes of one value of a numeric datatype. */
    public static int width(String datatype) {
        return switch (datatype) {
            case "INT8", "UINT8" -> 1;
            case "FP16", "INT16", "UINT16" -> 2;
            case "FP32", "INT32", "UINT32" -> 4;
            case "FP64", "INT64", "UINT64" -> 8;
            default -> throw new IllegalArgumentException("not a numeric datatype: " + datatype);
        };
    }

    /**
     * The raw values as the rows of {@code shape}. The count is checked before anything is allocated, and the values
     * go straight into the rows: at most 8 bytes per byte received (INT8), once.
     */
    public static double[][] rows(ByteBuffer raw, String datatype, OpenInference.InputShape shape) {
        ByteBuffer bytes = counted(raw, datatype, shape);
        double[][] matrix = new double[(int) shape.rows()][(int) shape.columns()];
        for (double[] row : matrix) {
            for (int i = 0; i < row.length; i++) {
                row[i] = next(bytes, datatype);
            }
        }
        return matrix;
    }

    /**
     * The raw values of a column {@code [rows]} or {@code [rows, 1]}, checked as {@link #rows} checks them: at most
     * 8 bytes per byte received (INT8), once.
     */
    public static double[] column(ByteBuffer raw, String datatype, OpenInference.InputShape shape) {
        ByteBuffer bytes = counted(raw, datatype, shape);
        double[] column = new double[(int) shape.rows()];
        for (int r = 0; r < column.length; r++) {
            column[r] = next(bytes, datatype);
        }
        return column;
    }

    /** The raw values as little-endian bytes, once they fill the shape exactly. */
    private static ByteBuffer counted(ByteBuffer raw, String datatype, OpenInference.InputShape shape) {
        ByteBuffer bytes = raw.slice().order(ByteOrder.LITTLE_ENDIAN);
        int size = width(datatype);
        if (bytes.remaining() % size != 0) {
            throw new BadInput("the raw data holds " + bytes.remaining() + " bytes, not a whole number of "
                    + datatype + " values of " + size + " bytes");
        }
        shape.checkCount(bytes.remaining() / size);
        return bytes;
    }

    /** The next value of a numeric datatype. */
    private static double next(ByteBuffer bytes, String datatype) {
        return switch (datatype) {
            case "INT8" -> bytes.get();
            case "UINT8" -> Byte.toUnsignedInt(bytes.get());
            case "INT16" -> bytes.getShort();
            case "UINT16" -> Short.toUnsignedInt(bytes.getShort());
            case "FP16" -> halfToFloat(bytes.getShort());
            case "INT32" -> bytes.getInt();
            case "UINT32" -> Integer.toUnsignedLong(bytes.getInt());
            case "FP32" -> bytes.getFloat();
            case "INT64" -> bytes.getLong();
            case "UINT64" -> unsigned(bytes.getLong());
            default -> bytes.getDouble(); // FP64
        };
    }

    /**
     * A raw BYTES column of the categorical {@code feature}, each element the code of its value (see
     * {@link Categories}). The elements are counted and checked against the shape before anything is allocated:
     * 8 bytes per element, each taking at least 4.
     *
     * @param name the input's name, for messages
     */
    public static double[] codes(ByteBuffer raw, OpenInference.InputShape shape, Categories categories, int feature,
            String name) {
        ByteBuffer bytes = raw.slice().order(ByteOrder.LITTLE_ENDIAN);
        long count = 0;
        while (bytes.hasRemaining()) {
            int length = bytes.remaining() < 4 ? -1 : bytes.getInt();
            if (length < 0 || length > bytes.remaining()) {
                throw new BadInput("input '" + name + "': the raw BYTES data breaks off in element " + count + "; "
                        + "each element is its length (4 bytes, little-endian) and then its bytes");
            }
            bytes.position(bytes.position() + length);
            count++;
        }
        shape.checkCount(count);
        double[] codes = new double[(int) count];
        bytes.rewind();
        for (int r = 0; r < codes.length; r++) {
            byte[] utf8 = new byte[bytes.getInt()];
            bytes.get(utf8);
            codes[r] = categories.checkedCode(feature, new String(utf8, StandardCharsets.UTF_8),
                    "input '" + name + "' row " + r);
        }
        return codes;
    }

    /** An output tensor's values as raw bytes: BYTES for labels, else FP32. */
    public static byte[] of(OpenInference.OutputTensor output) {
        return output.labels() != null ? bytes(output.labels()) : fp32(output.values());
    }

    static byte[] bytes(List<String> labels) {
        var out = new ByteArrayOutputStream();
        ByteBuffer length = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        for (String label : labels) {
            byte[] utf8 = label.getBytes(StandardCharsets.UTF_8);
            out.write(length.clear().putInt(utf8.length).array(), 0, 4);
            out.write(utf8, 0, utf8.length);
        }
        return out.toByteArray();
    }

    static byte[] fp32(double[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            buffer.putFloat((float) v);
        }
        return buffer.array();
    }

    /** An unsigned 64-bit value as the nearest double. */
    public static double unsigned(long value) {
        return value >= 0 ? value : Double.parseDouble(Long.toUnsignedString(value));
    }

    /** An IEEE 754 half-precision value (Java 17 has no Float.float16ToFloat). */
    public static float halfToFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0) { // zero and subnormals: mantissa × 2^-24
            float magnitude = mantissa * 0x1p-24f;
            return sign != 0 ? -magnitude : magnitude;
        }
        if (exponent == 0x1f) { // infinities and NaN
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
}

package io.modeldeploy.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;

import io.modeldeploy.runtime.config.ModelConfig;
import io.modeldeploy.runtime.inference.Categories;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stated bound on what a request body costs: reading the densest bodies of each shape the prediction endpoints
 * take (one-digit numbers, the most values per byte; empty rows, the most rows per byte) allocates at most 12 times
 * the body's size, measured by the JVM's per-thread allocation counter (garbage included, so it bounds the peak).
 */
class RequestBodiesTest {
    /** The documented bound (docs/serving-runtime.md): a request costs at most this many times its body. */
    private static final int BOUND = 12;
    private static final int SIZE = 4 << 20;

    static Stream<Arguments> densestBodies() {
        return Stream.of(
                Arguments.of("/predict, rows of one-digit numbers", predict("[1,2,3,4]")),
                Arguments.of("/predict, one long row", "{\"features\": [" + "1,".repeat(SIZE / 2) + "1]}"),
                Arguments.of("/predict, empty rows", predict("[]")),
                Arguments.of("v2 infer, flat data", inference(SIZE / 2, "1,".repeat(SIZE / 2 - 1) + "1")),
                Arguments.of("v2 infer, nested data", inference(SIZE / 10, "[1,2,3,4],".repeat(SIZE / 10 / 4 - 1)
                        + "[1,2,3,4]")),
                Arguments.of("v2 infer, one tensor per feature", columns(SIZE / 8)),
                Arguments.of("/predict, rows of one-letter categories", predict("[\"a\",2,3,\"b\"]")),
                Arguments.of("v2 infer, BYTES tensors of one-letter categories", bytesColumns(SIZE / 12)));
    }

    private static String predict(String row) {
        int rows = SIZE / (row.length() + 1);
        return "{\"features\": [" + (row + ",").repeat(rows - 1) + row + "]}";
    }

    private static String inference(int values, String data) {
        return "{\"inputs\": [{\"name\": \"input\", \"shape\": [" + values / 4 + ", 4], \"datatype\": \"FP32\", "
                + "\"data\": [" + data + "]}]}";
    }

    /** Four tensors, one per feature: x0 and x3 of one-letter strings, x1 and x2 of one-digit numbers. */
    private static String bytesColumns(int rows) {
        var tensors = new java.util.ArrayList<String>();
        for (int f = 0; f < 4; f++) {
            boolean strings = f == 0 || f == 3;
            tensors.add("{\"name\": \"x" + f + "\", \"shape\": [" + rows + "], \"datatype\": \""
                    + (strings ? "BYTES" : "FP32") + "\", \"data\": [" + (strings ? "\"a\"," : "1,").repeat(rows - 1)
                    + (strings ? "\"b\"" : "1") + "]}");
        }
        return "{\"inputs\": [" + String.join(", ", tensors) + "]}";
    }

    /** Four tensors of one-digit numbers, one per feature, {@code rows} values each. */
    private static String columns(int rows) {
        var tensors = new java.util.ArrayList<String>();
        for (int f = 0; f < 4; f++) {
            tensors.add("{\"name\": \"x" + f + "\", \"shape\": [" + rows + "], \"datatype\": \"FP32\", \"data\": ["
                    + "1,".repeat(rows - 1) + "1]}");
        }
        return "{\"inputs\": [" + String.join(", ", tensors) + "]}";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("densestBodies")
    void readingABodyAllocatesAtMostTwelveTimesItsSize(String name, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        boolean v2 = json.startsWith("{\"inputs\"");
        // Features x0 to x3, x0 and x3 categorical when the body has strings.
        var features = java.util.List.of("x0", "x1", "x2", "x3");
        var categories = json.contains("\"a\"") ? new Categories(new ModelConfig("m", "onnx", "m.onnx", null, features,
                java.util.Map.of("x0", java.util.List.of("a", "b"), "x3", java.util.List.of("b", "a")), null, null,
                null, new ModelConfig.Output("regression", null, null, null))) : Categories.none(features);
        Supplier<Object> read = v2 ? () -> RequestBodies.inference(body, null, features, categories)
                : () -> RequestBodies.features(body, categories);
        read.get(); // warm up: classes loaded, code compiled

        long allocated = allocatedBy(read);

        System.out.printf("[request-bodies] %s: body %,d bytes, read %,d bytes allocated (%.1fx)%n",
                name, body.length, allocated, (double) allocated / body.length);
        assertThat(allocated).as("%s: bytes allocated for a body of %d", name, body.length)
                .isLessThanOrEqualTo((long) BOUND * body.length);
    }

    private static long allocatedBy(Supplier<Object> work) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        Object result = work.get();
        long after = threads.getThreadAllocatedBytes(id);
        assertThat(result).isNotNull();
        return after - before;
    }
}

package io.modeldeploy.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The Open Inference Protocol's binary tensor data extension over real HTTP, which Triton's and KServe's clients
 * use by default: a JSON header of {@code Inference-Header-Content-Length} bytes, then the input's raw bytes; raw
 * outputs when the request asks for them; each inconsistency a 400 that names it.
 */
class BinaryTensorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final float[] SEED = {5.1f, 3.5f, 1.4f, 0.2f, 6.2f, 3.4f, 5.4f, 2.3f};
    @TempDir
    static Path cache;
    static TestRuntime runtime;

    @BeforeAll
    static void start() throws Exception {
        runtime = TestRuntime.start(ExampleModels.iris(), cache);
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    @Test
    void rawInputsAreReadAndRawOutputsFollowTheJsonHeader() throws Exception {
        byte[] raw = fp32(SEED);
        String header = "{\"inputs\": [{\"name\": \"input\", \"shape\": [2, 4], \"datatype\": \"FP32\", "
                + "\"parameters\": {\"binary_data_size\": " + raw.length + "}}], "
                + "\"outputs\": [{\"name\": \"label\", \"parameters\": {\"binary_data\": true}}, "
                + "{\"name\": \"probabilities\", \"parameters\": {\"binary_data\": false}}]}";

        HttpResponse<byte[]> response = post(header, raw, "application/octet-stream");

        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        int jsonLength = Integer.parseInt(response.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
        JsonNode json = JSON.readTree(Arrays.copyOf(response.body(), jsonLength));
        JsonNode label = json.get("outputs").get(0);
        assertThat(label.has("data")).isFalse();
        int size = label.get("parameters").get("binary_data_size").asInt();
        assertThat(size).isEqualTo(response.body().length - jsonLength);
        ByteBuffer labels = ByteBuffer.wrap(response.body(), jsonLength, size).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(string(labels)).isEqualTo("setosa");
        assertThat(string(labels)).isEqualTo("virginica");
        assertThat(json.get("outputs").get(1).get("data")).as("asked for as JSON").hasSize(6);
        assertThat(response.headers().firstValue("X-Model-Version")).hasValue("1");
    }

    @Test
    void rawInputsWithJsonOutputsAnswerPlainJson() throws Exception {
        byte[] raw = fp32(SEED);
        HttpResponse<byte[]> response = post("{\"inputs\": [{\"name\": \"input\", \"shape\": [2, 4], \"datatype\": "
                + "\"FP32\", \"parameters\": {\"binary_data_size\": 32}}]}", raw, null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(JSON.readTree(response.body()).get("outputs").get(0).get("data").toString())
                .isEqualTo("[\"setosa\",\"virginica\"]");
    }

    @Test
    void everyInconsistencyBetweenHeaderAndBytesIsA400ThatNamesIt() throws Exception {
        byte[] raw = fp32(SEED);
        String declared32 = "{\"inputs\": [{\"name\": \"input\", \"shape\": [2, 4], \"datatype\": \"FP32\", "
                + "\"parameters\": {\"binary_data_size\": 32}}]}";
        assertError(post(declared32, Arrays.copyOf(raw, 28), null),
                "input 'input' declares binary_data_size 32; the body has 28 bytes after its JSON");
        assertError(post(declared32.replace("[2, 4]", "[3, 4]"), raw, null),
                "input data has 8 values; shape [3,4] needs 12");
        assertError(post(declared32.replace("\"FP32\"", "\"FP64\""), raw, null),
                "input data has 4 values; shape [2,4] needs 8");
        assertError(post(declared32.replace("\"parameters\"", "\"data\": [1, 2, 3, 4, 5, 6, 7, 8], \"parameters\""),
                raw, null), "input 'input' has both 'data' and binary_data_size");
        assertError(post("{\"inputs\": [{\"name\": \"input\", \"shape\": [2, 4], \"datatype\": \"FP32\", "
                + "\"data\": [5.1, 3.5, 1.4, 0.2, 6.2, 3.4, 5.4, 2.3]}]}", raw, null),
                "the body has 32 bytes after its JSON (Inference-Header-Content-Length) but no input declares");
        assertError(send(HttpRequest.newBuilder(runtime.uri("/v2/models/iris/infer"))
                .header("Inference-Header-Content-Length", "4096")
                .POST(HttpRequest.BodyPublishers.ofByteArray(declared32.getBytes(StandardCharsets.UTF_8))).build()),
                "Inference-Header-Content-Length must be the length of the JSON that starts the body, from 1 to "
                        + "the body's");
        // Without the extension's header, raw bytes are still not JSON.
        var octets = send(HttpRequest.newBuilder(runtime.uri("/v2/models/iris/infer"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(raw)).build());
        assertThat(octets.statusCode()).isEqualTo(415);

        assertThat(post(declared32, raw, null).statusCode()).as("still serving").isEqualTo(200);
    }

    private static void assertError(HttpResponse<byte[]> response, String message) throws Exception {
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("error").asText()).contains(message);
    }

    private static HttpResponse<byte[]> post(String header, byte[] raw, String contentType) throws Exception {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        byte[] body = Arrays.copyOf(json, json.length + raw.length);
        System.arraycopy(raw, 0, body, json.length, raw.length);
        var request = HttpRequest.newBuilder(runtime.uri("/v2/models/iris/infer"))
                .header("Inference-Header-Content-Length", Integer.toString(json.length))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request.build());
    }

    private static HttpResponse<byte[]> send(HttpRequest request) throws Exception {
        return runtime.client().send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] fp32(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buffer.putFloat(v);
        }
        return buffer.array();
    }

    private static String string(ByteBuffer raw) {
        byte[] bytes = new byte[raw.getInt()];
        raw.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}

package io.modeldeploy.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.modeldeploy.runtime.inference.ModelService;

/**
 * Coverage-guided fuzzing (Jazzer) of the HTTP API over real HTTP, against the Iris model on the real ONNX Runtime:
 * whatever the body, /predict and /v2/models/iris/infer answer within the deadline, never with a 5xx, always with
 * JSON, and an error names the problem without a stack trace. The test JVM's heap is small (the surefire
 * configuration), so a request that makes the server allocate without bound fails the run too.
 *
 * <p>The first byte of an input chooses the request, the rest is its body: {@code P} /predict with
 * {@code Content-Type: application/json}, {@code Q} /predict without a Content-Type, {@code V} and {@code W} the same
 * for /v2/models/iris/infer (other bytes: by their two low bits). With bit 3 of the first byte set (e.g. {@code Z}),
 * the request uses the binary tensor data extension: the second byte is its {@code Inference-Header-Content-Length}
 * (0 to 255, so that it can fall inside the body or past it), the rest the body, declared as
 * {@code application/octet-stream}. Plain {@code mvn test} replays the inputs in
 * {@code src/test/resources/.../HttpApiFuzzTestInputs}; with {@code JAZZER_FUZZ=1} it fuzzes (docs/testing.md).
 */
class HttpApiFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Far above any answer's time on a busy machine; an answer later than this is a hang. */
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final String[] PATHS = {"/predict", "/predict", "/v2/models/iris/infer", "/v2/models/iris/infer"};
    private static Path cache;
    private static TestRuntime runtime;

    @BeforeAll
    static void start() throws Exception {
        cache = Files.createTempDirectory("modeldeploy-fuzz");
        runtime = TestRuntime.start(new RuntimeSettings(ExampleModels.iris().toString(), Optional.empty(),
                Optional.of("1.0.0"), "127.0.0.1", 0, cache, new ModelService.BatchingSettings(32, 0, 1000),
                1 << 20, Duration.ofSeconds(5)));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            // After everything the fuzzer sent, a good request is still answered right.
            var answer = runtime.post("/predict", "{\"features\": [[5.1, 3.5, 1.4, 0.2]]}");
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(answer.body()).get("predictions").get(0).asText()).isEqualTo("setosa");
        } finally {
            runtime.close();
        }
    }

    // The protocols' words and the sizes where arithmetic overflows, for the fuzzer to splice into bodies.
    @DictionaryEntries({"\"features\"", "\"inputs\"", "\"name\"", "\"shape\"", "\"datatype\"", "\"data\"",
        "\"parameters\"", "\"outputs\"", "\"id\"", "\"FP32\"", "\"FP64\"", "\"INT64\"", "\"BYTES\"", "\"BOOL\"",
        "\"FP16\"", "\"UINT8\"", "\"binary_data_size\"", "\"binary_data\"", "\"binary_data_output\"",
        "[[", "]]", "null", "true", "-1", "0", "65536", "1073741824", "2147483647", "2147483648", "4294967296",
        "4611686018427387904", "9223372036854775807", "1e309", "-0", "NaN"})
    @FuzzTest(maxDuration = "60s")
    void anyRequestIsAnsweredWithJsonAndNever5xx(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        int kind = input[0] & 3;
        boolean binary = (input[0] & 8) != 0 && input.length > 1;
        byte[] body = Arrays.copyOfRange(input, binary ? 2 : 1, input.length);
        HttpRequest.Builder request = HttpRequest.newBuilder(runtime.uri(PATHS[kind])).timeout(DEADLINE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (binary) {
            request.header("Inference-Header-Content-Length", Integer.toString(input[1] & 0xff))
                    .header("Content-Type", "application/octet-stream");
        } else if (kind % 2 == 0) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response;
        try {
            response = runtime.client().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new AssertionError("no answer within " + DEADLINE.toSeconds() + " s to POST " + PATHS[kind]
                    + " with " + body.length + " bytes: " + printable(body), e);
        } catch (IOException e) {
            throw new AssertionError("the connection failed on POST " + PATHS[kind] + ": " + printable(body), e);
        }

        String what = "POST " + PATHS[kind] + " " + printable(body) + " -> " + response.statusCode() + " "
                + response.body();
        assertThat(response.statusCode()).as(what).isLessThan(500);
        JsonNode answer;
        try {
            answer = JSON.readTree(response.body());
        } catch (IOException e) {
            fail("not JSON: " + what);
            return;
        }
        if (response.statusCode() >= 400) {
            assertThat(answer.path("error").isTextual()).as("an error names the problem: %s", what).isTrue();
            assertThat(response.body()).as(what).doesNotContain("Exception").doesNotContain("\tat ");
        } else {
            assertThat(response.statusCode()).as(what).isEqualTo(200);
        }
    }

    private static String printable(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
        return body.length > 300 ? text + "..." : text;
    }
}

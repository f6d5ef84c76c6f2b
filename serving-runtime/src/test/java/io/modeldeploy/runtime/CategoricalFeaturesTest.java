package io.modeldeploy.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.modeldeploy.runtime.grpc.proto.GRPCInferenceServiceGrpc;
import io.modeldeploy.runtime.grpc.proto.InferTensorContents;
import io.modeldeploy.runtime.grpc.proto.ModelInferRequest;
import io.modeldeploy.runtime.grpc.proto.ModelMetadataRequest;
import io.modeldeploy.runtime.http.OpenInference;
import io.modeldeploy.runtime.model.ModelSource;

/**
 * A model that takes strings: the penguins example (island and sex categorical, one-hot; four measurements
 * scaled), on the real ONNX Runtime engine behind real HTTP and gRPC. Every reference row gets the label and
 * probabilities Tribuo gave it, whichever way the strings travel: /predict rows mixing strings and numbers, the
 * Open Inference Protocol's BYTES tensors as JSON, raw bytes after the JSON, typed gRPC contents or raw gRPC
 * bytes; a value the feature does not have gets a 400 that lists the ones it has.
 */
class CategoricalFeaturesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PENGUINS = ExampleModels.model("penguins");
    private static final JsonNode REFERENCE = ExampleModels.reference(PENGUINS);
    private static final List<String> FEATURES = List.of("island", "culmen_length_mm", "culmen_depth_mm",
            "flipper_length_mm", "body_mass_g", "sex");

    @TempDir
    static Path cache;
    static TestRuntime runtime;
    static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        runtime = TestRuntime.start(new RuntimeSettings(PENGUINS.toString(), java.util.Optional.empty(),
                java.util.Optional.of("1"), "127.0.0.1", 0, cache,
                new io.modeldeploy.runtime.inference.ModelService.BatchingSettings(32, 0, 1000), 1 << 20,
                java.time.Duration.ofSeconds(5)).withGrpcPort(0));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", runtime.grpcPort()).usePlaintext().build();
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        runtime.close();
    }

    @Test
    void predictRowsMixStringsAndNumbersAndGetTribuosPredictions() throws Exception {
        var response = runtime.post("/predict", ExampleModels.predictBody(REFERENCE));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.get("predictions")).extracting(JsonNode::asText).isEqualTo(expectedLabels());
        JsonNode labels = answer.get("labels");
        for (int r = 0; r < REFERENCE.size(); r++) {
            for (int k = 0; k < labels.size(); k++) {
                assertThat(answer.get("probabilities").get(r).get(k).asDouble()).as("row %d P(%s)", r, labels.get(k))
                        .isCloseTo(REFERENCE.get(r).get("probabilities").get(labels.get(k).asText()).asDouble(),
                                within(1e-5));
            }
        }
    }

    @Test
    void metadataNamesOneTensorPerFeatureBytesForTheCategoricalOnes() throws Exception {
        JsonNode metadata = JSON.readTree(runtime.get("/v2/models/penguins").body());

        assertThat(metadata.get("inputs").toString()).isEqualTo("[{\"name\":\"island\",\"datatype\":\"BYTES\","
                + "\"shape\":[-1]},{\"name\":\"culmen_length_mm\",\"datatype\":\"FP32\",\"shape\":[-1]},"
                + "{\"name\":\"culmen_depth_mm\",\"datatype\":\"FP32\",\"shape\":[-1]},{\"name\":\"flipper_length_mm\","
                + "\"datatype\":\"FP32\",\"shape\":[-1]},"
                + "{\"name\":\"body_mass_g\",\"datatype\":\"FP32\",\"shape\":[-1]},"
                + "{\"name\":\"sex\",\"datatype\":\"BYTES\",\"shape\":[-1]}]");
        var grpc = GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .modelMetadata(ModelMetadataRequest.newBuilder().setName("penguins").build());
        assertThat(grpc.getInputsList()).extracting(t -> t.getName() + ":" + t.getDatatype() + t.getShapeList())
                .containsExactly("island:BYTES[-1]", "culmen_length_mm:FP32[-1]", "culmen_depth_mm:FP32[-1]",
                        "flipper_length_mm:FP32[-1]", "body_mass_g:FP32[-1]", "sex:BYTES[-1]");
    }

    @Test
    void v2BytesTensorsAsJsonGetTribuosLabels() throws Exception {
        var inputs = new ArrayList<Map<String, Object>>();
        for (int f = FEATURES.size() - 1; f >= 0; f--) { // any order
            var column = new ArrayList<Object>();
            for (JsonNode row : REFERENCE) {
                column.add(f == 0 || f == 5 ? row.get("features").get(f).asText() : row.get("features").get(f)
                        .asDouble());
            }
            inputs.add(Map.of("name", FEATURES.get(f), "datatype", f == 0 || f == 5 ? "BYTES" : "FP64", "shape",
                    List.of(column.size()), "data", column));
        }
        var response = runtime.post("/v2/models/penguins/infer", JSON.writeValueAsString(Map.of("inputs", inputs)));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("outputs").get(0).get("data")).extracting(JsonNode::asText)
                .isEqualTo(expectedLabels());
    }

    @Test
    void v2BytesTensorsAsRawBytesAfterTheJsonGetTribuosLabels() throws Exception {
        var header = new ArrayList<Map<String, Object>>();
        var raw = new ByteArrayOutputStream();
        for (int f = 0; f < FEATURES.size(); f++) {
            byte[] bytes = rawColumn(f);
            header.add(Map.of("name", FEATURES.get(f), "datatype", f == 0 || f == 5 ? "BYTES" : "FP32", "shape",
                    List.of(REFERENCE.size()), "parameters", Map.of("binary_data_size", bytes.length)));
            raw.writeBytes(bytes);
        }
        byte[] json = JSON.writeValueAsBytes(Map.of("inputs", header));
        var body = new ByteArrayOutputStream();
        body.writeBytes(json);
        body.writeBytes(raw.toByteArray());
        var response = runtime.client().send(HttpRequest.newBuilder(runtime.uri("/v2/models/penguins/infer"))
                .header("Inference-Header-Content-Length", String.valueOf(json.length))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("outputs").get(0).get("data")).extracting(JsonNode::asText)
                .isEqualTo(expectedLabels());
    }

    @Test
    void grpcBytesTensorsTypedOrRawGetTribuosLabels() {
        var grpc = GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        var typed = ModelInferRequest.newBuilder().setModelName("penguins");
        var raw = ModelInferRequest.newBuilder().setModelName("penguins");
        for (int f = 0; f < FEATURES.size(); f++) {
            var contents = InferTensorContents.newBuilder();
            for (JsonNode row : REFERENCE) {
                if (f == 0 || f == 5) {
                    contents.addBytesContents(ByteString.copyFromUtf8(row.get("features").get(f).asText()));
                } else {
                    contents.addFp32Contents((float) row.get("features").get(f).asDouble());
                }
            }
            var tensor = ModelInferRequest.InferInputTensor.newBuilder().setName(FEATURES.get(f))
                    .setDatatype(f == 0 || f == 5 ? "BYTES" : "FP32").addShape(REFERENCE.size());
            typed.addInputs(tensor.clone().setContents(contents));
            raw.addInputs(tensor).addRawInputContents(ByteString.copyFrom(rawColumn(f)));
        }

        assertThat(GrpcInferenceTest.labels(grpc.modelInfer(typed.build()).getRawOutputContents(0)))
                .isEqualTo(expectedLabels());
        assertThat(GrpcInferenceTest.labels(grpc.modelInfer(raw.build()).getRawOutputContents(0)))
                .isEqualTo(expectedLabels());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            an island it does not know | /predict | {"features": ["Mars", 39.1, 18.7, 181, 3750, "MALE"]} | 'features' row 0, value 0 is "Mars"; the categorical feature island takes one of "Biscoe", "Dream", "Torgersen"
            a number for an island | /predict | {"features": [[\"Dream\", 39.1, 18.7, 181, 3750, \"MALE\"], [2, 39.1, 18.7, 181, 3750, "MALE"]]} | 'features' row 1, value 0 is 2; the categorical feature island takes one of "Biscoe", "Dream", "Torgersen"
            a string for a measurement | /predict | {"features": ["Dream", "39.1", 18.7, 181, 3750, "MALE"]} | 'features' row 0, value 1 is not a number: "39.1"
            one numeric tensor | /v2/models/penguins/infer | {"inputs": [{"name": "input", "datatype": "FP32", "shape": [1, 6], "data": [0, 39.1, 18.7, 181, 3750, 1]}]} | this model has categorical features (island, sex), so it takes one tensor [rows] per feature, named island, culmen_length_mm, culmen_depth_mm, flipper_length_mm, body_mass_g, sex: BYTES strings for island, sex, numbers for the others; input 'input' is no feature
            an unknown sex in a BYTES tensor | /v2/models/penguins/infer | {"inputs": [{"name": "island", "datatype": "BYTES", "shape": [2], "data": ["Dream", "Biscoe"]}, {"name": "culmen_length_mm", "datatype": "FP32", "shape": [2], "data": [39.1, 40]}, {"name": "culmen_depth_mm", "datatype": "FP32", "shape": [2], "data": [18.7, 18]}, {"name": "flipper_length_mm", "datatype": "FP32", "shape": [2], "data": [181, 190]}, {"name": "body_mass_g", "datatype": "FP32", "shape": [2], "data": [3750, 3800]}, {"name": "sex", "datatype": "BYTES", "shape": [2], "data": ["MALE", "male"]}]} | input 'sex' row 1 is "male"; the categorical feature sex takes one of "FEMALE", "MALE"
            another feature's value | /v2/models/penguins/infer | {"inputs": [{"name": "island", "datatype": "BYTES", "shape": [1], "data": ["MALE"]}, {"name": "culmen_length_mm", "datatype": "FP32", "shape": [1], "data": [39.1]}, {"name": "culmen_depth_mm", "datatype": "FP32", "shape": [1], "data": [18.7]}, {"name": "flipper_length_mm", "datatype": "FP32", "shape": [1], "data": [181]}, {"name": "body_mass_g", "datatype": "FP32", "shape": [1], "data": [3750]}, {"name": "sex", "datatype": "BYTES", "shape": [1], "data": ["MALE"]}]} | input 'island' row 0 is "MALE"; the categorical feature island takes one of "Biscoe", "Dream", "Torgersen"
            a numeric island tensor | /v2/models/penguins/infer | {"inputs": [{"name": "island", "datatype": "INT32", "shape": [1], "data": [1]}, {"name": "culmen_length_mm", "datatype": "FP32", "shape": [1], "data": [39.1]}, {"name": "culmen_depth_mm", "datatype": "FP32", "shape": [1], "data": [18.7]}, {"name": "flipper_length_mm", "datatype": "FP32", "shape": [1], "data": [181]}, {"name": "body_mass_g", "datatype": "FP32", "shape": [1], "data": [3750]}, {"name": "sex", "datatype": "BYTES", "shape": [1], "data": ["MALE"]}]} | input 'island' has datatype 'INT32'; island is categorical: send a BYTES tensor of strings, each one of "Biscoe", "Dream", "Torgersen"
            numbers in a BYTES tensor | /v2/models/penguins/infer | {"inputs": [{"name": "island", "datatype": "BYTES", "shape": [1], "data": [1]}, {"name": "culmen_length_mm", "datatype": "FP32", "shape": [1], "data": [39.1]}, {"name": "culmen_depth_mm", "datatype": "FP32", "shape": [1], "data": [18.7]}, {"name": "flipper_length_mm", "datatype": "FP32", "shape": [1], "data": [181]}, {"name": "body_mass_g", "datatype": "FP32", "shape": [1], "data": [3750]}, {"name": "sex", "datatype": "BYTES", "shape": [1], "data": ["MALE"]}]} | input 'island' holds a value that is not a string: 1
            a BYTES measurement | /v2/models/penguins/infer | {"inputs": [{"name": "island", "datatype": "BYTES", "shape": [1], "data": ["Dream"]}, {"name": "culmen_length_mm", "datatype": "BYTES", "shape": [1], "data": ["39.1"]}, {"name": "culmen_depth_mm", "datatype": "FP32", "shape": [1], "data": [18.7]}, {"name": "flipper_length_mm", "datatype": "FP32", "shape": [1], "data": [181]}, {"name": "body_mass_g", "datatype": "FP32", "shape": [1], "data": [3750]}, {"name": "sex", "datatype": "BYTES", "shape": [1], "data": ["MALE"]}]} | input 'culmen_length_mm' has datatype 'BYTES'; culmen_length_mm is a number: send a numeric tensor, e.g. FP32
            """)
    void aValueTheFeatureDoesNotTakeGetsA400ThatSaysWhatItTakes(String name, String path, String body,
            String message) throws Exception {
        var response = runtime.post(path, body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("error").asText()).isEqualTo(message);
    }

    @Test
    void grpcGetsTheSameErrorForAValueTheFeatureDoesNotTake() {
        var grpc = GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        var request = ModelInferRequest.newBuilder().setModelName("penguins");
        for (int f = 0; f < FEATURES.size(); f++) {
            var contents = InferTensorContents.newBuilder();
            if (f == 0 || f == 5) {
                contents.addBytesContents(ByteString.copyFromUtf8(f == 0 ? "Atlantis" : "MALE"));
            } else {
                contents.addFp32Contents(40f);
            }
            request.addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName(FEATURES.get(f))
                    .setDatatype(f == 0 || f == 5 ? "BYTES" : "FP32").addShape(1).setContents(contents));
        }

        assertThatThrownBy(() -> grpc.modelInfer(request.build())).isInstanceOfSatisfying(
                StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).isEqualTo("input 'island' row 0 is \"Atlantis\"; the "
                            + "categorical feature island takes one of \"Biscoe\", \"Dream\", \"Torgersen\"");
                });
    }

    @Test
    void theRequestAShadowGetsCarriesTheStringsAndIsAnsweredAlike() throws Exception {
        var located = ModelSource.locate(PENGUINS.toString(), java.util.Optional.empty(), cache);
        try (var model = new io.modeldeploy.runtime.inference.ModelService(located, "1", new NoEngine(),
                new io.modeldeploy.runtime.inference.ModelService.BatchingSettings(1, 0, 10), rows -> { })) {
            double[][] rows = {{2, 39.1, 18.7, 181, 3750, 1}, {0, 46.1, 13.2, 211, 4500, 0}};

            var request = OpenInference.columnsRequest(model, rows);

            String json = JSON.writeValueAsString(request);
            assertThat(json).contains("\"name\":\"island\",\"datatype\":\"BYTES\",\"shape\":[2],\"data\":"
                    + "[\"Torgersen\",\"Biscoe\"]").contains("\"name\":\"sex\",\"datatype\":\"BYTES\",\"shape\":[2],"
                            + "\"data\":[\"MALE\",\"FEMALE\"]");
            var response = runtime.post("/v2/models/penguins/infer", json);
            assertThat(JSON.readTree(response.body()).get("outputs").get(0).get("data").toString())
                    .isEqualTo("[\"Adelie\",\"Gentoo\"]");
        }
    }

    @Test
    void theAcceptanceGateReadsReferenceRowsWithStrings() throws Exception {
        var located = ModelSource.locate(PENGUINS.toString(), java.util.Optional.empty(), cache);
        try (var model = new io.modeldeploy.runtime.inference.ModelService(located, "1",
                io.modeldeploy.runtime.inference.DjlEngine.load(located.modelFile(), "onnx"),
                new io.modeldeploy.runtime.inference.ModelService.BatchingSettings(32, 0, 1000), rows -> { })) {
            var verdict = new AcceptanceGate(OptionalDouble.of(0.99), OptionalDouble.empty()).check(model, PENGUINS);

            assertThat(verdict).hasValueSatisfying(v -> assertThat(v).startsWith("the model's accuracy 1.000 >= "
                    + "0.990 on 333 reference rows"));
        }
    }

    @Test
    void aReferenceRowWithAValueTheModelDoesNotKnowFailsTheGateNamingIt(@TempDir Path bundle) throws Exception {
        for (String file : List.of("model.json", "model.onnx", "reference.json")) {
            java.nio.file.Files.copy(PENGUINS.resolve(file), bundle.resolve(file));
        }
        Path reference = bundle.resolve("reference.json");
        java.nio.file.Files.writeString(reference, java.nio.file.Files.readString(reference)
                .replaceFirst("\"Torgersen\"", "\"Mars\""));
        var located = ModelSource.locate(bundle.toString(), java.util.Optional.empty(), cache);
        try (var model = new io.modeldeploy.runtime.inference.ModelService(located, "1",
                io.modeldeploy.runtime.inference.DjlEngine.load(located.modelFile(), "onnx"),
                new io.modeldeploy.runtime.inference.ModelService.BatchingSettings(32, 0, 1000), rows -> { })) {
            var gate = new AcceptanceGate(OptionalDouble.of(0.99), OptionalDouble.empty());

            assertThatThrownBy(() -> gate.check(model, bundle)).hasMessage("acceptance: " + reference + " row 0, "
                    + "value 0 is \"Mars\"; the categorical feature island takes one of \"Biscoe\", \"Dream\", "
                    + "\"Torgersen\"");
        }
    }

    private static List<String> expectedLabels() {
        var labels = new ArrayList<String>();
        REFERENCE.forEach(row -> labels.add(row.get("label").asText()));
        return labels;
    }

    /** Feature {@code f} of every reference row as raw bytes: BYTES elements, or FP32 values. */
    private static byte[] rawColumn(int f) {
        var out = new ByteArrayOutputStream();
        for (JsonNode row : REFERENCE) {
            JsonNode value = row.get("features").get(f);
            if (value.isTextual()) {
                byte[] utf8 = value.asText().getBytes(StandardCharsets.UTF_8);
                out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(utf8.length).array());
                out.writeBytes(utf8);
            } else {
                out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat((float) value
                        .asDouble()).array());
            }
        }
        return out.toByteArray();
    }

    /** An engine the shadow-request test never calls: it only builds a request. */
    private static final class NoEngine implements io.modeldeploy.runtime.inference.InferenceEngine {
        @Override
        public float[][] infer(float[][] batch) {
            throw new AssertionError("not called");
        }

        @Override
        public String name() {
            return "none";
        }

        @Override
        public void close() {
        }
    }
}

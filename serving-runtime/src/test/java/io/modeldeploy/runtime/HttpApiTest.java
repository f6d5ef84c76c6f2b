package io.modeldeploy.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.modeldeploy.runtime.inference.ModelService;

/** Every endpoint over real HTTP against the Iris model, and every kind of bad request answered with its 4xx. */
class HttpApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path cache;
    static TestRuntime runtime;

    @BeforeAll
    static void start() throws Exception {
        runtime = TestRuntime.start(new RuntimeSettings(ExampleModels.iris().toString(), Optional.empty(),
                Optional.of("1.0.0"), "127.0.0.1", 0, cache, new ModelService.BatchingSettings(32, 2, 100),
                64 * 1024, Duration.ofSeconds(5)));
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    @Test
    void predictAnswersTheSeedClientInTheSeedsShape() throws Exception {
        var response = post("/predict", "{\"features\": [[5.1, 3.5, 1.4, 0.2], [6.2, 3.4, 5.4, 2.3]]}");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("predictions")).hasSize(2);
        assertThat(body.get("predictions").get(0).asText()).isEqualTo("setosa");
        assertThat(body.get("predictions").get(1).asText()).isEqualTo("virginica");
        assertThat(body.get("probabilities")).hasSize(2);
        assertThat(body.get("probabilities").get(0)).hasSize(3);
        assertThat(body.get("labels").toString()).isEqualTo("[\"virginica\",\"setosa\",\"versicolor\"]");
    }

    @Test
    void predictionsSayWhichModelVersionAnswered() throws Exception {
        assertThat(post("/predict", "{\"features\": [[5.1, 3.5, 1.4, 0.2]]}").headers().firstValue("X-Model-Version"))
                .hasValue("1.0.0");
        assertThat(post("/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"input\", \"shape\": [1, 4], "
                + "\"datatype\": \"FP32\", \"data\": [5.1, 3.5, 1.4, 0.2]}]}").headers().firstValue("X-Model-Version"))
                .hasValue("1.0.0");
    }

    @Test
    void healthEndpointsReportTheLoadedModel() throws Exception {
        assertThat(get("/health").statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(get("/health").body()).get("status").asText()).isEqualTo("healthy");
        assertThat(JSON.readTree(get("/v2/health/live").body()).get("live").asBoolean()).isTrue();
        assertThat(JSON.readTree(get("/v2/health/ready").body()).get("ready").asBoolean()).isTrue();
        assertThat(JSON.readTree(get("/v2/models/iris/ready").body()).get("ready").asBoolean()).isTrue();
    }

    @Test
    void v2ModelMetadataFollowsTheOpenInferenceProtocol() throws Exception {
        JsonNode metadata = JSON.readTree(get("/v2/models/iris").body());

        assertThat(metadata.get("name").asText()).isEqualTo("iris");
        assertThat(metadata.get("versions").get(0).asText()).isEqualTo("1.0.0");
        assertThat(metadata.get("platform").asText()).isEqualTo("onnxruntime_onnx");
        assertThat(metadata.get("inputs").get(0).get("datatype").asText()).isEqualTo("FP32");
        assertThat(metadata.get("inputs").get(0).get("shape").toString()).isEqualTo("[-1,4]");
        assertThat(metadata.get("outputs")).extracting(o -> o.get("name").asText())
                .containsExactly("label", "probabilities");
        assertThat(JSON.readTree(get("/v2").body()).get("name").asText()).isEqualTo("modeldeploy-serving-runtime");
        assertThat(JSON.readTree(get("/v2").body()).get("extensions").toString()).isEqualTo("[\"binary_tensor_data\"]");
    }

    @Test
    void v2InferReturnsOutputTensors() throws Exception {
        var response = post("/v2/models/iris/infer", """
                {"id": "42", "inputs": [{"name": "input", "shape": [2, 4], "datatype": "FP32",
                  "data": [5.1, 3.5, 1.4, 0.2, 6.2, 3.4, 5.4, 2.3]}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("model_name").asText()).isEqualTo("iris");
        assertThat(body.get("model_version").asText()).isEqualTo("1.0.0");
        assertThat(body.get("id").asText()).isEqualTo("42");
        JsonNode label = body.get("outputs").get(0);
        assertThat(label.get("name").asText()).isEqualTo("label");
        assertThat(label.get("datatype").asText()).isEqualTo("BYTES");
        assertThat(label.get("shape").toString()).isEqualTo("[2]");
        assertThat(label.get("data").toString()).isEqualTo("[\"setosa\",\"virginica\"]");
        JsonNode probabilities = body.get("outputs").get(1);
        assertThat(probabilities.get("shape").toString()).isEqualTo("[2,3]");
        assertThat(probabilities.get("data")).hasSize(6);
    }

    /**
     * The columnar form MLServer's pandas codec and KServe's dataframe clients send: one tensor per feature, named as
     * the model's features, in any order, answered as the same rows in one tensor are.
     */
    @Test
    void v2InferTakesOneTensorPerFeatureByNameInAnyOrder() throws Exception {
        var columns = post("/v2/models/iris/infer", """
                {"inputs": [
                  {"name": "petal_width", "shape": [2], "datatype": "FP64", "data": [0.2, 2.3]},
                  {"name": "sepal_length", "shape": [2, 1], "datatype": "FP32", "data": [[5.1], [6.2]]},
                  {"name": "petal_length", "shape": [2], "datatype": "FP64", "data": [1.4, 5.4]},
                  {"name": "sepal_width", "shape": [2], "datatype": "INT64", "data": [3, 3]}]}""");
        var matrix = post("/v2/models/iris/infer", """
                {"inputs": [{"name": "input", "shape": [2, 4], "datatype": "FP64",
                  "data": [5.1, 3, 1.4, 0.2, 6.2, 3, 5.4, 2.3]}]}""");

        assertThat(columns.statusCode()).as(columns.body()).isEqualTo(200);
        assertThat(JSON.readTree(columns.body()).get("outputs"))
                .isEqualTo(JSON.readTree(matrix.body()).get("outputs"));
        assertThat(JSON.readTree(columns.body()).get("outputs").get(0).get("data").toString())
                .isEqualTo("[\"setosa\",\"virginica\"]");
    }

    @Test
    void v2RoutesWithTheServedVersionAnswerAsWithoutAndAnotherVersionIsNotFound() throws Exception {
        assertThat(JSON.readTree(get("/v2/models/iris/versions/1.0.0").body()).get("versions").get(0).asText())
                .isEqualTo("1.0.0");
        assertThat(get("/v2/models/iris/versions/1.0.0/ready").statusCode()).isEqualTo(200);
        var infer = post("/v2/models/iris/versions/1.0.0/infer", """
                {"inputs": [{"name": "input", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}]}""");
        assertThat(infer.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(infer.body()).get("outputs").get(0).get("data").toString()).isEqualTo("[\"setosa\"]");

        var other = get("/v2/models/iris/versions/2.0.0");
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(other.body()).get("error").asText())
                .isEqualTo("model 'iris' version '2.0.0' is not served here; this server serves version '1.0.0'");
    }

    @Test
    void v2InferAnswersOnlyTheOutputsTheRequestNames() throws Exception {
        var labelOnly = post("/v2/models/iris/infer", """
                {"inputs": [{"name": "input", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}],
                 "outputs": [{"name": "label"}]}""");
        assertThat(labelOnly.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(labelOnly.body()).get("outputs")).extracting(o -> o.get("name").asText())
                .containsExactly("label");

        var unknown = post("/v2/models/iris/infer", """
                {"inputs": [{"name": "input", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}],
                 "outputs": [{"name": "logits"}]}""");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(unknown.body()).get("error").asText())
                .isEqualTo("the model has no output 'logits'; its outputs are label, probabilities");
    }

    @Test
    void metricsCountRequestsLatencyBatchesAndModelLoadTimePerModelVersion() throws Exception {
        post("/predict", "{\"features\": [[5.1, 3.5, 1.4, 0.2]]}");
        post("/predict", "{\"features\": []}");

        String metrics = get("/metrics").body();
        assertThat(metrics).contains("modeldeploy_requests_total{endpoint=\"/predict\",model=\"iris\",status=\"200\","
                        + "version=\"1.0.0\"}")
                .contains("modeldeploy_request_latency_seconds_bucket{endpoint=\"/predict\",model=\"iris\","
                        + "version=\"1.0.0\",le=")
                .contains("modeldeploy_batch_size_count")
                .contains("modeldeploy_request_errors_total{class=\"4xx\",endpoint=\"/predict\",model=\"iris\","
                        + "status=\"400\",version=\"1.0.0\"}")
                .contains("modeldeploy_model_load_seconds")
                .contains("modeldeploy_model_fetch_seconds{source=\"file\"}");
        Path iris = ExampleModels.iris();
        long bundle = Files.size(iris.resolve("model.onnx")) + Files.size(iris.resolve("model.json"));
        assertThat(metrics).contains("modeldeploy_model_bundle_bytes{source=\"file\"} " + (double) bundle + "\n");
    }

    @Test
    void metricsCountPredictionsByLabelPerModelVersion() throws Exception {
        double before = predicted("virginica");
        post("/predict", "{\"features\": [[6.2, 3.4, 5.4, 2.3], [6.3, 3.3, 6.0, 2.5], [5.1, 3.5, 1.4, 0.2]]}");
        post("/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"input\", \"shape\": [1, 4], "
                + "\"datatype\": \"FP32\", \"data\": [6.2, 3.4, 5.4, 2.3]}]}");

        assertThat(predicted("virginica") - before).isEqualTo(3.0);
    }

    /** modeldeploy_predictions_total of the label, for the Iris model at 1.0.0, as /metrics says. */
    private static double predicted(String label) throws Exception {
        var line = java.util.regex.Pattern.compile("(?m)^modeldeploy_predictions_total\\{label=\"" + label
                + "\",model=\"iris\",version=\"1.0.0\"} (\\S+)$").matcher(get("/metrics").body());
        return line.find() ? Double.parseDouble(line.group(1)) : 0;
    }

    /** The Helm chart's Grafana dashboard queries no runtime metric that the runtime does not export. */
    @Test
    void theGrafanaDashboardsServingPanelsQueryMetricsTheRuntimeExports() throws Exception {
        post("/predict", "{\"features\": [[5.1, 3.5, 1.4, 0.2]]}");
        post("/predict", "{\"features\": []}");
        String metrics = get("/metrics").body();

        Path dashboard = ExampleModels.root().resolve("helm/modeldeploy/dashboards/modeldeploy.json");
        var queried = new java.util.TreeSet<String>();
        JSON.readTree(dashboard.toFile()).findValues("expr").forEach(expr -> java.util.regex.Pattern
                .compile("modeldeploy_[a-z_]+").matcher(expr.asText()).results()
                .map(java.util.regex.MatchResult::group)
                .filter(name -> !name.startsWith("modeldeploy_reconciliation")).forEach(queried::add));

        assertThat(queried).contains("modeldeploy_requests_total", "modeldeploy_request_latency_seconds_bucket",
                        "modeldeploy_request_errors_total", "modeldeploy_predictions_total")
                .allSatisfy(name -> assertThat(metrics).containsPattern("(?m)^" + name + "[{ ]"));
    }

    @Test
    void apiDocsAreServed() throws Exception {
        JsonNode openapi = JSON.readTree(get("/openapi.json").body());
        assertThat(openapi.get("paths").has("/predict")).isTrue();
        assertThat(openapi.get("paths").has("/v2/models/{name}/infer")).isTrue();
        var docs = get("/docs");
        assertThat(docs.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("text/html"));
        assertThat(docs.body()).contains("POST /predict");
    }

    @Test
    void concurrentClientsEachGetTheirOwnRowsPrediction() throws Exception {
        JsonNode reference = ExampleModels.reference(ExampleModels.iris());
        var answers = new java.util.ArrayList<java.util.concurrent.CompletableFuture<HttpResponse<String>>>();
        for (JsonNode row : reference) {
            answers.add(runtime.client().sendAsync(runtime.request("/predict",
                    "{\"features\": [" + row.get("features") + "]}"), HttpResponse.BodyHandlers.ofString()));
        }
        for (int r = 0; r < reference.size(); r++) {
            HttpResponse<String> response = answers.get(r).get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(response.body()).get("predictions").get(0).asText()).as("row %d", r)
                    .isEqualTo(reference.get(r).get("label").asText());
        }
    }

    static Stream<Arguments> badRequests() {
        String big = "{\"features\": [" + "[1,2,3,4],".repeat(9000) + "[1,2,3,4]]}";
        String manyRows = "{\"features\": [" + "[1,2,3,4],".repeat(150) + "[1,2,3,4]]}";
        return Stream.of(
                Arguments.of("too few features", "/predict", "{\"features\": [[5.1, 3.5, 1.4]]}", 400,
                        "row 0 has 3 features; the model takes 4: sepal_length, sepal_width, petal_length, petal_width"),
                Arguments.of("not a number", "/predict", "{\"features\": [[5.1, \"wide\", 1.4, 0.2]]}", 400,
                        "'features' row 0, value 1 is not a number: \"wide\""),
                Arguments.of("NaN", "/predict", "{\"features\": [[5.1, NaN, 1.4, 0.2]]}", 400,
                        "row 0, feature sepal_width is NaN, which this model does not accept"),
                Arguments.of("empty batch", "/predict", "{\"features\": []}", 400,
                        "the batch is empty: send at least one row of 4 features"),
                Arguments.of("missing features", "/predict", "{\"rows\": [[1, 2, 3, 4]]}", 400,
                        "'features' is required: a list of rows, each a list of numbers"),
                Arguments.of("ragged rows", "/predict", "{\"features\": [[1, 2, 3, 4], 5]}", 400,
                        "'features' row 1 is not a list of numbers"),
                Arguments.of("invalid JSON", "/predict", "{\"features\": [[1, 2", 400,
                        "the request body is not valid JSON"),
                Arguments.of("oversized body", "/predict", big, 413,
                        "the request body is larger than this server accepts"),
                Arguments.of("oversized batch", "/predict", manyRows, 413,
                        "the batch has 151 rows; this server takes at most 100 per request"),
                Arguments.of("unknown model", "/v2/models/tulip/infer", "{}", 404,
                        "unknown model 'tulip'; this server serves 'iris'"),
                Arguments.of("v2 wrong datatype", "/v2/models/iris/infer",
                        "{\"inputs\": [{\"name\": \"input\", \"shape\": [1, 4], \"datatype\": \"BYTES\", \"data\": [\"a\"]}]}",
                        400, "input 'input' has datatype 'BYTES'; send a numeric tensor, e.g. FP32"),
                Arguments.of("v2 wrong shape", "/v2/models/iris/infer",
                        "{\"inputs\": [{\"name\": \"input\", \"shape\": [1, 3], \"datatype\": \"FP32\", \"data\": [1, 2, 3]}]}",
                        400, "input shape [1,3] has 3 features; the model takes 4"),
                Arguments.of("v2 columns, one feature unknown", "/v2/models/iris/infer", columns(
                        "sepal_length", "sepal_width", "petal_length", "petal_girth"), 400, "input 'petal_girth' is "
                        + "no feature of this model; with one tensor per feature, the inputs are named sepal_length, "
                        + "sepal_width, petal_length, petal_width"),
                Arguments.of("v2 columns, one feature missing", "/v2/models/iris/infer", columns(
                        "sepal_length", "sepal_width", "petal_length"), 400, "with one tensor per feature, every "
                        + "feature needs one; missing: petal_width"),
                Arguments.of("v2 columns, one feature twice", "/v2/models/iris/infer", columns(
                        "sepal_length", "sepal_width", "petal_length", "sepal_length"), 400,
                        "input 'sepal_length' is given twice"),
                Arguments.of("v2 more tensors than features", "/v2/models/iris/infer", columns(
                        "sepal_length", "sepal_width", "petal_length", "petal_width", "x"), 400,
                        "this model takes one input tensor [rows, 4], or one tensor [rows] per feature (4); the "
                        + "request has 5"),
                Arguments.of("v2 columns of different lengths", "/v2/models/iris/infer",
                        sepalLengthThenOneRow("[2]", "[5.1, 6.2]"), 400,
                        "input 'sepal_width' has 1 rows, input 'sepal_length' 2; every feature needs a value in "
                                + "every row"),
                Arguments.of("v2 column of two columns", "/v2/models/iris/infer",
                        sepalLengthThenOneRow("[1, 2]", "[5.1, 6.2]"), 400,
                        "input 'sepal_length': with one tensor per feature, each has shape [rows] or [rows, 1], not "
                                + "[1,2]"),
                Arguments.of("v2 column and shape disagree", "/v2/models/iris/infer",
                        inputs(column("sepal_length", "[2]", "[5.1]"), column("sepal_width", "[2]", "[3.5, 3]"),
                                column("petal_length", "[2]", "[1.4, 1]"), column("petal_width", "[2]", "[0.2, 1]")),
                        400,
                        "input data has 1 values; shape [2] needs 2"),
                Arguments.of("v2 data and shape disagree", "/v2/models/iris/infer",
                        "{\"inputs\": [{\"name\": \"input\", \"shape\": [2, 4], \"datatype\": \"FP32\", \"data\": [1, 2, 3, 4]}]}",
                        400, "input data has 4 values; shape [2,4] needs 8"),
                // 80 bytes that declare 2^30 rows: with int arithmetic 2^30 * 4 overflows to 0, which matched the
                // empty data, and the server allocated a matrix of 2^30 rows before anything checked the count.
                Arguments.of("v2 shape whose size overflows", "/v2/models/iris/infer",
                        "{\"inputs\": [{\"name\": \"input\", \"shape\": [1073741824, 4], \"datatype\": \"FP32\", \"data\": []}]}",
                        400, "input data has 0 values; shape [1073741824,4] needs 4294967296"),
                Arguments.of("v2 negative rows", "/v2/models/iris/infer",
                        "{\"inputs\": [{\"name\": \"input\", \"shape\": [-1, 4], \"datatype\": \"FP32\", \"data\": [1, 2, 3, 4]}]}",
                        400, "input shape [-1,4]: sizes are whole numbers of at least 1"),
                Arguments.of("v2 size that is no whole number", "/v2/models/iris/infer",
                        "{\"inputs\": [{\"name\": \"input\", \"shape\": [1e30, 4], \"datatype\": \"FP32\", \"data\": [1, 2, 3, 4]}]}",
                        400, "sizes are whole numbers of at least 1"),
                // Read token by token, a row nested in a row is refused at its first bracket; nesting elsewhere
                // is refused by the parser's depth limit.
                Arguments.of("deep nesting in the rows", "/predict",
                        "{\"features\": " + "[".repeat(5000) + "]".repeat(5000) + "}",
                        400, "'features' row 0, value 0 is not a number: a list"),
                Arguments.of("deep nesting", "/predict", "{\"extra\": " + "[".repeat(5000) + "]".repeat(5000)
                        + ", \"features\": [[5.1, 3.5, 1.4, 0.2]]}",
                        400, "the request body nests arrays or objects deeper than 32 levels"),
                Arguments.of("truncated v2 data", "/v2/models/iris/infer",
                        "{\"inputs\": [{\"name\": \"input\", \"shape\": [1, 4], \"datatype\": \"FP32\", \"data\": [1, 2",
                        400, "the request body is not valid JSON"),
                Arguments.of("v2 data before its datatype", "/v2/models/iris/infer",
                        "{\"inputs\": [{\"data\": [\"a\"], \"name\": \"input\", \"shape\": [1, 4], \"datatype\": \"BYTES\"}]}",
                        400, "input 'input' has datatype 'BYTES'; send a numeric tensor, e.g. FP32"),
                Arguments.of("v2 value that is no number", "/v2/models/iris/infer",
                        "{\"inputs\": [{\"name\": \"input\", \"shape\": [1, 4], \"datatype\": \"FP32\", \"data\": [1, \"two\", 3, 4]}]}",
                        400, "input data holds a value that is not a number: \"two\""),
                Arguments.of("a number longer than the parser reads", "/predict",
                        "{\"features\": [[" + "9".repeat(2000) + ", 1, 2, 3]]}",
                        400, "the request body is beyond what this server reads"),
                Arguments.of("not an object", "/predict", "[[5.1, 3.5, 1.4, 0.2]]", 400,
                        "the request body must be a JSON object"),
                Arguments.of("more after the object", "/predict", "{\"features\": [[5.1, 3.5, 1.4, 0.2]]} {}", 400,
                        "the request body has more after its JSON object"),
                Arguments.of("unknown endpoint", "/predictions", "{}", 404, "no endpoint POST /predictions"));
    }

    /** One input tensor per named feature, each one row of FP32. */
    private static String columns(String... names) {
        return inputs(java.util.Arrays.stream(names).map(n -> column(n, "[1]", "[1.5]")).toArray(String[]::new));
    }

    /** sepal_length as given, then the other three features one row each. */
    private static String sepalLengthThenOneRow(String shape, String data) {
        return inputs(column("sepal_length", shape, data), column("sepal_width", "[1]", "[3.5]"),
                column("petal_length", "[1]", "[1.4]"), column("petal_width", "[1]", "[0.2]"));
    }

    /** A v2 infer request with these input tensors. */
    private static String inputs(String... tensors) {
        return "{\"inputs\": [" + String.join(", ", tensors) + "]}";
    }

    private static String column(String name, String shape, String data) {
        return "{\"name\": \"" + name + "\", \"shape\": " + shape + ", \"datatype\": \"FP32\", \"data\": " + data
                + "}";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badRequestsGetASpecificClientErrorAndTheServerKeepsServing(String name, String path, String body,
            int status, String message) throws Exception {
        var response = post(path, body);

        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(JSON.readTree(response.body()).get("error").asText()).contains(message);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(post("/predict", "{\"features\": [[5.1, 3.5, 1.4, 0.2]]}").statusCode()).isEqualTo(200);
    }

    @Test
    void aBodyDeclaredAsSomethingOtherThanJsonGets415AndNoContentTypeIsReadAsJson() throws Exception {
        for (String path : List.of("/predict", "/v2/models/iris/infer")) {
            var form = runtime.client().send(java.net.http.HttpRequest.newBuilder(runtime.uri(path))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("features=1")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(form.statusCode()).isEqualTo(415);
            assertThat(JSON.readTree(form.body()).get("error").asText())
                    .isEqualTo("the request body is declared as 'application/x-www-form-urlencoded'; send JSON with "
                            + "Content-Type: application/json");
        }
        var charset = runtime.client().send(java.net.http.HttpRequest.newBuilder(runtime.uri("/predict"))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"features\": [[5.1, 3.5, 1.4, 0.2]]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(charset.statusCode()).isEqualTo(200);
        var none = runtime.client().send(java.net.http.HttpRequest.newBuilder(runtime.uri("/predict"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"features\": [[5.1, 3.5, 1.4, 0.2]]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(none.statusCode()).isEqualTo(200);
    }

    static HttpResponse<String> get(String path) throws Exception {
        return runtime.get(path);
    }

    static HttpResponse<String> post(String path, String body) throws Exception {
        return runtime.post(path, body);
    }

}

package io.modeldeploy.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;

import io.grpc.netty.NettyChannelBuilder;
import io.modeldeploy.runtime.grpc.proto.GRPCInferenceServiceGrpc;
import io.modeldeploy.runtime.grpc.proto.ModelInferRequest;
import io.modeldeploy.runtime.inference.ModelService;
import io.modeldeploy.runtime.shadow.ShadowMirror;

/**
 * Shadow traffic between two real runtimes: the one clients call sends a copy of every answered prediction to the
 * other (a version 2 whose model.json swaps setosa and virginica, as a mis-exported config would) and counts, row by
 * row, where the two answer alike; its clients get its own answers, as fast as without a shadow.
 */
class ShadowTrafficTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path cache;

    @Test
    void everyAnsweredRowIsComparedWithTheShadowsAnswerAndClientsGetTheirOwn() throws Exception {
        try (var shadow = TestRuntime.start(settings(relabelledIris(), "2.0.0"), "iris-canary-7d9f-x2b4q");
                var served = TestRuntime.start(settings(ExampleModels.iris(), "1.0.0")
                        .withShadow(shadow.uri("/")))) {
            String body = ExampleModels.predictBody(ExampleModels.reference(ExampleModels.iris()));
            JsonNode answer = awaitMirroring(served, body);
            assertThat(answer.get("predictions").get(0).asText()).as("the caller's answer is its own").isEqualTo("setosa");
            int rows = answer.get("predictions").size();
            long versicolor = 0;
            for (JsonNode label : answer.get("predictions")) {
                versicolor += "versicolor".equals(label.asText()) ? 1 : 0;
            }
            var infer = served.post("/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"features\", "
                    + "\"shape\": [1, 4], \"datatype\": \"FP64\", \"data\": [5.1, 3.5, 1.4, 0.2]}]}");
            assertThat(infer.statusCode()).as(infer.body()).isEqualTo(200);

            // Rows of the reference body (sent until the shadow was seen ready, then once more) and the infer row.
            String metrics = awaitCount(served, "modeldeploy_shadow_requests_total{result=\"answered\"}", 2);
            // Counted by the pod that answered, which names itself in its answers to copies only.
            long agree = count(metrics, "modeldeploy_shadow_rows_total{result=\"agree\","
                    + "shadow_pod=\"iris-canary-7d9f-x2b4q\",shadow_version=\"2.0.0\",version=\"1.0.0\"}");
            long disagree = count(metrics, "modeldeploy_shadow_rows_total{result=\"disagree\","
                    + "shadow_pod=\"iris-canary-7d9f-x2b4q\",shadow_version=\"2.0.0\",version=\"1.0.0\"}");
            assertThat(shadow.post("/predict", body).headers().firstValue(ShadowMirror.ANSWERED_BY_HEADER))
                    .as("a caller's own request does not learn the pod's name").isEmpty();
            long answered = count(metrics, "modeldeploy_shadow_requests_total{result=\"answered\"}");
            // Every mirrored reference body: its versicolor rows agree, its setosa and virginica rows do not; the
            // infer request's setosa row disagrees.
            assertThat(agree).isEqualTo((answered - 1) * versicolor);
            assertThat(disagree).isEqualTo((answered - 1) * (rows - versicolor) + 1);
            assertThat(metrics).contains("modeldeploy_shadow_latency_seconds_count{shadow_version=\"2.0.0\","
                    + "version=\"1.0.0\"} " + answered);
            assertThat(shadow.get("/metrics").body()).as("the shadow's own metrics count the copies it answered")
                    .contains("modeldeploy_requests_total{endpoint=\"/predict\"");
        }
    }

    /**
     * Tensors sent as raw bytes (the default of Triton's and KServe's clients) and gRPC calls are compared too: their
     * copies go to the shadow as JSON requests, one tensor per feature, and are counted row by row as JSON copies are.
     */
    @Test
    void rawTensorRequestsAndGrpcCallsAreComparedAsWellAsJsonOnes() throws Exception {
        try (var shadow = TestRuntime.start(settings(relabelledIris(), "2.0.0"), "iris-canary-7d9f-x2b4q");
                var served = TestRuntime.start(settings(ExampleModels.iris(), "1.0.0").withGrpcPort(0)
                        .withShadow(shadow.uri("/")))) {
            awaitMirroring(served, "{\"features\": [[5.1, 3.5, 1.4, 0.2]]}");
            String before = awaitCount(served, "modeldeploy_shadow_requests_total{result=\"answered\"}", 1);
            JsonNode reference = ExampleModels.reference(ExampleModels.iris());
            int n = reference.size();
            ByteBuffer raw = ByteBuffer.allocate(n * 4 * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (JsonNode row : reference) {
                row.get("features").forEach(feature -> raw.putFloat((float) feature.asDouble()));
            }

            byte[] header = ("{\"inputs\": [{\"name\": \"input\", \"shape\": [" + n + ", 4], "
                    + "\"datatype\": \"FP32\", \"parameters\": {\"binary_data_size\": " + raw.capacity() + "}}], "
                    + "\"outputs\": [{\"name\": \"label\", \"parameters\": {\"binary_data\": false}}]}")
                    .getBytes(StandardCharsets.UTF_8);
            byte[] body = Arrays.copyOf(header, header.length + raw.capacity());
            System.arraycopy(raw.array(), 0, body, header.length, raw.capacity());
            var rest = served.client().send(HttpRequest.newBuilder(served.uri("/v2/models/iris/infer"))
                    .header("Content-Type", "application/octet-stream")
                    .header("Inference-Header-Content-Length", Integer.toString(header.length))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(rest.statusCode()).as(rest.body()).isEqualTo(200);
            var restLabels = new ArrayList<String>();
            JSON.readTree(rest.body()).get("outputs").get(0).get("data").forEach(l -> restLabels.add(l.asText()));

            var channel = NettyChannelBuilder.forAddress("127.0.0.1", served.grpcPort()).usePlaintext().build();
            List<String> grpcLabels;
            try {
                var call = ModelInferRequest.newBuilder().setModelName("iris").addInputs(
                        ModelInferRequest.InferInputTensor.newBuilder().setName("input").setDatatype("FP32")
                                .addShape(n).addShape(4)).addRawInputContents(ByteString.copyFrom(raw.array()));
                grpcLabels = GrpcInferenceTest.labels(GRPCInferenceServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS).modelInfer(call.build()).getRawOutputContents(0));
            } finally {
                channel.shutdownNow();
            }

            String answered = "modeldeploy_shadow_requests_total{result=\"answered\"}";
            String metrics = awaitCount(served, answered, count(before, answered) + 2);
            assertThat(count(metrics, answered)).isEqualTo(count(before, answered) + 2);
            String rows = "modeldeploy_shadow_rows_total{result=\"%s\",shadow_pod=\"iris-canary-7d9f-x2b4q\","
                    + "shadow_version=\"2.0.0\",version=\"1.0.0\"}";
            long versicolor = Stream.concat(restLabels.stream(), grpcLabels.stream()).filter("versicolor"::equals)
                    .count();
            assertThat(versicolor).as("rows both versions label alike").isPositive();
            assertThat(count(metrics, rows.formatted("agree")) - count(before, rows.formatted("agree")))
                    .isEqualTo(versicolor);
            assertThat(count(metrics, rows.formatted("disagree")) - count(before, rows.formatted("disagree")))
                    .isEqualTo(2L * n - versicolor);
        }
    }

    @Test
    void twoServersThatShadowEachOtherMirrorOnlyTheCallersRequests() throws Exception {
        int portA;
        try (var socket = new ServerSocket(0)) {
            portA = socket.getLocalPort();
        }
        var a = settings(ExampleModels.iris(), "1.0.0");
        a = new RuntimeSettings(a.model(), a.sha256(), a.modelVersion(), a.host(), portA, a.cacheDir(), a.batching(),
                a.maxBodyBytes(), a.drainTimeout());
        try (var b = TestRuntime.start(settings(ExampleModels.iris(), "2.0.0")
                        .withShadow(URI.create("http://127.0.0.1:" + portA)));
                var served = TestRuntime.start(a.withShadow(b.uri("/")))) {
            awaitMirroring(served, "{\"features\": [[5.1, 3.5, 1.4, 0.2]]}");
            awaitCount(served, "modeldeploy_shadow_requests_total{result=\"answered\"}", 1);
            Thread.sleep(2 * ShadowMirror.CHECK_EVERY.toMillis());
            assertThat(b.get("/metrics").body()).as("b answered copies and sent none back")
                    .doesNotContain("modeldeploy_shadow_requests_total{");
        }
    }

    @Test
    void aShadowThatIsNotThereCostsTheCallerNothing() throws Exception {
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (var served = TestRuntime.start(settings(ExampleModels.iris(), "1.0.0")
                .withShadow(URI.create("http://127.0.0.1:" + closedPort)))) {
            for (int i = 0; i < 20; i++) {
                var answer = served.post("/predict", "{\"features\": [[5.1, 3.5, 1.4, 0.2]]}");
                assertThat(answer.statusCode()).isEqualTo(200);
            }
            assertThat(served.get("/metrics").body()).doesNotContain("modeldeploy_shadow_requests_total{");
        }
    }

    @Test
    void aServerNamesItselfByItsPodNameElseItsHostName() throws Exception {
        Path kernel = Files.writeString(cache.resolve("hostname"), "iris-7d9f-k8s2z\n");
        Path none = cache.resolve("no-hostname");
        assertThat(ServingRuntime.podName(Map.of("MODELDEPLOY_POD_NAME", "iris-abc", "HOSTNAME", "h"), kernel))
                .isEqualTo("iris-abc");
        assertThat(ServingRuntime.podName(Map.of("HOSTNAME", "iris-7d9f-x2b4q"), kernel)).isEqualTo("iris-7d9f-x2b4q");
        assertThat(ServingRuntime.podName(Map.of("HOSTNAME", " "), kernel)).isEqualTo("iris-7d9f-k8s2z");
        assertThat(ServingRuntime.podName(Map.of(), none)).isEmpty();
    }

    @Test
    void theShadowServerComesFromAFlagOrTheEnvironmentAsSchemeHostAndPortOnly() {
        assertThat(RuntimeSettings.from(new String[] {"--model", "m", "--shadow-url", "http://iris-shadow:80"},
                Map.of()).shadow()).contains(URI.create("http://iris-shadow:80"));
        assertThat(RuntimeSettings.from(new String[] {"--model", "m"},
                Map.of("MODELDEPLOY_SHADOW_URL", "https://iris-shadow.models.svc/")).shadow())
                .contains(URI.create("https://iris-shadow.models.svc"));
        assertThat(RuntimeSettings.from(new String[] {"--model", "m"}, Map.of()).shadow()).isEmpty();
        // A pod started before the shadow Service: Kubernetes left the references to its variables as they were.
        assertThat(RuntimeSettings.from(new String[] {"--model", "m"}, Map.of("MODELDEPLOY_SHADOW_URL",
                "http://$(IRIS_SHADOW_SERVICE_HOST):$(IRIS_SHADOW_SERVICE_PORT)")).shadow()).isEmpty();
        for (String url : List.of("iris-shadow:80", "ftp://iris-shadow", "http://iris-shadow/predict",
                "http://user:pw@iris-shadow", "http://iris-shadow?x=1")) {
            assertThatThrownBy(() -> RuntimeSettings.from(new String[] {"--model", "m", "--shadow-url", url},
                    Map.of())).as(url).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("shadow-url must be http(s)://host[:port], not '" + url + "'");
        }
    }

    /** Sends {@code body} until a copy of it was compared (the shadow was seen ready); returns the last answer. */
    private static JsonNode awaitMirroring(TestRuntime served, String body) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            var answer = served.post("/predict", body);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            if (count(served.get("/metrics").body(), "modeldeploy_shadow_requests_total{result=\"answered\"}") > 0
                    || System.nanoTime() > deadline) {
                return JSON.readTree(answer.body());
            }
            Thread.sleep(100);
        }
    }

    /** The metrics once {@code series} has reached {@code atLeast} (copies are compared in the background). */
    private static String awaitCount(TestRuntime served, String series, long atLeast) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String metrics = served.get("/metrics").body();
        while (count(metrics, series) < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(50);
            metrics = served.get("/metrics").body();
        }
        assertThat(count(metrics, series)).as(series).isGreaterThanOrEqualTo(atLeast);
        // The last copy's rows are counted after its request count: wait until the two stop moving.
        Thread.sleep(200);
        return served.get("/metrics").body();
    }

    private static long count(String metrics, String series) {
        var matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        return matcher.find() ? (long) Double.parseDouble(matcher.group(1)) : 0;
    }

    private RuntimeSettings settings(Path model, String version) {
        return new RuntimeSettings(model.toString(), Optional.empty(), Optional.of(version), "127.0.0.1", 0,
                cache.resolve(version), new ModelService.BatchingSettings(32, 0, 1000), 1 << 20,
                Duration.ofSeconds(5));
    }

    private Path relabelledIris() throws Exception {
        Path bundle = Files.createDirectories(cache.resolve("relabelled"));
        for (String file : List.of("model.json", "model.onnx")) {
            Files.copy(ExampleModels.iris().resolve(file), bundle.resolve(file));
        }
        ExampleModels.swapIrisLabels(bundle);
        return bundle;
    }
}

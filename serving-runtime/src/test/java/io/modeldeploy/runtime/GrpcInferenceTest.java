package io.modeldeploy.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.modeldeploy.runtime.grpc.proto.GRPCInferenceServiceGrpc;
import io.modeldeploy.runtime.grpc.proto.InferTensorContents;
import io.modeldeploy.runtime.grpc.proto.ModelInferRequest;
import io.modeldeploy.runtime.grpc.proto.ModelInferResponse;
import io.modeldeploy.runtime.grpc.proto.ModelMetadataRequest;
import io.modeldeploy.runtime.grpc.proto.ModelReadyRequest;
import io.modeldeploy.runtime.grpc.proto.ServerLiveRequest;
import io.modeldeploy.runtime.grpc.proto.ServerMetadataRequest;
import io.modeldeploy.runtime.grpc.proto.ServerReadyRequest;
import io.modeldeploy.runtime.inference.ModelService;

/**
 * The Open Inference Protocol's gRPC service of a real runtime, called by grpc-java's own client over HTTP/2: the
 * same answers as REST for every Iris reference row, in raw and typed tensors, the REST API's error messages with
 * gRPC's status codes, the same metrics, and a call in flight when the runtime drains still answered.
 */
class GrpcInferenceTest {
    private static final JsonNode REFERENCE = ExampleModels.reference(ExampleModels.iris());

    @TempDir
    Path cache;
    private final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void closeChannels() {
        channels.forEach(ManagedChannel::shutdownNow);
    }

    @Test
    void healthAndMetadataDescribeTheServedModel() throws Exception {
        try (var runtime = TestRuntime.start(settings(Duration.ZERO))) {
            var grpc = stub(runtime);

            assertThat(grpc.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
            assertThat(grpc.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
            assertThat(grpc.modelReady(ModelReadyRequest.newBuilder().setName("iris").build()).getReady()).isTrue();
            assertThat(grpc.modelReady(ModelReadyRequest.newBuilder().setName("iris").setVersion("1").build())
                    .getReady()).isTrue();
            assertThat(grpc.serverMetadata(ServerMetadataRequest.getDefaultInstance()).getName())
                    .isEqualTo("modeldeploy-serving-runtime");
            var metadata = grpc.modelMetadata(ModelMetadataRequest.newBuilder().setName("iris").build());
            assertThat(metadata.getVersionsList()).containsExactly("1");
            assertThat(metadata.getPlatform()).isEqualTo("onnxruntime_onnx");
            assertThat(metadata.getInputs(0).getName()).isEqualTo("input");
            assertThat(metadata.getInputs(0).getDatatype()).isEqualTo("FP32");
            assertThat(metadata.getInputs(0).getShapeList()).containsExactly(-1L, 4L);
            assertThat(metadata.getOutputsList()).extracting(t -> t.getName() + ":" + t.getDatatype())
                    .containsExactly("label:BYTES", "probabilities:FP32");
        }
    }

    @Test
    void everyReferenceRowGetsTheTrainingLibrarysLabelInRawAndTypedTensors() throws Exception {
        try (var runtime = TestRuntime.start(settings(Duration.ZERO))) {
            var grpc = stub(runtime);
            int n = REFERENCE.size();
            ByteBuffer raw = ByteBuffer.allocate(n * 4 * 4).order(ByteOrder.LITTLE_ENDIAN);
            var typed = InferTensorContents.newBuilder();
            for (JsonNode row : REFERENCE) {
                for (JsonNode feature : row.get("features")) {
                    raw.putFloat((float) feature.asDouble());
                    typed.addFp64Contents(feature.asDouble());
                }
            }
            var rawRequest = ModelInferRequest.newBuilder().setModelName("iris").setId("raw-1")
                    .addInputs(input("FP32", n)).addRawInputContents(ByteString.copyFrom(raw.flip())).build();
            var typedRequest = ModelInferRequest.newBuilder().setModelName("iris").setModelVersion("1")
                    .addInputs(input("FP64", n).setContents(typed)).build();

            for (ModelInferResponse response : List.of(grpc.modelInfer(rawRequest), grpc.modelInfer(typedRequest))) {
                assertThat(response.getModelName()).isEqualTo("iris");
                assertThat(response.getModelVersion()).isEqualTo("1");
                assertThat(response.getOutputsList()).extracting(o -> o.getName() + ":" + o.getDatatype() + ":"
                        + o.getShapeList()).containsExactly("label:BYTES:[150]", "probabilities:FP32:[150, 3]");
                List<String> labels = labels(response.getRawOutputContents(0));
                for (int r = 0; r < n; r++) {
                    assertThat(labels.get(r)).as("row %d", r).isEqualTo(REFERENCE.get(r).get("label").asText());
                }
                ByteBuffer probabilities = response.getRawOutputContents(1).asReadOnlyByteBuffer()
                        .order(ByteOrder.LITTLE_ENDIAN);
                assertThat(probabilities.remaining()).isEqualTo(n * 3 * 4);
                float first = probabilities.getFloat() + probabilities.getFloat() + probabilities.getFloat();
                assertThat(first).isBetween(0.999f, 1.001f);
            }
            assertThat(grpc.modelInfer(rawRequest).getId()).isEqualTo("raw-1");

            var onlyLabels = grpc.modelInfer(rawRequest.toBuilder().addOutputs(
                    ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("label")).build());
            assertThat(onlyLabels.getOutputsList()).extracting(o -> o.getName()).containsExactly("label");
            assertThat(onlyLabels.getRawOutputContentsCount()).isEqualTo(1);

            String metrics = runtime.get("/metrics").body();
            assertThat(metrics).contains("modeldeploy_requests_total{endpoint=\"/inference.GRPCInferenceService/"
                    + "ModelInfer\",model=\"iris\",status=\"200\",version=\"1\"} 4.0");
            assertThat(metrics).contains("modeldeploy_predictions_total{label=\"setosa\",model=\"iris\",version=\"1\"}");
        }
    }

    @Test
    void badRequestsGetTheRestApisMessageWithAGrpcStatus() throws Exception {
        try (var runtime = TestRuntime.start(settings(Duration.ZERO))) {
            var grpc = stub(runtime);
            var row = InferTensorContents.newBuilder().addAllFp32Contents(List.of(5.1f, 3.5f, 1.4f, 0.2f));
            var good = ModelInferRequest.newBuilder().setModelName("iris").addInputs(input("FP32", 1).setContents(row))
                    .build();
            assertThat(grpc.modelInfer(good).getRawOutputContents(0).toStringUtf8()).endsWith("setosa");

            assertFails(grpc, good.toBuilder().setModelName("wine").build(), Status.Code.NOT_FOUND,
                    "unknown model 'wine'; this server serves 'iris'");
            assertFails(grpc, good.toBuilder().setModelVersion("2").build(), Status.Code.NOT_FOUND,
                    "model 'iris' version '2' is not served here; this server serves version '1'");
            assertFails(grpc, good.toBuilder().clearInputs().addInputs(input("BYTES", 1)).build(),
                    Status.Code.INVALID_ARGUMENT, "input 'input' has datatype 'BYTES'; send a numeric tensor, e.g. FP32");
            assertFails(grpc, good.toBuilder().clearInputs().addInputs(input("FP32", 2).setContents(row)).build(),
                    Status.Code.INVALID_ARGUMENT, "input data has 4 values; shape [2,4] needs 8");
            assertFails(grpc, good.toBuilder().clearInputs().addInputs(input("FP32", 1).clearShape().addShape(1)
                    .addShape(3).setContents(row)).build(), Status.Code.INVALID_ARGUMENT,
                    "input shape [1,3] has 3 features; the model takes 4");
            // A shape whose size overflows 64 bits allocates nothing: the four values sent do not match it.
            assertFails(grpc, good.toBuilder().clearInputs().addInputs(input("FP32", 1).clearShape()
                    .addShape(1L << 62).addShape(4).setContents(row)).build(), Status.Code.INVALID_ARGUMENT,
                    "input data has 4 values; shape [4611686018427387904,4] needs 18446744073709551616");
            assertFails(grpc, good.toBuilder().clearInputs().addInputs(input("FP32", 1).setContents(
                    InferTensorContents.newBuilder().addAllFp32Contents(List.of(Float.NaN, 3.5f, 1.4f, 0.2f))))
                    .build(), Status.Code.INVALID_ARGUMENT, "row 0, feature sepal_length is NaN");
            assertFails(grpc, good.toBuilder().addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                    .setName("logits")).build(), Status.Code.INVALID_ARGUMENT,
                    "the model has no output 'logits'; its outputs are label, probabilities");
            assertFails(grpc, good.toBuilder().addRawInputContents(ByteString.copyFrom(new byte[16])).build(),
                    Status.Code.INVALID_ARGUMENT, "has contents although the request sends raw_input_contents");
            // Larger than the runtime's 1 MiB body limit: refused before it is read.
            assertFails(grpc, good.toBuilder().clearInputs().addInputs(input("FP32", 1 << 16))
                    .addRawInputContents(ByteString.copyFrom(new byte[1 << 20])).build(),
                    Status.Code.RESOURCE_EXHAUSTED, "");

            assertThat(runtime.get("/metrics").body()).contains("modeldeploy_request_errors_total{class=\"4xx\","
                    + "endpoint=\"/inference.GRPCInferenceService/ModelInfer\",model=\"iris\",status=\"400\","
                    + "version=\"1\"} 7.0");
            assertThat(grpc.modelInfer(good).getOutputsCount()).as("still serving").isEqualTo(2);
        }
    }

    @Test
    void aCallInFlightWhenTheRuntimeDrainsIsAnsweredAndNewOnesGoElsewhere() throws Exception {
        try (var runtime = TestRuntime.start(settings(Duration.ofMillis(500)))) {
            var future = GRPCInferenceServiceGrpc.newFutureStub(channel(runtime)).modelInfer(ModelInferRequest
                    .newBuilder().setModelName("iris").addInputs(input("FP32", 1).setContents(InferTensorContents
                            .newBuilder().addAllFp32Contents(List.of(6.2f, 3.4f, 5.4f, 2.3f)))).build());
            Thread.sleep(200);

            runtime.drain();

            assertThat(labels(future.get(5, TimeUnit.SECONDS).getRawOutputContents(0))).containsExactly("virginica");
            // GOAWAY sent: a client's next call needs another server (a Service sends it to another pod).
            assertThatThrownBy(() -> stub(runtime).serverLive(ServerLiveRequest.getDefaultInstance()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        }
    }

    /**
     * While another call holds the request budget, a call beyond it is refused by its size on the wire, before its
     * message is parsed: bytes that are not even a ModelInferRequest get the budget's UNAVAILABLE, not a parse error.
     */
    @Test
    void aCallBeyondTheRequestBudgetIsRefusedBeforeItsMessageIsParsedAndOneThatDoesNotParseIsABadRequest() throws Exception {
        try (var runtime = TestRuntime.start(settings(Duration.ofMillis(1500)).withRequestBudget(4096))) {
            ManagedChannel channel = channel(runtime);
            var held = GRPCInferenceServiceGrpc.newFutureStub(channel).modelInfer(ModelInferRequest.newBuilder()
                    .setModelName("iris").addInputs(input("FP32", 1).setContents(InferTensorContents.newBuilder()
                            .addAllFp32Contents(List.of(6.2f, 3.4f, 5.4f, 2.3f)))).build());
            Thread.sleep(300);
            byte[] notAMessage = new byte[8192];
            java.util.Arrays.fill(notAMessage, (byte) 0xff);

            assertThatThrownBy(() -> io.grpc.stub.ClientCalls.blockingUnaryCall(channel, RAW_INFER,
                    io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), notAMessage))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).as(e.getStatus().toString())
                                .isEqualTo(Status.Code.UNAVAILABLE);
                        assertThat(e.getStatus().getDescription()).startsWith("the server holds 0.0 MiB of "
                                + "prediction requests, its budget is 0.0 MiB (from its heap) and this request is");
                    });
            assertThat(labels(held.get(5, TimeUnit.SECONDS).getRawOutputContents(0))).containsExactly("virginica");

            // Within the budget (nothing else held), the same bytes are read, and refused for what they are.
            assertThatThrownBy(() -> io.grpc.stub.ClientCalls.blockingUnaryCall(channel, RAW_INFER,
                    io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), notAMessage))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).as(e.getStatus().toString())
                                .isEqualTo(Status.Code.INVALID_ARGUMENT);
                        assertThat(e.getStatus().getDescription())
                                .isEqualTo("the message is not a ModelInfer request: Invalid protobuf byte sequence");
                    });
            assertThat(stub(runtime).modelInfer(ModelInferRequest.newBuilder().setModelName("iris")
                    .addInputs(input("FP32", 1).setContents(InferTensorContents.newBuilder()
                            .addAllFp32Contents(List.of(5.1f, 3.5f, 1.4f, 0.2f)))).build()).getOutputsCount())
                    .as("still serving, its budget released").isEqualTo(2);
        }
    }

    /** ModelInfer with the request's bytes as they are: what a client sends that the server cannot parse. */
    private static final io.grpc.MethodDescriptor<byte[], byte[]> RAW_INFER = io.grpc.MethodDescriptor
            .<byte[], byte[]>newBuilder().setType(io.grpc.MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(GRPCInferenceServiceGrpc.getModelInferMethod().getFullMethodName())
            .setRequestMarshaller(new RawBytes()).setResponseMarshaller(new RawBytes()).build();

    private static final class RawBytes implements io.grpc.MethodDescriptor.Marshaller<byte[]> {
        @Override
        public java.io.InputStream stream(byte[] value) {
            return new java.io.ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(java.io.InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private RuntimeSettings settings(Duration latency) {
        return new RuntimeSettings(ExampleModels.iris().toString(), Optional.empty(), Optional.of("1"), "127.0.0.1", 0,
                cache, new ModelService.BatchingSettings(32, 0, 1000), 1 << 20, Duration.ofSeconds(5))
                .withInjectedLatency(latency).withGrpcPort(0);
    }

    private ManagedChannel channel(TestRuntime runtime) {
        var channel = NettyChannelBuilder.forAddress("127.0.0.1", runtime.grpcPort()).usePlaintext()
                .maxInboundMessageSize(8 << 20).build();
        channels.add(channel);
        return channel;
    }

    private GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub(TestRuntime runtime) {
        return GRPCInferenceServiceGrpc.newBlockingStub(channel(runtime)).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static ModelInferRequest.InferInputTensor.Builder input(String datatype, int rows) {
        return ModelInferRequest.InferInputTensor.newBuilder().setName("input").setDatatype(datatype).addShape(rows)
                .addShape(4);
    }

    private static void assertFails(GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub grpc,
            ModelInferRequest request, Status.Code code, String message) {
        assertThatThrownBy(() -> grpc.modelInfer(request)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(message);
        });
    }

    /** A BYTES tensor's raw elements: each a 4-byte little-endian length and its UTF-8 bytes. */
    static List<String> labels(ByteString raw) {
        ByteBuffer buffer = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        var labels = new ArrayList<String>();
        while (buffer.hasRemaining()) {
            byte[] label = new byte[buffer.getInt()];
            buffer.get(label);
            labels.add(new String(label, StandardCharsets.UTF_8));
        }
        return labels;
    }
}

package io.modeldeploy.e2e;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.modeldeploy.runtime.grpc.proto.GRPCInferenceServiceGrpc;
import io.modeldeploy.runtime.grpc.proto.InferTensorContents;
import io.modeldeploy.runtime.grpc.proto.ModelInferRequest;
import io.modeldeploy.runtime.grpc.proto.ModelInferResponse;

/**
 * Open Inference Protocol calls over gRPC to a ModelDeployment's Service, on its {@code grpc} port, from this
 * machine to the ClusterIP: kube-proxy's rules choose the pod for each connection, as for any gRPC client in the
 * cluster. Like such a client, it keeps one channel for all its calls, and sets no retry policy of its own.
 */
final class ServiceGrpc implements AutoCloseable {
    /** The seed's two flowers, a setosa and a virginica. */
    static final float[][] SEED_ROWS = {{5.1f, 3.5f, 1.4f, 0.2f}, {6.2f, 3.4f, 5.4f, 2.3f}};

    private final ManagedChannel channel;
    private final String model;

    private ServiceGrpc(ManagedChannel channel, String model) {
        this.channel = channel;
        this.model = model;
    }

    /** The labels and answering version of one inference. */
    record Answer(List<String> labels, String version) {
    }

    /** A channel to the Service {@code service}'s grpc port, for the model {@code model}. */
    static ServiceGrpc to(KubernetesClient client, String service, String model) {
        var spec = client.services().withName(service).get().getSpec();
        int port = spec.getPorts().stream().filter(p -> "grpc".equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("Service " + service + " has no grpc port")).getPort();
        return new ServiceGrpc(NettyChannelBuilder.forAddress(spec.getClusterIP(), port).usePlaintext().build(),
                model);
    }

    /** A channel to a Gateway's listener at {@code base} (its host and port), which routes by its GRPCRoutes. */
    static ServiceGrpc toGateway(java.net.URI base, String model) {
        return new ServiceGrpc(NettyChannelBuilder.forAddress(base.getHost(), base.getPort()).usePlaintext().build(),
                model);
    }

    /** One inference on a new channel, waiting up to 30 s for the Service to take the connection. */
    static Answer infer(KubernetesClient client, String service, String model, float[][] rows) {
        try (var grpc = to(client, service, model)) {
            return grpc.infer(rows, true);
        }
    }

    /** The seed's rows once, as a load's request: a failed call is an answer with status 0 and the reason. */
    ServiceTraffic.Answer predict() {
        try {
            Answer answer = infer(SEED_ROWS, false);
            return answer.labels().equals(List.of("setosa", "virginica"))
                    ? new ServiceTraffic.Answer(200, answer.version(), answer.labels().toString())
                    : new ServiceTraffic.Answer(500, answer.version(), "wrong labels " + answer.labels());
        } catch (StatusRuntimeException e) {
            return new ServiceTraffic.Answer(0, null, "gRPC " + e.getStatus());
        }
    }

    private Answer infer(float[][] rows, boolean waitForReady) {
        var contents = InferTensorContents.newBuilder();
        for (float[] row : rows) {
            for (float value : row) {
                contents.addFp32Contents(value);
            }
        }
        var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
        if (waitForReady) {
            stub = stub.withWaitForReady();
        }
        ModelInferResponse response = stub.withDeadlineAfter(waitForReady ? 30 : 5, TimeUnit.SECONDS)
                .modelInfer(ModelInferRequest.newBuilder().setModelName(model)
                        .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("input").setDatatype("FP32")
                                .addShape(rows.length).addShape(rows[0].length).setContents(contents))
                        .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("label"))
                        .build());
        // BYTES, raw: each label's length (4 bytes, little-endian), then its UTF-8 bytes.
        ByteBuffer raw = response.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        var labels = new ArrayList<String>();
        while (raw.hasRemaining()) {
            byte[] label = new byte[raw.getInt()];
            raw.get(label);
            labels.add(new String(label, StandardCharsets.UTF_8));
        }
        return new Answer(labels, response.getModelVersion());
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}

package io.modeldeploy.e2e;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.netty.NettyChannelBuilder;
import io.modeldeploy.runtime.grpc.proto.GRPCInferenceServiceGrpc;
import io.modeldeploy.runtime.grpc.proto.InferTensorContents;
import io.modeldeploy.runtime.grpc.proto.ModelInferRequest;
import io.modeldeploy.runtime.grpc.proto.ModelInferResponse;

/**
 * Open Inference Protocol calls over gRPC to a ModelDeployment's Service, on its {@code grpc} port, from this
 * machine to the ClusterIP: kube-proxy's rules choose the pod, as for any gRPC client in the cluster.
 */
final class ServiceGrpc {
    private ServiceGrpc() {
    }

    /** The labels and answering version of one inference of {@code rows} by the model {@code model}. */
    record Answer(List<String> labels, String version) {
    }

    static Answer infer(KubernetesClient client, String service, String model, float[][] rows) {
        var spec = client.services().withName(service).get().getSpec();
        int port = spec.getPorts().stream().filter(p -> "grpc".equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("Service " + service + " has no grpc port")).getPort();
        var channel = NettyChannelBuilder.forAddress(spec.getClusterIP(), port).usePlaintext().build();
        try {
            var contents = InferTensorContents.newBuilder();
            for (float[] row : rows) {
                for (float value : row) {
                    contents.addFp32Contents(value);
                }
            }
            ModelInferResponse response = GRPCInferenceServiceGrpc.newBlockingStub(channel).withWaitForReady()
                    .withDeadlineAfter(30, TimeUnit.SECONDS).modelInfer(ModelInferRequest.newBuilder()
                            .setModelName(model).addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                                    .setName("input").setDatatype("FP32").addShape(rows.length)
                                    .addShape(rows[0].length).setContents(contents))
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
        } finally {
            channel.shutdownNow();
        }
    }
}

package io.modeldeploy.runtime.grpc;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.modeldeploy.runtime.grpc.proto.GRPCInferenceServiceGrpc;
import io.modeldeploy.runtime.grpc.proto.ModelInferRequest;
import io.modeldeploy.runtime.grpc.proto.ModelInferResponse;
import io.modeldeploy.runtime.grpc.proto.ModelMetadataRequest;
import io.modeldeploy.runtime.grpc.proto.ModelMetadataResponse;
import io.modeldeploy.runtime.grpc.proto.ModelReadyRequest;
import io.modeldeploy.runtime.grpc.proto.ModelReadyResponse;
import io.modeldeploy.runtime.grpc.proto.ServerLiveRequest;
import io.modeldeploy.runtime.grpc.proto.ServerLiveResponse;
import io.modeldeploy.runtime.grpc.proto.ServerMetadataRequest;
import io.modeldeploy.runtime.grpc.proto.ServerMetadataResponse;
import io.modeldeploy.runtime.grpc.proto.ServerReadyRequest;
import io.modeldeploy.runtime.grpc.proto.ServerReadyResponse;
import io.modeldeploy.runtime.http.BodyBudget;
import io.modeldeploy.runtime.http.OpenInference;
import io.modeldeploy.runtime.http.RuntimeMetrics;
import io.modeldeploy.runtime.http.ServingState;
import io.modeldeploy.runtime.inference.BadInput;
import io.modeldeploy.runtime.inference.ModelService;
import io.modeldeploy.runtime.inference.Overloaded;
import io.modeldeploy.runtime.shadow.ShadowMirror;

/**
 * The Open Inference Protocol's gRPC service over the same model service, batcher and metrics as the REST API.
 * Errors carry the REST API's messages with the matching gRPC status: INVALID_ARGUMENT for a bad request,
 * NOT_FOUND for another model or version, UNAVAILABLE while the model loads or when it is overloaded (clients retry
 * it), INTERNAL without details otherwise.
 */
final class GrpcInference extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
    /** How /metrics labels a gRPC inference: the call's full method name. */
    static final String INFER_ENDPOINT = "/" + GRPCInferenceServiceGrpc.getModelInferMethod().getFullMethodName();

    private final ServingState state;
    private final RuntimeMetrics metrics;
    private final String serverVersion;
    private final Duration injectedLatency;
    private final BodyBudget budget;
    private final Optional<ShadowMirror> shadow;

    GrpcInference(ServingState state, RuntimeMetrics metrics, String serverVersion, Duration injectedLatency,
            BodyBudget budget, Optional<ShadowMirror> shadow) {
        this.state = state;
        this.metrics = metrics;
        this.serverVersion = serverVersion;
        this.injectedLatency = injectedLatency;
        this.budget = budget;
        this.shadow = shadow;
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> out) {
        answer(out, ServerLiveResponse.newBuilder().setLive(true).build());
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> out) {
        answer(out, ServerReadyResponse.newBuilder().setReady(state.ready()).build());
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> out) {
        answer(out, ServerMetadataResponse.newBuilder().setName(OpenInference.SERVER_NAME).setVersion(serverVersion)
                .addAllExtensions(OpenInference.EXTENSIONS).build());
    }

    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> out) {
        try {
            served(request.getName(), request.getVersion());
            answer(out, ModelReadyResponse.newBuilder().setReady(state.ready()).build());
        } catch (StatusRuntimeException e) {
            out.onError(e);
        }
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> out) {
        try {
            ModelService model = served(request.getName(), request.getVersion());
            var metadata = ModelMetadataResponse.newBuilder().setName(model.config().name())
                    .addVersions(model.version()).setPlatform(OpenInference.platform(model));
            OpenInference.inputs(model).forEach(t -> metadata.addInputs(tensor(t)));
            OpenInference.outputs(model).forEach(t -> metadata.addOutputs(tensor(t)));
            answer(out, metadata.build());
        } catch (StatusRuntimeException e) {
            out.onError(e);
        }
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> out) {
        long start = System.nanoTime();
        state.requestStarted();
        Optional<ModelService> model = state.model();
        CompletableFuture<ModelInferResponse> answer;
        try {
            ModelService served = served(request.getModelName(), request.getModelVersion());
            List<String> outputs = OpenInference.checkedOutputs(served, request.getOutputsList().stream()
                    .map(ModelInferRequest.InferRequestedOutputTensor::getName).toList());
            double[][] rows = InferTensors.rows(request, served.config().features(), served.categories());
            CompletableFuture<Void> delay = injectedLatency.isZero() ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(
                            injectedLatency.toMillis(), TimeUnit.MILLISECONDS));
            answer = delay.thenCompose(v -> served.predict(rows)).thenApply(predictions -> {
                metrics.predictions(served.config().name(), served.version(),
                        served.config().output().classification(), predictions);
                var response = ModelInferResponse.newBuilder().setModelName(served.config().name())
                        .setModelVersion(served.version()).setId(request.getId());
                InferTensors.write(OpenInference.outputTensors(served, predictions, outputs), response);
                // The shadow gets the call as a JSON request over REST, as a copy of raw REST tensors goes.
                shadow.filter(ShadowMirror::shadowReady).ifPresent(mirror -> mirror.mirrorRows(served, rows,
                        predictions));
                return response.build();
            });
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((response, error) -> {
            Status status = error == null ? Status.OK : status(error instanceof CompletionException
                    ? error.getCause() : error);
            metrics.request(INFER_ENDPOINT, httpStatus(status), Duration.ofNanos(System.nanoTime() - start), model);
            state.requestEnded();
            if (error == null) {
                answer(out, response);
            } else {
                out.onError(status.asRuntimeException());
            }
        });
    }

    /**
     * The answer to an inference call refused before it was read ({@link InboundMessages}): UNAVAILABLE with the
     * budget's reason, counted in the metrics as the REST API's 503.
     */
    Status refused(long bytes) {
        metrics.request(INFER_ENDPOINT, 503, Duration.ZERO, state.model());
        return Status.UNAVAILABLE.withDescription(budget.refusal(bytes));
    }

    /** The served model, if the request names it (and its version, when it names one). */
    private ModelService served(String name, String version) {
        ModelService model = state.model().orElseThrow(() -> Status.UNAVAILABLE.withDescription(
                "the model is not ready: " + state.notReadyReason()).asRuntimeException());
        OpenInference.notServed(model, name, version).ifPresent(reason -> {
            throw Status.NOT_FOUND.withDescription(reason).asRuntimeException();
        });
        return model;
    }

    static Status status(Throwable error) {
        if (error instanceof StatusRuntimeException e) {
            return e.getStatus();
        }
        if (error instanceof BadInput bad) {
            return Status.INVALID_ARGUMENT.withDescription(bad.getMessage());
        }
        if (error instanceof Overloaded overloaded) {
            return Status.UNAVAILABLE.withDescription(overloaded.getMessage());
        }
        // The cause is logged, not sent: a client gets no stack trace.
        System.err.println("error answering " + INFER_ENDPOINT + ": " + error);
        return Status.INTERNAL.withDescription("the server failed to answer: " + error.getClass().getSimpleName());
    }

    /** The HTTP status /metrics counts a gRPC answer as, so that error ratios read the same for both protocols. */
    static int httpStatus(Status status) {
        return switch (status.getCode()) {
            case OK -> 200;
            case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
            case NOT_FOUND -> 404;
            case RESOURCE_EXHAUSTED -> 413;
            case UNAVAILABLE -> 503;
            default -> 500;
        };
    }

    private static ModelMetadataResponse.TensorMetadata tensor(OpenInference.TensorSpec spec) {
        var tensor = ModelMetadataResponse.TensorMetadata.newBuilder().setName(spec.name())
                .setDatatype(spec.datatype());
        spec.shape().forEach(size -> tensor.addShape(size));
        return tensor.build();
    }

    private static <T> void answer(StreamObserver<T> out, T response) {
        out.onNext(response);
        out.onCompleted();
    }
}

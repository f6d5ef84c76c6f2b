package io.modeldeploy.runtime.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;


import io.modeldeploy.runtime.inference.BadInput;
import io.modeldeploy.runtime.inference.ModelService;
import io.modeldeploy.runtime.inference.Overloaded;
import io.modeldeploy.runtime.shadow.ShadowMirror;
import io.modeldeploy.runtime.inference.Prediction;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The HTTP API: the seed tutorial's /predict and /health, the Open Inference Protocol v2, Prometheus /metrics and
 * the API docs. Protocol shapes only; the model service does the work.
 */
public final class HttpApi {
    /**
     * The response header that names the model version which answered a prediction, so that a client (or a test)
     * behind a Service that splits traffic between two versions can tell them apart.
     */
    public static final String MODEL_VERSION_HEADER = "X-Model-Version";

    private final ServingState state;
    private final RuntimeMetrics metrics;
    private final String serverVersion;
    private final Optional<ShadowMirror> shadow;
    private final BodyBudget budget;
    private final String podName;

    public HttpApi(ServingState state, RuntimeMetrics metrics, String serverVersion) {
        this(state, metrics, serverVersion, Optional.empty(), new BodyBudget(Long.MAX_VALUE), "");
    }

    /**
     * @param shadow where copies of the answered prediction requests go, to be compared; none: nowhere
     * @param budget the bytes of prediction requests held at once; beyond it, 503
     * @param podName this server's pod, named in its answers to shadow copies ({@link ShadowMirror#ANSWERED_BY_HEADER})
     */
    public HttpApi(ServingState state, RuntimeMetrics metrics, String serverVersion, Optional<ShadowMirror> shadow,
            BodyBudget budget, String podName) {
        this.state = state;
        this.metrics = metrics;
        this.serverVersion = serverVersion;
        this.shadow = shadow;
        this.budget = budget;
        this.podName = podName;
    }

    /** The routes that take a prediction request. */
    private static final List<String> PREDICTION_PATHS = List.of("/predict", "/v2/models/:name/infer",
            "/v2/models/:name/versions/:version/infer");

    public Router router(Vertx vertx, long maxBodyBytes) {
        return router(vertx, maxBodyBytes, Duration.ZERO);
    }

    /**
     * @param injectedLatency a delay before every prediction is handled (measured as part of its latency), to
     *        rehearse a slow release; zero for none
     */
    public Router router(Vertx vertx, long maxBodyBytes, Duration injectedLatency) {
        Router router = Router.router(vertx);
        router.route().handler(this::measure);
        router.post().handler(this::requireJson);
        for (String path : PREDICTION_PATHS) {
            router.post(path).handler(ctx -> admit(ctx, maxBodyBytes));
        }
        router.route().handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
        if (injectedLatency.toMillis() > 0) {
            for (String path : PREDICTION_PATHS) {
                router.post(path).handler(ctx -> vertx.setTimer(injectedLatency.toMillis(), id -> ctx.next()));
            }
        }

        router.post("/predict").handler(ctx -> predict(ctx,
                (model, body) -> new RequestBodies.Inference(RequestBodies.features(body, model.categories()),
                        null),
                (model, predictions, request) -> SeedAnswer.of(model, predictions)));
        router.get("/health").handler(ctx -> state.model().filter(m -> state.ready()).ifPresentOrElse(
                m -> Json.send(ctx, 200, Map.of("status", "healthy", "model", m.config().name(), "version", m.version())),
                () -> Json.send(ctx, 503, Map.of("status", "unavailable", "reason", state.notReadyReason()))));

        router.get("/v2/health/live").handler(ctx -> Json.send(ctx, 200, Map.of("live", true)));
        router.get("/v2/health/ready").handler(ctx -> Json.send(ctx, state.ready() ? 200 : 503,
                Map.of("ready", state.ready())));
        router.get("/v2").handler(ctx -> Json.send(ctx, 200, Map.of("name", OpenInference.SERVER_NAME,
                "version", serverVersion, "extensions", OpenInference.EXTENSIONS)));
        // Each model route also with the version the server serves: /v2/models/{name}/versions/{version}/...
        for (String model : List.of("/v2/models/:name", "/v2/models/:name/versions/:version")) {
            router.get(model).handler(ctx -> withModel(ctx, m -> Json.send(ctx, 200, OpenInference.metadata(m))));
            router.get(model + "/ready").handler(ctx -> withModel(ctx, m -> Json.send(ctx,
                    state.ready() ? 200 : 503, Map.of("name", m.config().name(), "ready", state.ready()))));
            router.post(model + "/infer").handler(ctx -> withModel(ctx, m -> predict(ctx,
                    (served, body) -> OpenInference.checked(served, RequestBodies.inference(body,
                            ctx.request().getHeader(RequestBodies.BINARY_HEADER_LENGTH),
                            served.config().features(), served.categories())),
                    (served, predictions, request) -> OpenInference.response(served, predictions, request))));
        }

        router.get("/metrics").handler(ctx -> ctx.response().putHeader("Content-Type",
                "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
        router.get("/openapi.json").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
                .end(resource("openapi.json")));
        router.get("/docs").handler(ctx -> ctx.response().putHeader("Content-Type", "text/html; charset=utf-8")
                .end(resource("docs.html")));

        router.route().last().handler(ctx -> Json.error(ctx, 404, "no endpoint " + ctx.request().method() + " "
                + ctx.request().path() + "; see /docs"));
        router.route().failureHandler(this::failure);
        return router;
    }

    /** A protocol's request body read into rows, off the event loop. */
    interface Parse {
        RequestBodies.Inference of(ModelService model, byte[] body);
    }

    /** Answers for a model's predictions, in a protocol's shape. */
    interface Answer {
        Object of(ModelService model, List<Prediction> predictions, RequestBodies.Inference request);
    }

    /**
     * Reads the body on a worker thread (a large body takes milliseconds to parse, and the event loop must keep
     * answering probes meanwhile), then queues its rows for the model and answers on the event loop.
     */
    private void predict(RoutingContext ctx, Parse parse, Answer answer) {
        ModelService model = state.model().orElse(null);
        if (model == null) {
            Json.error(ctx, 503, "the model is not ready: " + state.notReadyReason());
            return;
        }
        Context context = Vertx.currentContext();
        Buffer body = ctx.body().buffer();
        ctx.vertx().executeBlocking(() -> parse.of(model, body == null ? null : body.getBytes()), false)
                .onComplete(parsed -> {
                    if (parsed.failed()) {
                        ctx.fail(parsed.cause());
                        return;
                    }
                    RequestBodies.Inference request = parsed.result();
                    model.predict(request.rows()).whenComplete((predictions, error) -> context.runOnContext(v -> {
                        if (error == null) {
                            metrics.predictions(model.config().name(), model.version(),
                                    model.config().output().classification(), predictions);
                            ctx.response().putHeader(MODEL_VERSION_HEADER, model.version());
                            boolean copy = ctx.request().getHeader(ShadowMirror.COPY_HEADER) != null;
                            if (copy && !podName.isEmpty()) {
                                ctx.response().putHeader(ShadowMirror.ANSWERED_BY_HEADER, podName);
                            }
                            Object answered = answer.of(model, predictions, request);
                            boolean raw = answered instanceof OpenInference.BinaryAnswer
                                    || ctx.request().getHeader(RequestBodies.BINARY_HEADER_LENGTH) != null;
                            if (answered instanceof OpenInference.BinaryAnswer binary) {
                                sendBinary(ctx, binary);
                            } else {
                                Json.send(ctx, 200, answered);
                            }
                            if (copy) {
                                return; // a copy is never copied again (two servers that shadow each other)
                            }
                            shadow.filter(ShadowMirror::shadowReady).ifPresent(mirror -> {
                                if (raw) {
                                    // The comparison reads JSON, and a copy of raw bytes would lack their header.
                                    mirror.mirrorRows(model, request.rows(), predictions);
                                } else {
                                    mirror.mirror(ctx.request().uri(), ctx.request().getHeader("Content-Type"),
                                            body == null ? new byte[0] : body.getBytes(),
                                            () -> answered);
                                }
                            });
                        } else {
                            ctx.fail(error instanceof CompletionException ? error.getCause() : error);
                        }
                    }));
                });
    }

    /** The JSON header, then the outputs' raw bytes; the header's length in {@value RequestBodies#BINARY_HEADER_LENGTH}. */
    private static void sendBinary(RoutingContext ctx, OpenInference.BinaryAnswer answer) {
        byte[] header;
        try {
            header = Json.MAPPER.writeValueAsBytes(answer.header());
        } catch (IOException e) {
            ctx.fail(e);
            return;
        }
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream")
                .putHeader(RequestBodies.BINARY_HEADER_LENGTH, Integer.toString(header.length))
                .end(Buffer.buffer(header.length + answer.raw().length).appendBytes(header).appendBytes(answer.raw()));
    }

    /**
     * Takes a prediction request's share of the {@link BodyBudget} before its body is buffered, by its declared
     * length (a body without one, chunked, counts as the largest allowed); the share is returned when the request
     * ends, answered, failed or abandoned. Beyond the budget the body is read and dropped, never held, and the
     * answer is 503 with Retry-After. Bodies larger than the limit are refused with 413 by the body handler before
     * they are read, and count nothing.
     */
    private void admit(RoutingContext ctx, long maxBodyBytes) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        long declared;
        try {
            declared = length == null ? maxBodyBytes : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            declared = maxBodyBytes;
        }
        long size = declared > maxBodyBytes ? 0 : Math.max(0, declared);
        if (budget.tryAcquire(size)) {
            ctx.addEndHandler(v -> budget.release(size));
            ctx.next();
            return;
        }
        String refusal = budget.refusal(size);
        ctx.request().handler(ignored -> { }).endHandler(v -> {
            ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
            Json.error(ctx, 503, refusal);
        });
        ctx.request().resume();
    }

    private void withModel(RoutingContext ctx, java.util.function.Consumer<ModelService> then) {
        ModelService model = state.model().orElse(null);
        if (model == null) {
            Json.error(ctx, 503, "the model is not ready: " + state.notReadyReason());
            return;
        }
        OpenInference.notServed(model, ctx.pathParam("name"), ctx.pathParam("version")).ifPresentOrElse(
                reason -> Json.error(ctx, 404, reason), () -> then.accept(model));
    }

    /**
     * Every POST endpoint reads JSON: a body declared as anything else gets 415 before it is read. A request without
     * a Content-Type is read as JSON (some inference clients send none); an infer request with the binary tensor
     * data extension's header may have any (KServe's client declares application/octet-stream).
     */
    private void requireJson(RoutingContext ctx) {
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        // The binary tensor data extension: JSON, then raw bytes, sent as application/octet-stream (or anything).
        boolean binary = ctx.request().getHeader(RequestBodies.BINARY_HEADER_LENGTH) != null
                && ctx.request().path().endsWith("/infer");
        if (type != null && !Json.isJson(type) && !binary) {
            Json.error(ctx, 415, "the request body is declared as '" + type + "'; send JSON with Content-Type: "
                    + "application/json");
            return;
        }
        ctx.next();
    }


    private void measure(RoutingContext ctx) {
        long start = System.nanoTime();
        state.requestStarted();
        if (state.draining()) {
            // Keep-alive clients (proxies, gateways) open their next request elsewhere.
            ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
        }
        ctx.addEndHandler(v -> {
            state.requestEnded();
            metrics.request(endpoint(ctx.request().path()), ctx.response().getStatusCode(),
                    Duration.ofNanos(System.nanoTime() - start), state.model());
        });
        ctx.next();
    }

    private static final java.util.regex.Pattern MODEL_PATH = java.util.regex.Pattern.compile(
            "^/v2/models/[^/]+(?:/versions/[^/]+)?(/ready|/infer)?$");
    private static final java.util.Set<String> FIXED = java.util.Set.of("/predict", "/health", "/v2/health/live",
            "/v2/health/ready", "/v2", "/metrics", "/openapi.json", "/docs");

    /**
     * The metrics label of a request path: its route template, so model names do not multiply the series; a route
     * with the model's version counts as the same route without (the version is a label of its own).
     */
    static String endpoint(String path) {
        if (FIXED.contains(path)) {
            return path;
        }
        var model = MODEL_PATH.matcher(path);
        return model.matches() ? "/v2/models/{name}" + (model.group(1) == null ? "" : model.group(1)) : "other";
    }

    private void failure(RoutingContext ctx) {
        Throwable error = ctx.failure();
        if (error instanceof BadInput bad) {
            Json.error(ctx, bad.status(), bad.getMessage());
        } else if (error instanceof Overloaded overloaded) {
            ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
            Json.error(ctx, 503, overloaded.getMessage());
        } else if (ctx.statusCode() == 413) {
            Json.error(ctx, 413, "the request body is larger than this server accepts");
        } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            Json.error(ctx, ctx.statusCode(), "bad request");
        } else {
            // The cause is logged, not sent: a client gets no stack trace.
            System.err.println("error answering " + ctx.request().path() + ": " + error);
            Json.error(ctx, 500, "the server failed to answer: " + (error == null ? "unknown error"
                    : error.getClass().getSimpleName()));
        }
    }

    private static String resource(String name) {
        try (InputStream in = HttpApi.class.getResourceAsStream("/api/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The seed's Flask/FastAPI answer: {"predictions": [...], "probabilities": [[...]]}. */
    static final class SeedAnswer {
        private SeedAnswer() {
        }

        static Map<String, Object> of(ModelService model, List<Prediction> predictions) {
            var answer = new LinkedHashMap<String, Object>();
            boolean classification = model.config().output().classification();
            var labels = new ArrayList<Object>();
            var probabilities = new ArrayList<double[]>();
            var top = new ArrayList<Object>();
            for (Prediction p : predictions) {
                labels.add(classification ? p.label() : (p.values().length == 1 ? p.values()[0] : p.values()));
                probabilities.add(p.probabilities());
                top.add(p.top());
            }
            answer.put("predictions", labels);
            answer.put("probabilities", classification && predictions.get(0).probabilities() != null
                    ? probabilities : null);
            if (classification && predictions.get(0).top() != null) {
                answer.put("top", top);
            }
            if (classification) {
                answer.put("labels", model.config().output().labels());
            }
            return answer;
        }
    }

}

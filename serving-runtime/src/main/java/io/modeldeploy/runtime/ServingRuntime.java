package io.modeldeploy.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.modeldeploy.runtime.grpc.GrpcServer;
import io.modeldeploy.runtime.http.BodyBudget;
import io.modeldeploy.runtime.http.HttpApi;
import io.modeldeploy.runtime.http.RuntimeMetrics;
import io.modeldeploy.runtime.http.ServingState;
import io.modeldeploy.runtime.inference.DjlEngine;
import io.modeldeploy.runtime.inference.ModelService;
import io.modeldeploy.runtime.model.ModelSource;
import io.modeldeploy.runtime.model.SharedModelCache;
import io.modeldeploy.runtime.shadow.ShadowComparison;
import io.modeldeploy.runtime.shadow.ShadowMirror;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * The serving runtime: starts the HTTP server at once (liveness does not wait for the model), then fetches,
 * verifies, loads and warms up the model, and only then reports ready. A model that cannot be served ends the
 * process with its reason written to the termination log, where the operator reads it.
 */
public final class ServingRuntime implements AutoCloseable {
    static final String VERSION = "0.1.0";
    private static final Path TERMINATION_LOG = Path.of("/dev/termination-log");
    /** How long no request may have arrived or been in flight before a draining server stops. */
    static final Duration QUIET = Duration.ofSeconds(2);

    private final RuntimeSettings settings;
    private final ServingState state = new ServingState();
    private final RuntimeMetrics metrics = new RuntimeMetrics();
    private final Vertx vertx = Vertx.vertx();
    private final Optional<ShadowMirror> shadow;
    private final String podName;
    private HttpServer server;
    private Optional<GrpcServer> grpc = Optional.empty();
    private ModelService model;

    public ServingRuntime(RuntimeSettings settings) {
        this(settings, podName(System.getenv(), Path.of("/proc/sys/kernel/hostname")));
    }

    /**
     * @param podName the name this server gives in its answers to shadow copies (the pod's, in Kubernetes), so that
     *        the server that sent them counts the comparisons by pod
     */
    public ServingRuntime(RuntimeSettings settings, String podName) {
        this.settings = settings;
        this.podName = podName;
        this.shadow = settings.shadow().map(server -> ShadowMirror.start(server, new ShadowMirror.Results() {
            @Override
            public void sent(String result) {
                metrics.shadowSent(result);
            }

            @Override
            public void compared(String shadowVersion, String shadowPod, Duration latency,
                    ShadowComparison comparison) {
                metrics.shadowCompared(state.model().map(ModelService::version).orElse("none"), shadowVersion,
                        shadowPod, latency, comparison);
            }
        }));
    }

    /**
     * This server's pod: {@code MODELDEPLOY_POD_NAME}, else {@code HOSTNAME}, else the kernel's host name (read from
     * {@code hostnameFile}), which Kubernetes makes the pod's name (a Deployment's pod names are at most 63
     * characters, so never cut); empty when none is known.
     */
    static String podName(Map<String, String> env, Path hostnameFile) {
        for (String variable : List.of("MODELDEPLOY_POD_NAME", "HOSTNAME")) {
            String value = env.get(variable);
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        try {
            return Files.readString(hostnameFile).trim();
        } catch (IOException e) {
            return "";
        }
    }

    public static void main(String[] args) {
        RuntimeSettings settings;
        try {
            settings = RuntimeSettings.from(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(RuntimeSettings.USAGE);
            // Exit code 2: the settings, not the model; the operator names the setting in status.
            fail("invalid runtime setting: " + e.getMessage(), 2);
            return;
        }
        var runtime = new ServingRuntime(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(runtime::close, "shutdown"));
        try {
            runtime.start();
        } catch (IOException | RuntimeException e) {
            fail(e.getMessage());
        }
    }

    /** Serves HTTP on the configured port, then loads the model; returns once the model is ready. */
    public ServingRuntime start() throws IOException {
        offlineEngines(settings.cacheDir());
        var budget = new BodyBudget(settings.requestBudget());
        server = vertx.createHttpServer()
                .requestHandler(new HttpApi(state, metrics, VERSION, shadow, budget, podName).router(vertx, settings.maxBodyBytes(),
                        settings.injectedLatency()))
                .listen(settings.port(), settings.host())
                .toCompletionStage().toCompletableFuture().join();
        // The heap's ceiling, for sizing pods: the image's share of the memory limit, or JAVA_TOOL_OPTIONS's.
        log("listening on " + settings.host() + ":" + server.actualPort() + "; heap ceiling "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB; prediction requests held at once: "
                + (budget.bytes() >> 20) + " MiB");
        if (settings.grpcPort().isPresent()) {
            grpc = Optional.of(GrpcServer.start(settings.host(), settings.grpcPort().getAsInt(),
                    (int) Math.min(Integer.MAX_VALUE, settings.maxBodyBytes()), state, metrics, VERSION,
                    settings.injectedLatency(), budget, shadow));
            log("gRPC (Open Inference Protocol) on " + settings.host() + ":" + grpc.get().port());
        }
        settings.shadow().ifPresent(url -> log("copies of the prediction requests go to " + url
                + " while it reports ready"));
        long start = System.nanoTime();
        SharedModelCache.Download download = () -> ModelSource.locate(settings.model(), settings.sha256(),
                settings.cacheDir(), settings.maxModelBytes(), settings.s3());
        String source = ModelSource.sourceKind(settings.model());
        ModelSource.Located located;
        if (settings.sharedCache().isPresent() && settings.sha256().isPresent() && !source.equals("file")) {
            // Only a download is worth sharing, and only a bundle pinned by its digest can be found by it.
            SharedModelCache.Fetched fetched = new SharedModelCache(settings.sharedCache().get(), ServingRuntime::log)
                    .locate(settings.sha256().get(), settings.cacheDir(), download);
            located = fetched.located();
            source = fetched.fromCache() ? "shared-cache" : source;
        } else {
            located = download.fetch();
        }
        Duration fetched = Duration.ofNanos(System.nanoTime() - start);
        metrics.modelFetched(source, fetched, located.bundleBytes());
        var engine = DjlEngine.load(located.modelFile(), located.config().formatName());
        model = new ModelService(located, settings.modelVersion().orElse("1"), engine, settings.batching(),
                metrics::batch);
        model.warmUp();
        settings.acceptance().check(model, located.folder()).ifPresent(passed -> log("acceptance passed: " + passed));
        metrics.modelLoaded(Duration.ofNanos(System.nanoTime() - start));
        state.ready(model);
        log("model " + located.config().name() + " (" + engine.name() + ") ready in "
                + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms (fetched and verified in "
                + fetched.toMillis() + " ms)");
        return this;
    }

    public int port() {
        return server.actualPort();
    }

    /** The gRPC server's port, when it serves gRPC. */
    public OptionalInt grpcPort() {
        return grpc.map(g -> OptionalInt.of(g.port())).orElse(OptionalInt.empty());
    }

    /**
     * Stops reporting ready while still answering every request that arrives, so that nothing sent while endpoints
     * and load balancers converge is refused. In Kubernetes the pod's preStop hook has already waited for them to
     * converge before this runs (on SIGTERM).
     */
    public void drain() {
        state.drain();
        grpc.ifPresent(GrpcServer::drain);
    }

    /**
     * Drains, waits until no request has arrived or been in flight for {@link #QUIET} (up to the drain timeout):
     * traffic has stopped coming, endpoints and load balancers have let go. Then stops the server and the model.
     */
    @Override
    public void close() {
        drain();
        long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
        while (System.nanoTime() < deadline && !state.idleFor(QUIET.toNanos())) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        shadow.ifPresent(ShadowMirror::close);
        grpc.ifPresent(g -> g.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))));
        vertx.close().toCompletionStage().toCompletableFuture().join();
        if (model != null) {
            model.close();
        }
    }

    /** DJL must never call out: no downloads, no usage tracking, engine files in the writable cache. */
    static void offlineEngines(Path cacheDir) throws IOException {
        Files.createDirectories(cacheDir);
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("DJL_CACHE_DIR", cacheDir.resolve("djl").toString());
        System.setProperty("ENGINE_CACHE_DIR", cacheDir.resolve("djl").toString());
    }

    private static void fail(String message) {
        fail(message, 1);
    }

    /**
     * Ends the process with {@code message} on stderr and in the termination log (the pod's status, where the
     * operator reads it): exit code 1 for a model that cannot be served, 2 for settings the runtime refuses.
     */
    private static void fail(String message, int exitCode) {
        System.err.println("error: " + message);
        try {
            if (Files.isWritable(TERMINATION_LOG)) {
                Files.writeString(TERMINATION_LOG, message);
            }
        } catch (IOException ignored) {
            // the message is on stderr too, where FallbackToLogsOnError finds it
        }
        System.exit(exitCode);
    }

    private static void log(String message) {
        System.out.println("[modeldeploy-runtime] " + message);
    }

}

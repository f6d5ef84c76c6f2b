package io.modeldeploy.runtime;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import io.modeldeploy.runtime.http.BodyBudget;
import io.modeldeploy.runtime.inference.DynamicBatcher;
import io.modeldeploy.runtime.inference.ModelService;
import io.modeldeploy.runtime.model.ModelSource;
import io.modeldeploy.runtime.model.S3Access;

/**
 * How the runtime is configured: command-line flags, else the MODELDEPLOY_* environment variables the operator
 * sets (the same names as the operator's RuntimeContract), else defaults.
 */
public record RuntimeSettings(String model, Optional<String> sha256, Optional<String> modelVersion, String host,
        int port, Path cacheDir, ModelService.BatchingSettings batching, long maxBodyBytes, Duration drainTimeout,
        long maxModelBytes, AcceptanceGate acceptance, Duration injectedLatency, S3Access s3,
        Optional<Path> sharedCache, Optional<URI> shadow, OptionalInt grpcPort, OptionalLong requestBudgetBytes) {
    /**
     * The bytes of prediction requests held at once: the setting, else {@link BodyBudget#forHeap} of this JVM's heap.
     */
    public long requestBudget() {
        return requestBudgetBytes.orElseGet(() -> BodyBudget.forHeap(Runtime.getRuntime().maxMemory(), maxBodyBytes));
    }

    /** The gRPC port when none is given; {@code off} serves no gRPC. */
    public static final int DEFAULT_GRPC_PORT = 8081;

    /** The settings with the default limit on a downloaded model's size, and no gRPC server. */
    public RuntimeSettings(String model, Optional<String> sha256, Optional<String> modelVersion, String host, int port,
            Path cacheDir, ModelService.BatchingSettings batching, long maxBodyBytes, Duration drainTimeout) {
        this(model, sha256, modelVersion, host, port, cacheDir, batching, maxBodyBytes, drainTimeout,
                ModelSource.DEFAULT_MAX_MODEL_BYTES, AcceptanceGate.NONE, Duration.ZERO, S3Access.AWS, Optional.empty(),
                Optional.empty(), OptionalInt.empty(), OptionalLong.empty());
    }

    /** The settings with an acceptance gate, for tests. */
    public RuntimeSettings withAcceptance(AcceptanceGate gate) {
        return new RuntimeSettings(model, sha256, modelVersion, host, port, cacheDir, batching, maxBodyBytes,
                drainTimeout, maxModelBytes, gate, injectedLatency, s3, sharedCache, shadow, grpcPort, requestBudgetBytes);
    }

    /** The settings with a delay added to every prediction, for tests. */
    public RuntimeSettings withInjectedLatency(Duration latency) {
        return new RuntimeSettings(model, sha256, modelVersion, host, port, cacheDir, batching, maxBodyBytes,
                drainTimeout, maxModelBytes, acceptance, latency, s3, sharedCache, shadow, grpcPort, requestBudgetBytes);
    }

    /** The settings with another way to an S3-compatible store, for tests. */
    public RuntimeSettings withS3(S3Access access) {
        return new RuntimeSettings(model, sha256, modelVersion, host, port, cacheDir, batching, maxBodyBytes,
                drainTimeout, maxModelBytes, acceptance, injectedLatency, access, sharedCache, shadow, grpcPort, requestBudgetBytes);
    }

    /** The settings with a shared cache of downloaded bundles, for tests. */
    public RuntimeSettings withSharedCache(Path folder) {
        return new RuntimeSettings(model, sha256, modelVersion, host, port, cacheDir, batching, maxBodyBytes,
                drainTimeout, maxModelBytes, acceptance, injectedLatency, s3, Optional.of(folder), shadow, grpcPort, requestBudgetBytes);
    }

    /** The settings with a shadow server that copies of the prediction requests go to, for tests. */
    public RuntimeSettings withShadow(URI server) {
        return new RuntimeSettings(model, sha256, modelVersion, host, port, cacheDir, batching, maxBodyBytes,
                drainTimeout, maxModelBytes, acceptance, injectedLatency, s3, sharedCache, Optional.of(server), grpcPort,
                requestBudgetBytes);
    }

    /** The settings with a gRPC server on {@code port} (0: any free port), for tests. */
    public RuntimeSettings withGrpcPort(int port) {
        return new RuntimeSettings(model, sha256, modelVersion, host, this.port, cacheDir, batching, maxBodyBytes,
                drainTimeout, maxModelBytes, acceptance, injectedLatency, s3, sharedCache, shadow, OptionalInt.of(port),
                requestBudgetBytes);
    }

    /** The settings with a budget of prediction request bytes held at once, for tests. */
    public RuntimeSettings withRequestBudget(long bytes) {
        return new RuntimeSettings(model, sha256, modelVersion, host, port, cacheDir, batching, maxBodyBytes,
                drainTimeout, maxModelBytes, acceptance, injectedLatency, s3, sharedCache, shadow, grpcPort,
                OptionalLong.of(bytes));
    }

    static final String USAGE = """
            usage: java -jar modeldeploy-serving-runtime.jar --model <folder|file|http(s) URL> [options]
              --model <location>     the model: a folder with model.json, the model file, its http(s) or
                                     s3://bucket/key URL, or s3://bucket/prefix/ (env MODELDEPLOY_MODEL_LOCATION)
              --sha256 <hex>         refuse to serve a model bundle with another digest (MODELDEPLOY_MODEL_SHA256)
              --version <v>          the model version to report (MODELDEPLOY_MODEL_VERSION, default 1)
              --port <n>             HTTP port (MODELDEPLOY_HTTP_PORT, default 8080)
              --grpc-port <n|off>    the Open Inference Protocol's gRPC port (MODELDEPLOY_GRPC_PORT, default 8081)
              --host <address>       address to listen on (default 0.0.0.0)
              --max-batch-size <n>   rows per inference (MODELDEPLOY_BATCH_MAX_SIZE, default 32)
              --max-delay-ms <n>     wait for a batch to fill (MODELDEPLOY_BATCH_MAX_DELAY_MS, default 0)
              --cache-dir <folder>   downloads and engine files (MODELDEPLOY_CACHE_DIR, default /tmp/modeldeploy)
              --max-model-mib <n>    the largest model file to download (MODELDEPLOY_MAX_MODEL_MIB, default 4096)
              --request-budget-mib <n>  prediction requests held at once; more get 503 (MODELDEPLOY_REQUEST_BUDGET_MIB,
                                     default: a 26th of the max heap, at least one body of the size limit)
              --max-queue <n>        requests that may wait for the model; more get 503 (MODELDEPLOY_MAX_QUEUE, default 1024)
              --deadline-ms <n>      a prediction not done this long after it arrived gets 503 (MODELDEPLOY_DEADLINE_MS, default 30000)
              --min-accuracy <x>     before ready, agree with reference.json's labels at least this often, else exit 1
                                     (MODELDEPLOY_ACCEPTANCE_MIN_ACCURACY, default: no gate)
              --max-absolute-error <x>  before ready, a regressor's answers to reference.json stay this close, else exit 1
                                     (MODELDEPLOY_ACCEPTANCE_MAX_ABSOLUTE_ERROR, default: no gate)
              --injected-latency-ms <n>  delay every prediction's answer this long, to rehearse a slow release or
                                     test a canary analysis (MODELDEPLOY_INJECTED_LATENCY_MS, default 0)
              --s3-endpoint <url>    an S3-compatible store's URL for s3:// models (MODELDEPLOY_S3_ENDPOINT, default AWS)
              --s3-region <name>     the region to sign for (MODELDEPLOY_S3_REGION, else AWS_REGION, else us-east-1)
              --s3-path-style <b>    bucket in the path, not the host name (MODELDEPLOY_S3_PATH_STYLE, default: true
                                     with an endpoint); credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY
              --shared-cache-dir <folder>  keep downloaded bundles here by their --sha256, for the other pods that
                                     mount the same volume (MODELDEPLOY_SHARED_CACHE_DIR, default: none)
              --shadow-url <url>     send a copy of each answered prediction request to this server
                                     (http(s)://host[:port], another model version) while it reports ready, and
                                     compare its answers with ours in /metrics (MODELDEPLOY_SHADOW_URL, default: none)
            """;

    public static RuntimeSettings from(String[] args, Map<String, String> env) {
        var flags = new java.util.HashMap<String, String>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
            }
            flags.put(args[i].substring(2), args[++i]);
        }
        String model = pick(flags, "model", env, "MODELDEPLOY_MODEL_LOCATION", null);
        if (model == null) {
            throw new IllegalArgumentException("no model given: pass --model or set MODELDEPLOY_MODEL_LOCATION");
        }
        return new RuntimeSettings(model,
                Optional.ofNullable(pick(flags, "sha256", env, "MODELDEPLOY_MODEL_SHA256", null)),
                Optional.ofNullable(pick(flags, "version", env, "MODELDEPLOY_MODEL_VERSION", null)),
                pick(flags, "host", env, "MODELDEPLOY_HTTP_HOST", "0.0.0.0"),
                number(pick(flags, "port", env, "MODELDEPLOY_HTTP_PORT", "8080"), "port"),
                Path.of(pick(flags, "cache-dir", env, "MODELDEPLOY_CACHE_DIR", "/tmp/modeldeploy")),
                new ModelService.BatchingSettings(
                        number(pick(flags, "max-batch-size", env, "MODELDEPLOY_BATCH_MAX_SIZE", "32"), "max-batch-size"),
                        number(pick(flags, "max-delay-ms", env, "MODELDEPLOY_BATCH_MAX_DELAY_MS", "0"), "max-delay-ms"),
                        number(pick(flags, "max-rows", env, "MODELDEPLOY_MAX_ROWS", "10000"), "max-rows"),
                        number(pick(flags, "max-queue", env, "MODELDEPLOY_MAX_QUEUE",
                                Integer.toString(DynamicBatcher.DEFAULT_MAX_QUEUED)), "max-queue"),
                        number(pick(flags, "deadline-ms", env, "MODELDEPLOY_DEADLINE_MS",
                                Long.toString(ModelService.BatchingSettings.DEFAULT_DEADLINE_MILLIS)), "deadline-ms")),
                1024L * 1024 * number(pick(flags, "max-body-mib", env, "MODELDEPLOY_MAX_BODY_MIB", "8"), "max-body-mib"),
                Duration.ofSeconds(20),
                1024L * 1024 * number(pick(flags, "max-model-mib", env, "MODELDEPLOY_MAX_MODEL_MIB",
                        Long.toString(ModelSource.DEFAULT_MAX_MODEL_BYTES >> 20)), "max-model-mib"),
                new AcceptanceGate(
                        fraction(pick(flags, "min-accuracy", env, "MODELDEPLOY_ACCEPTANCE_MIN_ACCURACY", null),
                                "min-accuracy"),
                        fraction(pick(flags, "max-absolute-error", env, "MODELDEPLOY_ACCEPTANCE_MAX_ABSOLUTE_ERROR",
                                null), "max-absolute-error")),
                Duration.ofMillis(atLeastZero(pick(flags, "injected-latency-ms", env, "MODELDEPLOY_INJECTED_LATENCY_MS",
                        "0"), "injected-latency-ms")),
                s3(flags, env),
                Optional.ofNullable(pick(flags, "shared-cache-dir", env, "MODELDEPLOY_SHARED_CACHE_DIR", null))
                        .filter(d -> !d.isBlank()).map(Path::of),
                Optional.ofNullable(pick(flags, "shadow-url", env, "MODELDEPLOY_SHADOW_URL", null))
                        .filter(u -> !u.isBlank()).flatMap(RuntimeSettings::shadowServer),
                grpcPort(pick(flags, "grpc-port", env, "MODELDEPLOY_GRPC_PORT", Integer.toString(DEFAULT_GRPC_PORT))),
                Optional.ofNullable(pick(flags, "request-budget-mib", env, "MODELDEPLOY_REQUEST_BUDGET_MIB", null))
                        .map(v -> OptionalLong.of(1024L * 1024 * atLeastOne(v, "request-budget-mib")))
                        .orElse(OptionalLong.empty()));
    }

    /**
     * A shadow server's URL: http(s), a host, an optional port, nothing else (the request's path is added). None when
     * it still holds a {@code $(VAR)} reference: the operator names the shadow Service by the variables the kubelet
     * sets for Services that existed when the pod started, and this pod started before that Service.
     */
    private static Optional<URI> shadowServer(String url) {
        if (url.contains("$(")) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            uri = null;
        }
        if (uri == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                || uri.getUserInfo() != null || !(uri.getRawPath() == null || uri.getRawPath().isEmpty()
                        || uri.getRawPath().equals("/")) || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("shadow-url must be http(s)://host[:port], not '" + url + "'");
        }
        return Optional.of(URI.create(uri.getScheme() + "://" + uri.getRawAuthority()));
    }

    private static OptionalInt grpcPort(String value) {
        if (value.equals("off")) {
            return OptionalInt.empty();
        }
        int port = number(value, "grpc-port");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("grpc-port must be a port number (0 to 65535) or off, not " + value);
        }
        return OptionalInt.of(port);
    }

    private static S3Access s3(Map<String, String> flags, Map<String, String> env) {
        Optional<java.net.URI> endpoint = Optional.ofNullable(pick(flags, "s3-endpoint", env,
                "MODELDEPLOY_S3_ENDPOINT", null)).filter(e -> !e.isBlank()).map(e -> {
                    if (!e.startsWith("http://") && !e.startsWith("https://")) {
                        throw new IllegalArgumentException("s3-endpoint must be an http:// or https:// URL, not '"
                                + e + "'");
                    }
                    return java.net.URI.create(e);
                });
        String region = pick(flags, "s3-region", env, "MODELDEPLOY_S3_REGION", env.getOrDefault("AWS_REGION",
                S3Access.AWS.region()));
        String pathStyle = pick(flags, "s3-path-style", env, "MODELDEPLOY_S3_PATH_STYLE",
                Boolean.toString(endpoint.isPresent()));
        if (!pathStyle.equals("true") && !pathStyle.equals("false")) {
            throw new IllegalArgumentException("s3-path-style must be true or false, not '" + pathStyle + "'");
        }
        return new S3Access(endpoint, region, Boolean.parseBoolean(pathStyle));
    }

    private static java.util.OptionalDouble fraction(String value, String name) {
        if (value == null) {
            return java.util.OptionalDouble.empty();
        }
        try {
            double parsed = Double.parseDouble(value);
            if (!(parsed >= 0) || Double.isInfinite(parsed)) {
                throw new NumberFormatException();
            }
            return java.util.OptionalDouble.of(parsed);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number of at least 0, not '" + value + "'");
        }
    }

    private static String pick(Map<String, String> flags, String flag, Map<String, String> env, String variable,
            String fallback) {
        return flags.getOrDefault(flag, env.getOrDefault(variable, fallback));
    }

    private static int atLeastOne(String value, String name) {
        int parsed = number(value, name);
        if (parsed < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, not " + parsed);
        }
        return parsed;
    }

    private static int atLeastZero(String value, String name) {
        int parsed = number(value, name);
        if (parsed < 0) {
            throw new IllegalArgumentException(name + " must be at least 0, not " + parsed);
        }
        return parsed;
    }

    private static int number(String value, String name) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + value + "'");
        }
    }
}

package io.modeldeploy.operator.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.modeldeploy.operator.OperatorSettings;

/**
 * Reads a track's inference metrics from Prometheus instead of its pods: one instant query for the series
 * {@link TrackMetrics} reads, summed over the track's pods by the labels it reads them by. The result is turned back
 * into the exposition format and read by {@link TrackMetrics#parse}, so both sources give the checks the same
 * figures, counted over the pods' lifetimes as a pod's own /metrics counts them (Prometheus answers with the last
 * scraped value, a scrape interval behind). Each query is bounded by {@link #TIMEOUT} and {@link #MAX_BYTES}.
 */
@ApplicationScoped
public class PrometheusQueries {
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** The most of an answer read: a track's summed series are a few hundred. */
    static final int MAX_BYTES = 4 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    /** The series the analysis reads and the labels it reads them by. */
    private static final List<String> SERIES = List.of(TrackMetrics.REQUESTS, TrackMetrics.LATENCY_BUCKET,
            TrackMetrics.PREDICTIONS, TrackMetrics.VALUE_BUCKET, TrackMetrics.SHADOW_ROWS,
            TrackMetrics.SHADOW_ERROR_SUM, TrackMetrics.SHADOW_ERROR_COUNT);
    private static final String BY = "__name__, endpoint, status, le, label, shadow_version, shadow_pod, result";

    /** Why Prometheus gave no figures: it is not configured, did not answer, or answered an error. */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    @Inject
    OperatorSettings settings;

    /** One client per trusted authorities file (and its last change); the JVM's authorities under the empty key. */
    private final Map<String, HttpClient> clients = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The summed metrics of these pods of {@code namespace}; completes with {@link Unavailable} when Prometheus gives
     * none. Pods it has no series of count as having answered nothing.
     */
    public CompletableFuture<TrackMetrics> track(String namespace, List<String> pods) {
        return track(settings.prometheus(), namespace, pods);
    }

    CompletableFuture<TrackMetrics> track(OperatorSettings.Prometheus prometheus, String namespace,
            List<String> pods) {
        if (prometheus.url().isEmpty()) {
            return CompletableFuture.failedFuture(new Unavailable("metrics.source is Prometheus, but the operator "
                    + "has no Prometheus URL (setting MODELDEPLOY_PROMETHEUS_URL, Helm value prometheus.url)"));
        }
        URI base = prometheus.url().get();
        String query;
        Credentials credentials;
        HttpClient http;
        try {
            query = query(prometheus.namespaceLabel(), prometheus.podLabel(), namespace, pods);
            credentials = Credentials.of(prometheus);
            http = client(prometheus.caFile());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new Unavailable(e.getMessage()));
        } catch (Unavailable e) {
            return CompletableFuture.failedFuture(e);
        }
        URI uri = URI.create(base.toString().replaceAll("/+$", "") + "/api/v1/query");
        var request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)));
        credentials.authorization().ifPresent(value -> request.header("Authorization", value));
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(response -> {
                    byte[] body;
                    try (InputStream in = response.body()) {
                        body = in.readNBytes(MAX_BYTES + 1);
                    } catch (IOException e) {
                        throw new Unavailable("Prometheus at " + base + " did not answer: " + e.getMessage());
                    }
                    if (body.length > MAX_BYTES) {
                        throw new Unavailable("Prometheus at " + base + " answered more than " + (MAX_BYTES >> 20)
                                + " MiB");
                    }
                    if (response.statusCode() == 401 || response.statusCode() == 403) {
                        throw new Unavailable("Prometheus at " + base + " answered " + response.statusCode()
                                + (response.statusCode() == 401 ? " (not authenticated)" : " (forbidden)") + " to "
                                + credentials.description() + ": " + refusal(new String(body, StandardCharsets.UTF_8))
                                + " (settings MODELDEPLOY_PROMETHEUS_BEARER_TOKEN_FILE, or _USERNAME and "
                                + "_PASSWORD_FILE)");
                    }
                    return metrics(base, response.statusCode(), new String(body, StandardCharsets.UTF_8));
                })
                .orTimeout(2 * TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(e -> {
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    if (cause instanceof Unavailable unavailable) {
                        throw unavailable;
                    }
                    if (cause instanceof javax.net.ssl.SSLException) {
                        throw new Unavailable("Prometheus at " + base + " did not answer: its TLS certificate is "
                                + "not trusted (" + describe(cause) + "); setting MODELDEPLOY_PROMETHEUS_CA_FILE names "
                                + "the certificates of the authority that signed it"
                                + prometheus.caFile().map(f -> ", now " + f).orElse(""));
                    }
                    throw new Unavailable("Prometheus at " + base + " did not answer"
                            + (cause instanceof HttpTimeoutException || cause instanceof TimeoutException
                                    ? " within " + TIMEOUT.toSeconds() + " s" : ": " + describe(cause)));
                });
    }

    /** What the operator authenticates with: an Authorization header's value, and how to name it in an error. */
    record Credentials(Optional<String> authorization, String description) {
        static final Credentials NONE = new Credentials(Optional.empty(), "no credentials");

        /**
         * The settings' bearer token or basic authentication, their files read now.
         *
         * @throws Unavailable when the settings contradict each other or a file cannot be read
         */
        static Credentials of(OperatorSettings.Prometheus settings) {
            if (settings.bearerTokenFile().isPresent()
                    && (settings.username().isPresent() || settings.passwordFile().isPresent())) {
                throw new Unavailable("the operator's Prometheus settings name both a bearer token file and basic "
                        + "authentication; set MODELDEPLOY_PROMETHEUS_BEARER_TOKEN_FILE or MODELDEPLOY_PROMETHEUS_"
                        + "USERNAME and _PASSWORD_FILE, not both");
            }
            if (settings.bearerTokenFile().isPresent()) {
                java.nio.file.Path file = settings.bearerTokenFile().get();
                String token = read(file, "bearer token").strip();
                if (token.isEmpty() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
                    throw new Unavailable("the bearer token file " + file + " (MODELDEPLOY_PROMETHEUS_BEARER_TOKEN_"
                            + "FILE) holds " + (token.isEmpty() ? "nothing" : "characters a token cannot have"));
                }
                return new Credentials(Optional.of("Bearer " + token), "the bearer token from " + file);
            }
            if (settings.username().isPresent() != settings.passwordFile().isPresent()) {
                throw new Unavailable("basic authentication to Prometheus needs both MODELDEPLOY_PROMETHEUS_USERNAME "
                        + "and MODELDEPLOY_PROMETHEUS_PASSWORD_FILE; only "
                        + (settings.username().isPresent() ? "the user name" : "the password file") + " is set");
            }
            if (settings.username().isPresent()) {
                String user = settings.username().get();
                if (user.contains(":")) {
                    throw new Unavailable("a basic authentication user name cannot hold ':' "
                            + "(MODELDEPLOY_PROMETHEUS_USERNAME)");
                }
                // A file written by an editor or `echo` ends with a newline that is no part of the password.
                String password = read(settings.passwordFile().get(), "password").replaceFirst("\\r?\\n$", "");
                return new Credentials(Optional.of("Basic " + java.util.Base64.getEncoder().encodeToString(
                        (user + ":" + password).getBytes(StandardCharsets.UTF_8))),
                        "basic authentication as " + user);
            }
            return NONE;
        }

        private static String read(java.nio.file.Path file, String what) {
            try {
                return java.nio.file.Files.readString(file);
            } catch (IOException | RuntimeException e) {
                throw new Unavailable("cannot read the Prometheus " + what + " file " + file + ": " + describe(e));
            }
        }
    }

    /** The client that trusts {@code caFile}'s authorities (the JVM's without one), built once per file version. */
    private HttpClient client(Optional<java.nio.file.Path> caFile) {
        String key = caFile.map(f -> f + "@" + lastModified(f)).orElse("");
        return clients.computeIfAbsent(key, k -> {
            // HTTP/1.1: an API server's service proxy ends an unauthenticated client's HTTP/2 connection with a
            // GOAWAY that hides its 401; one query per track and interval gains nothing from HTTP/2.
            var builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT);
            caFile.ifPresent(f -> builder.sslContext(trusting(f)));
            return builder.build();
        });
    }

    private static String lastModified(java.nio.file.Path file) {
        try {
            return java.nio.file.Files.getLastModifiedTime(file).toString();
        } catch (IOException e) {
            throw new Unavailable("cannot read the Prometheus CA file " + file + ": " + describe(e));
        }
    }

    /** A TLS context that trusts the PEM certificates in {@code caFile} and nothing else. */
    static javax.net.ssl.SSLContext trusting(java.nio.file.Path caFile) {
        try (InputStream in = java.nio.file.Files.newInputStream(caFile)) {
            var certificates = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new Unavailable("the Prometheus CA file " + caFile + " holds no PEM certificate");
            }
            var store = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (var certificate : certificates) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            var trust = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            var context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new Unavailable("the Prometheus CA file " + caFile + " does not read as PEM certificates: "
                    + describe(e));
        }
    }

    /**
     * The instant query: the series the analysis reads, of these pods of the namespace, summed by the labels it reads
     * them by (the metric's name kept).
     */
    static String query(String namespaceLabel, String podLabel, String namespace, List<String> pods) {
        for (String label : List.of(namespaceLabel, podLabel)) {
            if (!LABEL_NAME.matcher(label).matches()) {
                throw new IllegalArgumentException("'" + label + "' is no Prometheus label name (operator settings "
                        + "MODELDEPLOY_PROMETHEUS_POD_LABEL and MODELDEPLOY_PROMETHEUS_NAMESPACE_LABEL)");
            }
        }
        // Names of namespaces and pods are DNS names: lower-case letters, digits, '-' and '.', which alone needs
        // escaping in a regular expression (and its backslash in a PromQL string).
        String podRegex = pods.stream().map(p -> p.replace(".", "\\\\.")).collect(Collectors.joining("|"));
        return "sum by (" + BY + ") ({__name__=~\"" + String.join("|", SERIES) + "\", " + namespaceLabel + "=\""
                + namespace + "\", " + podLabel + "=~\"" + podRegex + "\"})";
    }

    /** Prometheus' answer to the query as a track's metrics. */
    static TrackMetrics metrics(URI base, int status, String body) {
        JsonNode answer;
        try {
            answer = JSON.readTree(body);
        } catch (IOException e) {
            throw new Unavailable("Prometheus at " + base + " answered " + status + " with no JSON: "
                    + abridged(body));
        }
        if (status != 200 || !"success".equals(answer.path("status").asText())) {
            String error = answer.path("error").asText("");
            throw new Unavailable("Prometheus at " + base + " answered " + status
                    + (error.isEmpty() ? ": " + abridged(body) : ": " + abridged(error)));
        }
        if (!"vector".equals(answer.path("data").path("resultType").asText())) {
            throw new Unavailable("Prometheus at " + base + " answered a "
                    + answer.path("data").path("resultType").asText("missing") + " result, not a vector");
        }
        try {
            return TrackMetrics.parse(exposition(answer.path("data").path("result")));
        } catch (IllegalArgumentException e) {
            throw new Unavailable("Prometheus at " + base + " answered series that do not read as the runtime's "
                    + "metrics: " + abridged(e.getMessage()));
        }
    }

    /** A vector result in the exposition format: one {@code name{label="value",...} value} line per sample. */
    static String exposition(JsonNode result) {
        var lines = new ArrayList<String>();
        for (JsonNode sample : result) {
            Map<String, String> labels = new TreeMap<>();
            sample.path("metric").fields().forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
            String name = labels.remove("__name__");
            if (name == null) {
                continue;
            }
            String rendered = labels.entrySet().stream()
                    .map(l -> l.getKey() + "=\"" + l.getValue().replace("\\", "\\\\").replace("\"", "\\\"")
                            .replace("\n", "\\n") + "\"")
                    .collect(Collectors.joining(","));
            lines.add(name + "{" + rendered + "} " + sample.path("value").path(1).asText());
        }
        return String.join("\n", lines);
    }

    /**
     * Why a request was refused: the message of a Kubernetes Status (an API server's service proxy in front of
     * Prometheus) or the error of a Prometheus answer, else the body.
     */
    static String refusal(String body) {
        try {
            JsonNode answer = JSON.readTree(body);
            for (String field : List.of("message", "error")) {
                if (answer != null && answer.path(field).isTextual()) {
                    return abridged(answer.path(field).asText());
                }
            }
        } catch (IOException e) {
            // not JSON: the body as it is
        }
        return abridged(body);
    }

    private static String describe(Throwable cause) {
        return Optional.ofNullable(cause.getMessage()).filter(m -> !m.isBlank())
                .orElse(cause.getClass().getSimpleName());
    }

    private static String abridged(String text) {
        String line = text.replaceAll("\\s+", " ").trim();
        return line.length() <= 300 ? line : line.substring(0, 300) + "…";
    }
}

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

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

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
        try {
            query = query(prometheus.namespaceLabel(), prometheus.podLabel(), namespace, pods);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new Unavailable(e.getMessage()));
        }
        URI uri = URI.create(base.toString().replaceAll("/+$", "") + "/api/v1/query");
        var request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
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
                    return metrics(base, response.statusCode(), new String(body, StandardCharsets.UTF_8));
                })
                .orTimeout(2 * TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(e -> {
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    if (cause instanceof Unavailable unavailable) {
                        throw unavailable;
                    }
                    throw new Unavailable("Prometheus at " + base + " did not answer"
                            + (cause instanceof HttpTimeoutException || cause instanceof TimeoutException
                                    ? " within " + TIMEOUT.toSeconds() + " s" : ": " + describe(cause)));
                });
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

    private static String describe(Throwable cause) {
        return Optional.ofNullable(cause.getMessage()).filter(m -> !m.isBlank())
                .orElse(cause.getClass().getSimpleName());
    }

    private static String abridged(String text) {
        String line = text.replaceAll("\\s+", " ").trim();
        return line.length() <= 200 ? line : line.substring(0, 200) + "…";
    }
}

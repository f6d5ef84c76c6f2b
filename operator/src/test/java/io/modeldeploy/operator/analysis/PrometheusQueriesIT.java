package io.modeldeploy.operator.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.modeldeploy.operator.OperatorSettings;
import io.modeldeploy.testing.PrometheusServer;

/**
 * The Prometheus source against a real Prometheus that scrapes runtime-shaped /metrics of three "pods" (HTTP servers
 * here, labelled with a pod's namespace and name as a PodMonitor labels them): a track's figures read through
 * Prometheus are the figures of its pods' own /metrics, summed, and every way Prometheus can fail to give them says
 * why.
 */
class PrometheusQueriesIT {
    private static final String SHADOW = """
            # TYPE modeldeploy_shadow_rows_total counter
            modeldeploy_shadow_rows_total{result="agree",shadow_pod="iris-canary-a",shadow_version="2.0.0",version="1.0.0"} 30.0
            modeldeploy_shadow_rows_total{result="disagree",shadow_pod="iris-canary-b",shadow_version="2.0.0",version="1.0.0"} 70.0
            """;
    private static final Map<String, String> POD_METRICS = new LinkedHashMap<>();
    private static final List<HttpServer> PODS = new java.util.ArrayList<>();
    private static PrometheusServer prometheus;

    @BeforeAll
    static void startPodsAndPrometheus() throws IOException {
        POD_METRICS.put("iris-canary-1", TrackMetricsTest.EXPOSITION);
        // A dot in a pod name must not match any character in the query's regular expression.
        POD_METRICS.put("iris.canary-2", TrackMetricsTest.EXPOSITION + SHADOW);
        POD_METRICS.put("irisXcanary-2", SHADOW);
        var targets = new LinkedHashMap<String, Map<String, String>>();
        for (var pod : POD_METRICS.entrySet()) {
            targets.put(servePodMetrics(pod.getValue()), Map.of("namespace", "models", "pod", pod.getKey()));
        }
        // The same pod name in another namespace is another pod.
        targets.put(servePodMetrics(SHADOW), Map.of("namespace", "other", "pod", "iris-canary-1"));
        prometheus = PrometheusServer.forTargets(targets, Path.of("target", "prometheus-queries.log"));
    }

    /** An HTTP server whose /metrics answers {@code exposition}, as a pod's runtime does; its host:port. */
    private static String servePodMetrics(String exposition) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] body = exposition.getBytes(StandardCharsets.UTF_8);
        server.createContext("/metrics", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        PODS.add(server);
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        PODS.forEach(server -> server.stop(0));
    }

    @Test
    void aTracksFiguresFromPrometheusAreItsPodsOwnFiguresSummed() {
        var queries = new PrometheusQueries();
        var settings = settings(Optional.of(prometheus.url()));
        TrackMetrics expected = TrackMetrics.parse(TrackMetricsTest.EXPOSITION)
                .plus(TrackMetrics.parse(TrackMetricsTest.EXPOSITION + SHADOW));

        // Prometheus scrapes every second: the figures appear once it scraped both pods.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(queries.track(settings, "models", List.of("iris-canary-1", "iris.canary-2")).join())
                        .isEqualTo(expected));
        assertThat(expected.requests()).isEqualTo(800);
        assertThat(expected.shadowOf("2.0.0").rows()).isEqualTo(100);
        assertThat(queries.track(settings, "models", List.of("iris.canary-2")).join().answeredBy(List.of("iris-canary-b"))
                .shadowOf("2.0.0")).as("the comparisons keep the shadow pod that answered")
                .isEqualTo(new TrackMetrics.Shadow(0, 70, 0, 0));

        assertThat(queries.track(settings, "models", List.of("iris-canary-9")).join())
                .as("a pod Prometheus has no series of answered nothing").isEqualTo(TrackMetrics.NONE);
    }

    @Test
    void withoutAnAnswerTheReadingSaysWhy() throws IOException {
        var queries = new PrometheusQueries();

        assertThat(failure(queries, settings(Optional.empty()))).isEqualTo("metrics.source is Prometheus, but the "
                + "operator has no Prometheus URL (setting MODELDEPLOY_PROMETHEUS_URL, Helm value prometheus.url)");

        URI closed;
        try (var socket = new ServerSocket(0)) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
        assertThat(failure(queries, settings(Optional.of(closed))))
                .startsWith("Prometheus at " + closed + " did not answer: ");

        URI wrongPath = prometheus.url().resolve("/prometheus");
        assertThat(failure(queries, settings(Optional.of(wrongPath))))
                .isEqualTo("Prometheus at " + wrongPath + " answered 404: 404 page not found");

        assertThat(failure(queries, new OperatorSettingsPrometheus(Optional.of(prometheus.url()), "pod name",
                "namespace"))).isEqualTo("'pod name' is no Prometheus label name (operator settings "
                        + "MODELDEPLOY_PROMETHEUS_POD_LABEL and MODELDEPLOY_PROMETHEUS_NAMESPACE_LABEL)");
    }

    @Test
    void theQuerySumsTheSeriesTheAnalysisReadsOverThePodsByTheLabelsItReadsThemBy() {
        assertThat(PrometheusQueries.query("kubernetes_namespace", "kubernetes_pod_name", "models",
                List.of("iris-canary-1", "iris.canary-2"))).isEqualTo("sum by (__name__, endpoint, status, le, "
                        + "label, shadow_version, shadow_pod, result) ({__name__=~\"modeldeploy_requests_total"
                        + "|modeldeploy_request_latency_seconds_bucket|modeldeploy_predictions_total"
                        + "|modeldeploy_prediction_value_bucket|modeldeploy_shadow_rows_total"
                        + "|modeldeploy_shadow_absolute_error_sum|modeldeploy_shadow_absolute_error_count\", "
                        + "kubernetes_namespace=\"models\", kubernetes_pod_name=~\"iris-canary-1|iris\\\\.canary-2\"})");
    }

    private static String failure(PrometheusQueries queries, OperatorSettings.Prometheus settings) {
        try {
            queries.track(settings, "models", List.of("iris-canary-1")).join();
            throw new AssertionError("Prometheus gave figures");
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(PrometheusQueries.Unavailable.class);
            return e.getCause().getMessage();
        }
    }

    private static OperatorSettings.Prometheus settings(Optional<URI> url) {
        return new OperatorSettingsPrometheus(url, "pod", "namespace");
    }

    private record OperatorSettingsPrometheus(Optional<URI> url, String podLabel, String namespaceLabel)
            implements OperatorSettings.Prometheus {
    }
}

package io.modeldeploy.operator.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import org.junit.jupiter.api.io.TempDir;


import io.modeldeploy.operator.OperatorSettings;
import io.modeldeploy.testing.PrometheusServer;
import io.modeldeploy.testing.SelfSignedTls;

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
    private static final PodMetricsServers PODS = new PodMetricsServers();
    private static PrometheusServer prometheus;

    @BeforeAll
    static void startPodsAndPrometheus() throws IOException {
        POD_METRICS.put("iris-canary-1", TrackMetricsTest.EXPOSITION);
        // A dot in a pod name must not match any character in the query's regular expression.
        POD_METRICS.put("iris.canary-2", TrackMetricsTest.EXPOSITION + SHADOW);
        POD_METRICS.put("irisXcanary-2", SHADOW);
        var targets = new LinkedHashMap<String, Map<String, String>>();
        for (var pod : POD_METRICS.entrySet()) {
            targets.put(PODS.serve(pod.getValue()), Map.of("namespace", "models", "pod", pod.getKey()));
        }
        // The same pod name in another namespace is another pod.
        targets.put(PODS.serve(SHADOW), Map.of("namespace", "other", "pod", "iris-canary-1"));
        prometheus = PrometheusServer.forTargets(targets, Path.of("target", "prometheus-queries.log"));
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        PODS.close();
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

        assertThat(failure(queries, settings(Optional.of(prometheus.url())).labels("pod name",
                "namespace"))).isEqualTo("'pod name' is no Prometheus label name (operator settings "
                        + "MODELDEPLOY_PROMETHEUS_POD_LABEL and MODELDEPLOY_PROMETHEUS_NAMESPACE_LABEL)");
    }

    /**
     * A Prometheus that serves its API over TLS only, to clients that authenticate (its own web configuration):
     * read with the authority and the credentials the settings name; each way they can be wrong says how.
     */
    @Test
    void aPrometheusBehindTlsAndBasicAuthenticationIsReadWithTheAuthorityAndCredentialsTheSettingsName(
            @TempDir Path dir) throws Exception {
        SelfSignedTls tls = SelfSignedTls.create(dir.resolve("tls"));
        var targets = Map.of(PODS.serve(TrackMetricsTest.EXPOSITION), Map.of("namespace", "models", "pod",
                "iris-canary-1"));
        Path password = Files.writeString(dir.resolve("password"), "s3cret: with spaces\n");
        Path wrong = Files.writeString(dir.resolve("wrong"), "guess");
        Path token = Files.writeString(dir.resolve("token"), "eyJhbGciOiJSUzI1NiJ9.e30.c2ln\n");
        try (var secured = PrometheusServer.forTargets(targets, Path.of("target", "prometheus-secured.log"),
                new PrometheusServer.WebSecurity(tls, "modeldeploy", "s3cret: with spaces"))) {
            var queries = new PrometheusQueries();
            var https = settings(Optional.of(secured.url()));
            assertThat(secured.url().getScheme()).isEqualTo("https");

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(queries.track(https.trusting(tls.certificate()).basic("modeldeploy", password),
                            "models", List.of("iris-canary-1")).join())
                            .isEqualTo(TrackMetrics.parse(TrackMetricsTest.EXPOSITION)));

            assertThat(failure(queries, https.basic("modeldeploy", password))).startsWith("Prometheus at "
                    + secured.url() + " did not answer: its TLS certificate is not trusted (").endsWith("); setting "
                    + "MODELDEPLOY_PROMETHEUS_CA_FILE names the certificates of the authority that signed it");
            assertThat(failure(queries, https.trusting(tls.certificate())))
                    .isEqualTo("Prometheus at " + secured.url() + " answered 401 (not authenticated) to no "
                            + "credentials: Unauthorized (settings MODELDEPLOY_PROMETHEUS_BEARER_TOKEN_FILE, or "
                            + "_USERNAME and _PASSWORD_FILE)");
            assertThat(failure(queries, https.trusting(tls.certificate()).basic("modeldeploy", wrong)))
                    .startsWith("Prometheus at " + secured.url() + " answered 401 (not authenticated) to basic "
                            + "authentication as modeldeploy: ");
            assertThat(failure(queries, https.trusting(tls.certificate()).bearer(token)))
                    .startsWith("Prometheus at " + secured.url() + " answered 401 (not authenticated) to the bearer "
                            + "token from " + token + ": ");

            // Settings that cannot work say so before anything is sent.
            assertThat(failure(queries, https.trusting(tls.key()).basic("modeldeploy", password)))
                    .startsWith("the Prometheus CA file " + tls.key() + " ");
            assertThat(failure(queries, https.trusting(tls.certificate()).basic("modeldeploy", dir.resolve("none"))))
                    .startsWith("cannot read the Prometheus password file " + dir.resolve("none") + ": ");
            assertThat(failure(queries, https.bearer(token).basic("modeldeploy", password))).isEqualTo("the "
                    + "operator's Prometheus settings name both a bearer token file and basic authentication; set "
                    + "MODELDEPLOY_PROMETHEUS_BEARER_TOKEN_FILE or MODELDEPLOY_PROMETHEUS_USERNAME and "
                    + "_PASSWORD_FILE, not both");
            assertThat(failure(queries, https.bearer(Files.writeString(dir.resolve("empty"), "\n"))))
                    .isEqualTo("the bearer token file " + dir.resolve("empty") + " (MODELDEPLOY_PROMETHEUS_BEARER_"
                            + "TOKEN_FILE) holds nothing");
        }
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

    private static PrometheusSettings settings(Optional<URI> url) {
        return PrometheusSettings.of(url);
    }

    /** The reason the query failed with; an assertion error when it did not. */
    static String failure(PrometheusQueries queries, OperatorSettings.Prometheus settings) {
        try {
            queries.track(settings, "models", List.of("iris-canary-1")).join();
            throw new AssertionError("Prometheus gave figures");
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(PrometheusQueries.Unavailable.class);
            return e.getCause().getMessage();
        }
    }
}

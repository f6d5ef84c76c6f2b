package io.modeldeploy.runtime.http;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Histogram;
import io.modeldeploy.runtime.inference.ModelService;
import io.modeldeploy.runtime.inference.Prediction;
import io.modeldeploy.runtime.shadow.ShadowComparison;
import io.modeldeploy.runtime.shadow.ShadowMirror;

/** The runtime's Prometheus metrics, served on /metrics. */
public final class RuntimeMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final DistributionSummary batchSize;
    private final AtomicLong loadMillis = new AtomicLong(-1);

    /**
     * A regressor's first output value. Micrometer's histogram for a distribution summary rounds values up to whole
     * numbers and takes no negative bounds, so every value in [0, 1] would land in one bucket; the Prometheus
     * client's own histogram, on the same registry, takes {@link #VALUE_BOUNDS}.
     */
    private final Histogram predictionValues;
    /** How far a shadow's numeric answers are from this server's, on the non-negative half of the same bounds. */
    private final Histogram shadowErrors;

    /**
     * 1, 2 and 5 times the powers of ten from 0.001 to 100,000, negated and as they are, and 0: wide enough for
     * the values regressors predict, fine enough to tell a shifted distribution from the stable version's.
     */
    static final double[] VALUE_BOUNDS = valueBounds();

    public RuntimeMetrics() {
        predictionValues = Histogram.builder().name("modeldeploy_prediction_value")
                .help("The first output value of each prediction (regressors)").labelNames("model", "version")
                .classicOnly().classicUpperBounds(VALUE_BOUNDS).register(registry.getPrometheusRegistry());
        shadowErrors = Histogram.builder().name("modeldeploy_shadow_absolute_error")
                .help("Absolute difference between the shadow's numeric answer and this server's, per row")
                .labelNames("version", "shadow_version", "shadow_pod").classicOnly()
                .classicUpperBounds(java.util.Arrays.stream(VALUE_BOUNDS).filter(b -> b >= 0).toArray())
                .register(registry.getPrometheusRegistry());
        batchSize = DistributionSummary.builder("modeldeploy.batch.size").description("Rows per inference")
                .publishPercentileHistogram().minimumExpectedValue(1.0).maximumExpectedValue(4096.0).register(registry);
        Gauge.builder("modeldeploy.model.load.seconds", loadMillis, v -> v.get() / 1000.0)
                .description("Time to fetch, verify, load and warm up the model").register(registry);
    }

    /**
     * One answered request, labelled with the model and version that served it ({@code none} before a model is
     * loaded), so that a canary's requests, errors and latency read apart from the stable version's.
     */
    public void request(String endpoint, int status, Duration latency, Optional<ModelService> served) {
        Tags tags = Tags.of("endpoint", endpoint, "model", served.map(m -> m.config().name()).orElse("none"),
                "version", served.map(ModelService::version).orElse("none"));
        Counter.builder("modeldeploy.requests").tags(tags).tag("status", Integer.toString(status))
                .description("HTTP requests answered").register(registry).increment();
        Timer.builder("modeldeploy.request.latency").tags(tags).publishPercentileHistogram()
                .description("Time to answer a request").register(registry).record(latency);
        if (status >= 400) {
            Counter.builder("modeldeploy.request.errors").tags(tags).tag("status", Integer.toString(status))
                    .tag("class", status >= 500 ? "5xx" : "4xx").description("Requests answered with an error")
                    .register(registry).increment();
        }
    }

    /**
     * What a model version predicted: per class label for a classifier, the distribution of the first output value
     * for a regressor. A shifted distribution is how a model that answers 200 but wrongly shows itself.
     */
    public void predictions(String model, String version, boolean classification, List<Prediction> predictions) {
        if (classification) {
            for (Prediction p : predictions) {
                Counter.builder("modeldeploy.predictions").tag("model", model).tag("version", version)
                        .tag("label", p.label()).description("Predictions made, by predicted label")
                        .register(registry).increment();
            }
        } else {
            var values = predictionValues.labelValues(model, version);
            predictions.forEach(p -> values.observe(p.values()[0]));
        }
    }

    private static double[] valueBounds() {
        var bounds = new java.util.TreeSet<Double>();
        bounds.add(0.0);
        for (int exponent = -3; exponent <= 5; exponent++) {
            for (double mantissa : new double[] {1, 2, 5}) {
                double bound = Double.parseDouble(mantissa + "E" + exponent);
                bounds.add(bound);
                bounds.add(-bound);
            }
        }
        return bounds.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** What became of a copy of a request sent to the shadow ({@link ShadowMirror.Results#sent}). */
    public void shadowSent(String result) {
        Counter.builder("modeldeploy.shadow.requests").tag("result", result)
                .description("Copies of prediction requests sent to the shadow server, by what became of them")
                .register(registry).increment();
    }

    /**
     * The shadow's answer to a copy, compared with this server's ({@code version}): rows that agree and that do
     * not and the absolute differences of numeric answers, by the shadow's version and the pod that answered
     * ({@code shadowPod}, empty when it did not say), and the shadow's latency by its version.
     */
    public void shadowCompared(String version, String shadowVersion, String shadowPod, Duration latency,
            ShadowComparison comparison) {
        Tags tags = Tags.of("version", version, "shadow_version", shadowVersion);
        Tags byPod = tags.and("shadow_pod", shadowPod);
        Counter.builder("modeldeploy.shadow.rows").tags(byPod).tag("result", "agree")
                .description("Rows of mirrored requests, by whether the shadow answered them as this server did")
                .register(registry).increment(comparison.agree());
        Counter.builder("modeldeploy.shadow.rows").tags(byPod).tag("result", "disagree")
                .description("Rows of mirrored requests, by whether the shadow answered them as this server did")
                .register(registry).increment(comparison.disagree());
        Timer.builder("modeldeploy.shadow.latency").tags(tags).publishPercentileHistogram()
                .description("Time the shadow took to answer a mirrored request").register(registry).record(latency);
        var errors = shadowErrors.labelValues(version, shadowVersion, shadowPod);
        comparison.absoluteErrors().forEach(errors::observe);
    }

    public void batch(int rows) {
        batchSize.record(rows);
    }

    /**
     * How the model reached the pod: from where ({@code file} for a path in the image, a volume or an image volume;
     * {@code http}, {@code https} or {@code s3} for a download), how long fetching and verifying its bundle took
     * and how large it is. Why a pod starts slowly reads from here, not only from the total load time.
     */
    public void modelFetched(String source, Duration took, long bytes) {
        Gauge.builder("modeldeploy.model.fetch.seconds", () -> took.toMillis() / 1000.0).tag("source", source)
                .description("Time to fetch (download, for a remote source) and verify the model bundle")
                .register(registry);
        Gauge.builder("modeldeploy.model.bundle.bytes", () -> bytes).tag("source", source)
                .description("Size of the model file and its model.json").register(registry);
    }

    public void modelLoaded(Duration took) {
        loadMillis.set(took.toMillis());
    }

    public String scrape() {
        return registry.scrape();
    }
}

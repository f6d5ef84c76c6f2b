package io.modeldeploy.runtime.http;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** The runtime's Prometheus metrics, served on /metrics. */
public final class RuntimeMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final DistributionSummary batchSize;
    private final AtomicLong loadMillis = new AtomicLong(-1);

    public RuntimeMetrics() {
        batchSize = DistributionSummary.builder("modeldeploy.batch.size").description("Rows per inference")
                .publishPercentileHistogram().minimumExpectedValue(1.0).maximumExpectedValue(4096.0).register(registry);
        Gauge.builder("modeldeploy.model.load.seconds", loadMillis, v -> v.get() / 1000.0)
                .description("Time to fetch, verify, load and warm up the model").register(registry);
    }

    public void request(String endpoint, int status, Duration latency) {
        Counter.builder("modeldeploy.requests").tag("endpoint", endpoint).tag("status", Integer.toString(status))
                .description("HTTP requests answered").register(registry).increment();
        Timer.builder("modeldeploy.request.latency").tag("endpoint", endpoint).publishPercentileHistogram()
                .description("Time to answer a request").register(registry).record(latency);
        if (status >= 400) {
            Counter.builder("modeldeploy.request.errors").tag("endpoint", endpoint)
                    .tag("status", Integer.toString(status)).description("Requests answered with an error")
                    .register(registry).increment();
        }
    }

    public void batch(int rows) {
        batchSize.record(rows);
    }

    public void modelLoaded(Duration took) {
        loadMillis.set(took.toMillis());
    }

    public String scrape() {
        return registry.scrape();
    }
}

package io.modeldeploy.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;

class ReconcileMetricsTest {

    @Test
    void reconcilesBeforeThePrometheusRegistryIsAddedAreCountedAndTimed() {
        var root = new CompositeMeterRegistry();
        var metrics = new ReconcileMetrics(root);
        for (int i = 0; i < 3; i++) {
            metrics.time(() -> "reconciled");
        }
        metrics.error();

        var prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        root.add(prometheus);
        metrics.time(() -> "reconciled after");

        assertThat(samples(prometheus.scrape())).contains("modeldeploy_reconciliations_total 4.0",
                "modeldeploy_reconciliation_errors_total 1.0", "modeldeploy_reconciliation_seconds_count 4.0");
    }

    @Test
    void withTheRegistryInPlaceEachReconcileIsCountedOnce() {
        var root = new CompositeMeterRegistry();
        var prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        root.add(prometheus);
        var metrics = new ReconcileMetrics(root);

        metrics.time(() -> "reconciled");
        metrics.time(() -> "reconciled");

        assertThat(samples(prometheus.scrape())).contains("modeldeploy_reconciliations_total 2.0",
                "modeldeploy_reconciliation_errors_total 0.0", "modeldeploy_reconciliation_seconds_count 2.0");
    }

    private static List<String> samples(String scrape) {
        return scrape.lines().filter(line -> !line.startsWith("#")).toList();
    }
}

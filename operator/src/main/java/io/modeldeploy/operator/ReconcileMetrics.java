package io.modeldeploy.operator;

import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The operator's reconcile metrics on /q/metrics: {@code modeldeploy_reconciliations_total},
 * {@code modeldeploy_reconciliation_errors_total} and the {@code modeldeploy_reconciliation_seconds} histogram.
 */
@ApplicationScoped
public class ReconcileMetrics {
    private final Counter reconciliations;
    private final Counter errors;
    private final Timer duration;

    @Inject
    public ReconcileMetrics(MeterRegistry registry) {
        reconciliations = Counter.builder("modeldeploy.reconciliations")
                .description("ModelDeployment reconciliations started").register(registry);
        errors = Counter.builder("modeldeploy.reconciliation.errors")
                .description("ModelDeployment reconciliations that failed and will be retried").register(registry);
        duration = Timer.builder("modeldeploy.reconciliation")
                .description("Time to reconcile one ModelDeployment").publishPercentileHistogram().register(registry);
    }

    /** Counts and times one reconciliation. */
    public <T> T time(Supplier<T> reconcile) {
        reconciliations.increment();
        return duration.record(reconcile);
    }

    public void error() {
        errors.increment();
    }
}

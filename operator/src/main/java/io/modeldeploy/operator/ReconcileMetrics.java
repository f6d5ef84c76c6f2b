package io.modeldeploy.operator;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

/**
 * The operator's reconcile metrics on /q/metrics: {@code modeldeploy_reconciliations_total},
 * {@code modeldeploy_reconciliation_errors_total} and the {@code modeldeploy_reconciliation_seconds} histogram.
 * <p>
 * An operator started over running ModelDeployments reconciles them before Quarkus has added its Prometheus
 * registry to the root registry, and a meter of the root registry drops what it is given while the root has no
 * registry under it: at a restart over 1,000 ModelDeployments the counter missed the first 50 reconciles (one per
 * reconcile thread). So the counts are kept here and read when scraped, and the durations of reconciles that end
 * before then wait here until the root has a registry.
 */
@ApplicationScoped
public class ReconcileMetrics {
    /** More durations than this, before the registry is there, are not kept: the histogram is a sample. */
    static final int EARLY_LIMIT = 10_000;

    private final MeterRegistry registry;
    private final LongAdder started = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final Timer duration;
    private final Queue<Long> early = new ConcurrentLinkedQueue<>();
    private final AtomicInteger earlyCount = new AtomicInteger();

    @Inject
    public ReconcileMetrics(MeterRegistry registry) {
        this.registry = registry;
        FunctionCounter.builder("modeldeploy.reconciliations", started, LongAdder::doubleValue)
                .description("ModelDeployment reconciliations started").register(registry);
        FunctionCounter.builder("modeldeploy.reconciliation.errors", failed, LongAdder::doubleValue)
                .description("ModelDeployment reconciliations that failed and will be retried").register(registry);
        duration = Timer.builder("modeldeploy.reconciliation")
                .description("Time to reconcile one ModelDeployment").publishPercentileHistogram().register(registry);
    }

    /** Counts and times one reconciliation. */
    public <T> T time(Supplier<T> reconcile) {
        started.increment();
        long start = System.nanoTime();
        try {
            return reconcile.get();
        } finally {
            record(System.nanoTime() - start);
        }
    }

    public void error() {
        failed.increment();
    }

    private void record(long nanos) {
        if (exported()) {
            recordEarly();
            duration.record(nanos, TimeUnit.NANOSECONDS);
            return;
        }
        if (earlyCount.incrementAndGet() <= EARLY_LIMIT) {
            early.add(nanos);
        }
        if (exported()) {
            // The registry came while this one was put aside, and nothing else may end to record it.
            recordEarly();
        }
    }

    private void recordEarly() {
        for (Long waiting = early.poll(); waiting != null; waiting = early.poll()) {
            duration.record(waiting, TimeUnit.NANOSECONDS);
        }
    }

    /** Whether what a meter is given reaches a registry that exports it. */
    private boolean exported() {
        return !(registry instanceof CompositeMeterRegistry root) || !root.getRegistries().isEmpty();
    }
}

package io.modeldeploy.operator.analysis;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

import io.modeldeploy.api.v1alpha1.AnalysisSpec;
import io.modeldeploy.api.v1alpha1.MetricAnalysisSpec;

/**
 * Judges a canary on its own inference metrics against the stable track's, read from both tracks' pods (no
 * Prometheus needed). Counts are over the pods' lifetimes: a canary's pods are new, so its counts are the canary's.
 * <ul>
 * <li>Errors: the canary's 5xx share of its requests, and its 4xx share beyond the stable track's (a new version
 * that refuses inputs the old one took), each at most {@code maxErrorPercent}.</li>
 * <li>Latency, when {@code maxLatencyRatio} is set: the canary's p99 at most that many times the stable track's,
 * each raised to {@code latencyFloorMillis} first, so that sub-millisecond noise (a GC pause, JIT warm-up) is not a
 * regression.</li>
 * <li>No verdict before the canary answered {@code minRequests} (and, for latency, the stable track as many).</li>
 * </ul>
 */
public final class CanaryAnalysis {
    private CanaryAnalysis() {
    }

    /** The thresholds of a ModelDeployment's analysis, with the API's defaults where it sets none. */
    public record Thresholds(boolean enabled, long minRequests, double maxErrorPercent,
            OptionalDouble maxLatencyRatio, Duration latencyFloor) {
        public static final Thresholds DEFAULTS = new Thresholds(true, 100, 1.0, OptionalDouble.empty(),
                Duration.ofMillis(10));

        public static Thresholds of(AnalysisSpec analysis) {
            MetricAnalysisSpec spec = analysis == null ? null : analysis.metrics();
            if (spec == null) {
                return DEFAULTS;
            }
            return new Thresholds(!Boolean.FALSE.equals(spec.enabled()),
                    spec.minRequests() == null ? DEFAULTS.minRequests : spec.minRequests(),
                    spec.maxErrorPercent() == null ? DEFAULTS.maxErrorPercent : spec.maxErrorPercent(),
                    spec.maxLatencyRatio() == null ? OptionalDouble.empty() : OptionalDouble.of(spec.maxLatencyRatio()),
                    spec.latencyFloorMillis() == null ? DEFAULTS.latencyFloor
                            : Duration.ofMillis(spec.latencyFloorMillis()));
        }
    }

    /** What the metrics say: {@link #failure} fails a check, a pass or "not yet" does not. */
    public record Verdict(boolean failed, String summary) {
        public Optional<String> failure() {
            return failed ? Optional.of(summary) : Optional.empty();
        }
    }

    public static Verdict judge(Thresholds t, TrackMetrics canary, TrackMetrics stable) {
        if (canary.requests() < t.minRequests()) {
            return new Verdict(false, "no metric verdict yet: the canary answered " + canary.requests() + " of "
                    + t.minRequests() + " requests");
        }
        double serverErrors = percent(canary.serverErrors(), canary.requests());
        if (serverErrors > t.maxErrorPercent()) {
            return new Verdict(true, "the canary answered " + pct(serverErrors) + " of " + canary.requests()
                    + " requests with a 5xx status (at most " + pct(t.maxErrorPercent()) + ")");
        }
        double clientErrors = percent(canary.clientErrors(), canary.requests());
        double stableClientErrors = percent(stable.clientErrors(), stable.requests());
        if (clientErrors - stableClientErrors > t.maxErrorPercent()) {
            return new Verdict(true, "the canary answered " + pct(clientErrors) + " of " + canary.requests()
                    + " requests with a 4xx status, the stable version " + pct(stableClientErrors) + " of "
                    + stable.requests() + " (at most " + pct(t.maxErrorPercent()) + " more)");
        }
        OptionalDouble canaryP99 = canary.latencyQuantile(0.99);
        OptionalDouble stableP99 = stable.latencyQuantile(0.99);
        String latency = "";
        if (t.maxLatencyRatio().isPresent() && canaryP99.isPresent() && stableP99.isPresent()
                && stable.requests() >= t.minRequests()) {
            double floor = t.latencyFloor().toNanos() / 1e9;
            double c = Math.max(canaryP99.getAsDouble(), floor);
            double s = Math.max(stableP99.getAsDouble(), floor);
            double ratio = t.maxLatencyRatio().getAsDouble();
            if (c > ratio * s) {
                return new Verdict(true, "the canary's p99 latency " + ms(canaryP99.getAsDouble()) + " is over "
                        + num(ratio) + " × the stable version's " + ms(stableP99.getAsDouble())
                        + (stableP99.getAsDouble() < floor ? " (counted as " + ms(floor) + ")" : "") + ", over "
                        + canary.requests() + " and " + stable.requests() + " requests");
            }
            latency = ", p99 latency " + ms(canaryP99.getAsDouble()) + " (stable " + ms(stableP99.getAsDouble()) + ")";
        }
        return new Verdict(false, "the canary's metrics pass: " + pct(serverErrors) + " 5xx, " + pct(clientErrors)
                + " 4xx of " + canary.requests() + " requests" + latency);
    }

    private static double percent(long part, long whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }

    private static String pct(double percent) {
        return num(percent) + "%";
    }

    private static String num(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }

    private static String ms(double seconds) {
        double millis = seconds * 1000;
        return (millis >= 10 ? Long.toString(Math.round(millis)) : String.format(Locale.ROOT, "%.1f", millis)) + " ms";
    }
}

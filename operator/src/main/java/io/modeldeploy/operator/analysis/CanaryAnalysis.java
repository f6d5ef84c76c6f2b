package io.modeldeploy.operator.analysis;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeSet;
import java.util.stream.Collectors;

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
 * <li>Predictions, when {@code maxPredictionDivergence} is set (classifiers): the shares of the classes the canary
 * predicts against the stable version's, as their Jensen-Shannon divergence in bits. Both tracks see the same
 * traffic, so a model that answers differently shows as a distance. Jensen-Shannon rather than the population
 * stability index: it is symmetric, bounded by 1, and defined when a class is missing from one side (PSI divides by
 * zero there and needs a smoothing constant that decides the result).</li>
 * <li>No verdict before the canary answered {@code minRequests} (and, for latency and predictions, the stable
 * track as many).</li>
 * </ul>
 */
public final class CanaryAnalysis {
    private CanaryAnalysis() {
    }

    /** The thresholds of a ModelDeployment's analysis, with the API's defaults where it sets none. */
    public record Thresholds(boolean enabled, long minRequests, double maxErrorPercent,
            OptionalDouble maxLatencyRatio, Duration latencyFloor, OptionalDouble maxPredictionDivergence,
            double minShadowAgreementPercent, OptionalDouble maxShadowMeanAbsoluteError) {
        public static final Thresholds DEFAULTS = new Thresholds(true, 100, 1.0, OptionalDouble.empty(),
                Duration.ofMillis(10), OptionalDouble.empty());

        public Thresholds(boolean enabled, long minRequests, double maxErrorPercent, OptionalDouble maxLatencyRatio,
                Duration latencyFloor, OptionalDouble maxPredictionDivergence) {
            this(enabled, minRequests, maxErrorPercent, maxLatencyRatio, latencyFloor, maxPredictionDivergence, 95.0,
                    OptionalDouble.empty());
        }

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
                            : Duration.ofMillis(spec.latencyFloorMillis()),
                    spec.maxPredictionDivergence() == null ? OptionalDouble.empty()
                            : OptionalDouble.of(spec.maxPredictionDivergence()),
                    spec.minShadowAgreementPercent() == null ? DEFAULTS.minShadowAgreementPercent
                            : spec.minShadowAgreementPercent(),
                    spec.maxShadowMeanAbsoluteError() == null ? OptionalDouble.empty()
                            : OptionalDouble.of(spec.maxShadowMeanAbsoluteError()));
        }
    }

    /** What the metrics say: {@link #failure} fails a check, a pass or "not yet" does not. */
    public record Verdict(boolean failed, String summary) {
        public Optional<String> failure() {
            return failed ? Optional.of(summary) : Optional.empty();
        }
    }

    public static Verdict judge(Thresholds t, TrackMetrics canary, TrackMetrics stable) {
        return judge(t, canary, stable, null);
    }

    /**
     * @param canaryVersion the canary's model version, whose answers the stable pods compared with theirs when they
     *        sent it shadow traffic ({@code null}: no shadow comparison is judged)
     */
    public static Verdict judge(Thresholds t, TrackMetrics canary, TrackMetrics stable, String canaryVersion) {
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
        String shadow = "";
        TrackMetrics.Shadow mirrored = canaryVersion == null ? TrackMetrics.Shadow.NONE
                : stable.shadowOf(canaryVersion);
        if (mirrored.rows() >= t.minRequests()) {
            if (mirrored.errorCount() > 0) {
                double mean = mirrored.errorSum() / mirrored.errorCount();
                if (t.maxShadowMeanAbsoluteError().isPresent() && mean > t.maxShadowMeanAbsoluteError().getAsDouble()) {
                    return new Verdict(true, "on " + mirrored.errorCount() + " mirrored rows the canary's values "
                            + "differ from the stable version's by " + sig(mean) + " on average (at most "
                            + sig(t.maxShadowMeanAbsoluteError().getAsDouble()) + ")");
                }
                shadow = ", mean absolute difference " + sig(mean) + " on " + mirrored.errorCount()
                        + " mirrored rows";
            } else {
                double agreement = percent(mirrored.agree(), mirrored.rows());
                if (agreement < t.minShadowAgreementPercent()) {
                    return new Verdict(true, "the canary answered " + pct(agreement) + " of " + mirrored.rows()
                            + " mirrored rows as the stable version did (at least "
                            + pct(t.minShadowAgreementPercent()) + ")");
                }
                shadow = ", " + pct(agreement) + " of " + mirrored.rows() + " mirrored rows answered as stable";
            }
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
        String predictions = "";
        long canaryPredicted = total(canary.predictedLabels());
        long stablePredicted = total(stable.predictedLabels());
        if (t.maxPredictionDivergence().isPresent() && canaryPredicted > 0 && stablePredicted > 0
                && stable.requests() >= t.minRequests()) {
            double divergence = jensenShannon(canary.predictedLabels(), stable.predictedLabels());
            if (divergence > t.maxPredictionDivergence().getAsDouble()) {
                return new Verdict(true, "the classes the canary predicts diverge from the stable version's: "
                        + "Jensen-Shannon divergence " + String.format(Locale.ROOT, "%.2f", divergence) + " > "
                        + num(t.maxPredictionDivergence().getAsDouble()) + " (canary " + shares(canary.predictedLabels())
                        + "; stable " + shares(stable.predictedLabels()) + "), over " + canaryPredicted + " and "
                        + stablePredicted + " predictions");
            }
            predictions = ", prediction divergence " + String.format(Locale.ROOT, "%.2f", divergence);
        }
        return new Verdict(false, "the canary's metrics pass: " + pct(serverErrors) + " 5xx, " + pct(clientErrors)
                + " 4xx of " + canary.requests() + " requests" + shadow + latency + predictions);
    }

    /**
     * The Jensen-Shannon divergence of two distributions given as counts by class, in bits: the mean Kullback-Leibler
     * divergence of each from their average. 0 for the same shares, 1 for no class in common.
     */
    static double jensenShannon(Map<String, Long> p, Map<String, Long> q) {
        double pTotal = total(p);
        double qTotal = total(q);
        var classes = new TreeSet<>(p.keySet());
        classes.addAll(q.keySet());
        double divergence = 0;
        for (String c : classes) {
            double pc = p.getOrDefault(c, 0L) / pTotal;
            double qc = q.getOrDefault(c, 0L) / qTotal;
            double m = (pc + qc) / 2;
            divergence += (pc == 0 ? 0 : pc * log2(pc / m)) / 2 + (qc == 0 ? 0 : qc * log2(qc / m)) / 2;
        }
        return Math.max(0, Math.min(1, divergence));
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    private static long total(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The three most predicted classes with their shares, e.g. "virginica 100%". */
    private static String shares(Map<String, Long> counts) {
        long total = total(counts);
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(3).map(e -> e.getKey() + " " + pct(Math.round(1000.0 * e.getValue() / total) / 10.0))
                .collect(Collectors.joining(", "));
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

    /** Three significant digits: differences of regressors' values span many orders of magnitude. */
    private static String sig(double value) {
        return String.format(Locale.ROOT, "%.3g", value);
    }

    private static String ms(double seconds) {
        double millis = seconds * 1000;
        return (millis >= 10 ? Long.toString(Math.round(millis)) : String.format(Locale.ROOT, "%.1f", millis)) + " ms";
    }
}

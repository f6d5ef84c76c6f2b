package io.modeldeploy.operator.analysis;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;

/**
 * The inference requests that one track's pods answered, as their /metrics report them: how many, how many with a
 * 4xx or 5xx status, the latency histogram (cumulative counts by upper bound in seconds, as Prometheus exposes it)
 * and how often each class was predicted (a classifier's labels; for a regressor, the ranges of its value histogram
 * that hold its first output values). Requests to health, metrics and docs endpoints are not
 * counted.
 */
public record TrackMetrics(long requests, long clientErrors, long serverErrors, Map<Double, Long> latencyBuckets,
        Map<String, Long> predictedLabels, Map<ShadowPod, Shadow> shadow) {
    /** The runtime's inference endpoints, REST and gRPC, as its metrics label them. */
    static final Set<String> INFERENCE = Set.of("/predict", "/v2/models/{name}/infer",
            "/inference.GRPCInferenceService/ModelInfer");
    static final String REQUESTS = "modeldeploy_requests_total";
    static final String LATENCY_BUCKET = "modeldeploy_request_latency_seconds_bucket";
    static final String PREDICTIONS = "modeldeploy_predictions_total";
    static final String VALUE_BUCKET = "modeldeploy_prediction_value_bucket";
    static final String SHADOW_ROWS = "modeldeploy_shadow_rows_total";
    static final String SHADOW_ERROR_SUM = "modeldeploy_shadow_absolute_error_sum";
    static final String SHADOW_ERROR_COUNT = "modeldeploy_shadow_absolute_error_count";

    public static final TrackMetrics NONE = new TrackMetrics(0, 0, 0, Map.of(), Map.of());

    /**
     * What the track's pods compared with a shadow server of one model version (their shadow traffic): rows
     * answered alike and not, and the sum and count of the absolute differences of numeric rows.
     */
    public record Shadow(long agree, long disagree, double errorSum, long errorCount) {
        static final Shadow NONE = new Shadow(0, 0, 0, 0);

        public long rows() {
            return agree + disagree;
        }

        Shadow plus(Shadow other) {
            return new Shadow(agree + other.agree, disagree + other.disagree, errorSum + other.errorSum,
                    errorCount + other.errorCount);
        }
    }

    /**
     * The shadow that answered copies: its model version and its pod ({@code shadow_pod}; empty from a runtime that
     * does not name its pod, whose rows are counted for every pod of the version).
     */
    public record ShadowPod(String version, String pod) {
    }

    public TrackMetrics {
        latencyBuckets = Map.copyOf(latencyBuckets);
        predictedLabels = Map.copyOf(predictedLabels);
        shadow = Map.copyOf(shadow);
    }

    public TrackMetrics(long requests, long clientErrors, long serverErrors, Map<Double, Long> latencyBuckets,
            Map<String, Long> predictedLabels) {
        this(requests, clientErrors, serverErrors, latencyBuckets, predictedLabels, Map.of());
    }

    /** What the track compared with a shadow of model version {@code version}; none when it mirrored nothing. */
    public Shadow shadowOf(String version) {
        return shadow.entrySet().stream().filter(e -> e.getKey().version().equals(version)).map(Map.Entry::getValue)
                .reduce(Shadow.NONE, Shadow::plus);
    }

    /**
     * The same figures with only the comparisons that the shadow pods {@code pods} answered (and those of shadows
     * that did not name their pod): a canary's current pods, not the pods of an earlier try of the same version.
     */
    public TrackMetrics answeredBy(Collection<String> pods) {
        var kept = new HashMap<ShadowPod, Shadow>();
        shadow.forEach((source, rows) -> {
            if (source.pod().isEmpty() || pods.contains(source.pod())) {
                kept.put(source, rows);
            }
        });
        return new TrackMetrics(requests, clientErrors, serverErrors, latencyBuckets, predictedLabels, kept);
    }

    /** Requests and latency without predictions by class (a regressor's, or a test's). */
    public TrackMetrics(long requests, long clientErrors, long serverErrors, Map<Double, Long> latencyBuckets) {
        this(requests, clientErrors, serverErrors, latencyBuckets, Map.of());
    }

    /**
     * Reads the runtime's Prometheus text exposition. Lines it does not know are skipped.
     *
     * @throws IllegalArgumentException when a line it reads is malformed
     */
    public static TrackMetrics parse(String exposition) {
        long requests = 0;
        long clientErrors = 0;
        long serverErrors = 0;
        var buckets = new TreeMap<Double, Long>();
        var labelled = new TreeMap<String, Long>();
        var values = new TreeMap<Double, Long>();
        var shadow = new HashMap<ShadowPod, Shadow>();
        for (String line : exposition.split("\n")) {
            if (line.startsWith(SHADOW_ROWS + "{") || line.startsWith(SHADOW_ERROR_SUM + "{")
                    || line.startsWith(SHADOW_ERROR_COUNT + "{")) {
                shadow(line, shadow);
                continue;
            }
            boolean counter = line.startsWith(REQUESTS + "{");
            boolean bucket = line.startsWith(LATENCY_BUCKET + "{");
            boolean prediction = line.startsWith(PREDICTIONS + "{");
            boolean value = line.startsWith(VALUE_BUCKET + "{");
            if (!counter && !bucket && !prediction && !value) {
                continue;
            }
            int close = line.lastIndexOf('}');
            if (close < 0) {
                throw new IllegalArgumentException("a sample without the end of its labels: " + line);
            }
            Map<String, String> labels = labels(line.substring(line.indexOf('{') + 1, close));
            long count = count(line.substring(close + 1).trim(), line);
            if (prediction) {
                if (labels.containsKey("label")) {
                    labelled.merge(labels.get("label"), count, Long::sum);
                }
                continue;
            }
            if (value) {
                values.merge(upperBound(labels, line), count, Long::sum);
                continue;
            }
            if (!INFERENCE.contains(labels.get("endpoint"))) {
                continue;
            }
            if (counter) {
                requests += count;
                String status = labels.getOrDefault("status", "");
                if (status.startsWith("4")) {
                    clientErrors += count;
                } else if (status.startsWith("5")) {
                    serverErrors += count;
                }
            } else {
                buckets.merge(upperBound(labels, line), count, Long::sum);
            }
        }
        labelled.putAll(ranges(values));
        return new TrackMetrics(requests, clientErrors, serverErrors, buckets, labelled, shadow);
    }

    private static void shadow(String line, Map<ShadowPod, Shadow> shadow) {
        int close = line.lastIndexOf('}');
        if (close < 0) {
            throw new IllegalArgumentException("a sample without the end of its labels: " + line);
        }
        Map<String, String> labels = labels(line.substring(line.indexOf('{') + 1, close));
        var source = new ShadowPod(labels.getOrDefault("shadow_version", "unknown"),
                labels.getOrDefault("shadow_pod", ""));
        String value = line.substring(close + 1).trim();
        Shadow sample;
        if (line.startsWith(SHADOW_ROWS)) {
            long rows = count(value, line);
            sample = "agree".equals(labels.get("result")) ? new Shadow(rows, 0, 0, 0) : new Shadow(0, rows, 0, 0);
        } else if (line.startsWith(SHADOW_ERROR_COUNT)) {
            sample = new Shadow(0, 0, 0, count(value, line));
        } else {
            sample = new Shadow(0, 0, number(value, line), 0);
        }
        shadow.merge(source, sample, Shadow::plus);
    }

    private static double upperBound(Map<String, String> labels, String line) {
        String le = labels.get("le");
        if (le == null) {
            throw new IllegalArgumentException("a histogram bucket without le: " + line);
        }
        return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
    }

    /**
     * A regressor's value histogram (cumulative counts by upper bound) as the ranges that hold values, with their
     * counts: the classes of a regressor, for the same divergence as a classifier's predicted labels.
     */
    static Map<String, Long> ranges(TreeMap<Double, Long> cumulative) {
        var ranges = new TreeMap<String, Long>();
        Double lower = null;
        long below = 0;
        for (var bucket : cumulative.entrySet()) {
            long in = bucket.getValue() - below;
            if (in > 0) {
                String name = bucket.getKey().isInfinite() ? "value > " + num(lower)
                        : lower == null ? "value <= " + num(bucket.getKey())
                        : "value in (" + num(lower) + ", " + num(bucket.getKey()) + "]";
                ranges.put(name, in);
            }
            lower = bucket.getKey();
            below = bucket.getValue();
        }
        return ranges;
    }

    private static String num(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : Double.toString(value);
    }

    /** Several pods of a track together: counts and buckets summed. */
    public TrackMetrics plus(TrackMetrics other) {
        var buckets = new TreeMap<>(latencyBuckets);
        other.latencyBuckets.forEach((le, n) -> buckets.merge(le, n, Long::sum));
        var labelled = new TreeMap<>(predictedLabels);
        other.predictedLabels.forEach((label, n) -> labelled.merge(label, n, Long::sum));
        var shadows = new HashMap<>(shadow);
        other.shadow.forEach((source, rows) -> shadows.merge(source, rows, Shadow::plus));
        return new TrackMetrics(requests + other.requests, clientErrors + other.clientErrors,
                serverErrors + other.serverErrors, buckets, labelled, shadows);
    }

    /**
     * The {@code q}-quantile of the latency in seconds, interpolated linearly within its bucket as Prometheus'
     * histogram_quantile does; empty without observations. In the last, unbounded bucket it is that bucket's lower
     * bound.
     */
    public OptionalDouble latencyQuantile(double q) {
        var sorted = new TreeMap<>(latencyBuckets);
        if (sorted.isEmpty() || sorted.lastEntry().getValue() == 0) {
            return OptionalDouble.empty();
        }
        double rank = q * sorted.lastEntry().getValue();
        double lower = 0;
        long below = 0;
        for (var bucket : sorted.entrySet()) {
            if (bucket.getValue() >= rank) {
                if (bucket.getKey().isInfinite()) {
                    return OptionalDouble.of(lower);
                }
                long inBucket = bucket.getValue() - below;
                double share = inBucket == 0 ? 1 : (rank - below) / inBucket;
                return OptionalDouble.of(lower + (bucket.getKey() - lower) * share);
            }
            lower = bucket.getKey();
            below = bucket.getValue();
        }
        return OptionalDouble.of(lower);
    }

    /** Labels of the form {@code a="x",b="y"}, with Prometheus' escapes \\, \" and \n in values. */
    static Map<String, String> labels(String text) {
        var labels = new TreeMap<String, String>();
        int i = 0;
        while (i < text.length()) {
            int eq = text.indexOf('=', i);
            if (eq < 0 || eq + 1 >= text.length() || text.charAt(eq + 1) != '"') {
                throw new IllegalArgumentException("malformed labels: " + text);
            }
            String name = text.substring(i, eq).trim();
            var value = new StringBuilder();
            int j = eq + 2;
            for (; j < text.length() && text.charAt(j) != '"'; j++) {
                char c = text.charAt(j);
                if (c == '\\' && j + 1 < text.length()) {
                    char escaped = text.charAt(++j);
                    value.append(escaped == 'n' ? '\n' : escaped);
                } else {
                    value.append(c);
                }
            }
            if (j >= text.length()) {
                throw new IllegalArgumentException("an unterminated label value: " + text);
            }
            labels.put(name, value.toString());
            i = j + 1;
            while (i < text.length() && (text.charAt(i) == ',' || text.charAt(i) == ' ')) {
                i++;
            }
        }
        return labels;
    }

    private static long count(String value, String line) {
        return Math.round(number(value, line));
    }

    /** A sample's non-negative value; a timestamp may follow it. */
    private static double number(String value, String line) {
        int space = value.indexOf(' ');
        String number = space < 0 ? value : value.substring(0, space);
        try {
            double parsed = Double.parseDouble(number);
            if (parsed < 0 || Double.isNaN(parsed)) {
                throw new IllegalArgumentException("a negative or NaN count: " + line);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a sample whose value is no number: " + line, e);
        }
    }
}

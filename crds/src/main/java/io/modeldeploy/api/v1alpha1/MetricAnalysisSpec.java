package io.modeldeploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * The canary judged on its own inference metrics, which the operator reads from the canary's and the stable
 * track's pods (their /metrics) or, with source Prometheus, from the operator's Prometheus: error shares, and optionally p99 latency and the predicted classes against the
 * stable version's. A failed metric check counts like unready pods toward failureThreshold.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record MetricAnalysisSpec(
        @JsonPropertyDescription("Whether the canary's metrics are judged")
        @Default("true") Boolean enabled,
        @JsonPropertyDescription("Inference requests the canary must have answered before its metrics are judged; "
                + "with fewer there is no verdict, and readiness alone judges the canary")
        @Default("100") @Min(1) @Max(100000000) Integer minRequests,
        @JsonPropertyDescription("The most errors the canary may answer, in percent of its inference requests: "
                + "5xx responses, and 4xx responses beyond the stable version's share")
        @Default("1") @Min(0) @Max(100) Double maxErrorPercent,
        @JsonPropertyDescription("The canary's p99 latency may be at most this many times the stable version's; "
                + "omitted, latency is not judged")
        @Min(1) @Max(1000) Double maxLatencyRatio,
        @JsonPropertyDescription("p99 latencies below this many milliseconds count as this many, so that noise in "
                + "fast models (a GC pause, JIT warm-up) is no regression")
        @Default("10") @Min(0) @Max(600000) Integer latencyFloorMillis,
        @JsonPropertyDescription("How far the canary's predictions may be from the stable version's on the same "
                + "traffic, as the Jensen-Shannon divergence in bits (0: the same shares, 1: nothing in common) of "
                + "the classes predicted (classifiers) or of the ranges of the first output value in the runtime's "
                + "value histogram (regressors), e.g. 0.1; omitted, not judged")
        @Min(0) @Max(1) Double maxPredictionDivergence,
        @JsonPropertyDescription("At a shadow step, the least share of mirrored rows, in percent, that the canary "
                + "must label as the stable version did (classifiers); judged once minRequests rows were compared")
        @Default("95") @Min(0) @Max(100) Double minShadowAgreementPercent,
        @JsonPropertyDescription("At a shadow step, the largest mean absolute difference between the canary's "
                + "and the stable version's values on mirrored rows (regressors); omitted, not judged")
        @Min(0) Double maxShadowMeanAbsoluteError,
        @JsonPropertyDescription("Where the operator reads the metrics: Pods (each pod's /metrics, no Prometheus "
                + "needed) or Prometheus (the operator's Prometheus setting, queried for the same series of the same "
                + "pods)")
        @Default("Pods") Source source) {

    /** Where the operator reads the canary's and the stable track's metrics. */
    public enum Source {
        Pods, Prometheus
    }

    /** Whether the metrics are read from Prometheus rather than from the pods. */
    public boolean fromPrometheus() {
        return source == Source.Prometheus;
    }

    /** The analysis with the metrics read from the pods. */
    public MetricAnalysisSpec(Boolean enabled, Integer minRequests, Double maxErrorPercent, Double maxLatencyRatio,
            Integer latencyFloorMillis, Double maxPredictionDivergence, Double minShadowAgreementPercent,
            Double maxShadowMeanAbsoluteError) {
        this(enabled, minRequests, maxErrorPercent, maxLatencyRatio, latencyFloorMillis, maxPredictionDivergence,
                minShadowAgreementPercent, maxShadowMeanAbsoluteError, null);
    }

    /** The analysis without a prediction divergence check. */
    public MetricAnalysisSpec(Boolean enabled, Integer minRequests, Double maxErrorPercent, Double maxLatencyRatio,
            Integer latencyFloorMillis) {
        this(enabled, minRequests, maxErrorPercent, maxLatencyRatio, latencyFloorMillis, null, null, null);
    }

    /** The analysis with the default shadow agreement. */
    public MetricAnalysisSpec(Boolean enabled, Integer minRequests, Double maxErrorPercent, Double maxLatencyRatio,
            Integer latencyFloorMillis, Double maxPredictionDivergence) {
        this(enabled, minRequests, maxErrorPercent, maxLatencyRatio, latencyFloorMillis, maxPredictionDivergence,
                null, null);
    }
}

package io.modeldeploy.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;

/**
 * The canary's checks: readiness of its pods, their restarts, its progress deadline, its inference metrics
 * against the stable version's, and webhooks of the user's.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record AnalysisSpec(
        @JsonPropertyDescription("Seconds between checks of the canary")
        @Default("5") @Min(1) @Max(3600) Integer checkIntervalSeconds,
        @JsonPropertyDescription("Failed checks in a row (canary pods not all ready, or a failed metric check) that "
                + "roll the canary back")
        @Default("3") @Min(1) @Max(100) Integer failureThreshold,
        @JsonPropertyDescription("Container restarts of the canary that roll it back at once")
        @Default("3") @Min(0) @Max(1000) Integer maxRestarts,
        @JsonPropertyDescription("The canary's inference metrics (errors, latency) against the stable version's, "
                + "read from the pods")
        @Default("{}") MetricAnalysisSpec metrics,
        @JsonPropertyDescription("Services of yours that judge the canary: each is POSTed the canary's details at "
                + "every check, and an answer other than 2xx fails it")
        @Size(max = 10) List<WebhookSpec> webhooks) {

    /** The checks with the default metric analysis and no webhooks. */
    public AnalysisSpec(Integer checkIntervalSeconds, Integer failureThreshold, Integer maxRestarts) {
        this(checkIntervalSeconds, failureThreshold, maxRestarts, null, null);
    }

    /** The checks without webhooks. */
    public AnalysisSpec(Integer checkIntervalSeconds, Integer failureThreshold, Integer maxRestarts,
            MetricAnalysisSpec metrics) {
        this(checkIntervalSeconds, failureThreshold, maxRestarts, metrics, null);
    }

    /** Whether the canary's metrics are read from Prometheus ({@code metrics.source: Prometheus}), not its pods. */
    public boolean metricsFromPrometheus() {
        return metrics != null && metrics.fromPrometheus();
    }
}

package io.modeldeploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where a canary rollout stands; everything the operator needs to resume it after a restart. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RolloutStatus(
        @JsonPropertyDescription("Stable, Progressing, Paused, Promoting or RolledBack") String phase,
        @JsonPropertyDescription("The revision that serves when no canary runs") String stableRevision,
        @JsonPropertyDescription("The revision under test") String canaryRevision,
        @JsonPropertyDescription("The current step, counted from 1") Integer step,
        @JsonPropertyDescription("When the current step started") String stepStartedAt,
        @JsonPropertyDescription("Failed health checks in a row") Integer failedChecks,
        @JsonPropertyDescription("When the last failed health check was counted (empty while the canary is healthy)") String lastCheckAt,
        @JsonPropertyDescription("The revision last rolled back; it is not retried until the spec changes or a retry is asked") String failedRevision,
        @JsonPropertyDescription("The canary weight the current step asks for, in percent") Integer canaryWeight,
        @JsonPropertyDescription("The canary's real share of the serving pods, in percent") Integer effectiveCanaryWeight,
        @JsonPropertyDescription("Why the rollout is where it is (CamelCase)") String reason,
        @JsonPropertyDescription("A sentence saying where the rollout is and why") String message,
        @JsonPropertyDescription("The last rollout-action annotation value the operator read") String lastAction,
        @JsonPropertyDescription("Why that action was not applied; empty when it was") String lastActionIgnored,
        @JsonPropertyDescription("Why the pods of a canary that ended (promoted, rolled back or aborted) are still kept: a Gateway may still send them requests, as its HTTPRoute's status says; empty once none can") String endedCanaryKept) {
}

package io.modeldeploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One entry of the rollout history. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RolloutEvent(
        @JsonPropertyDescription("When it happened") String time,
        @JsonPropertyDescription("Progressing, Paused, Held (paused by a person), Promoting, Stable, RolledBack or Aborted") String reason,
        @JsonPropertyDescription("What happened") String message) {
}

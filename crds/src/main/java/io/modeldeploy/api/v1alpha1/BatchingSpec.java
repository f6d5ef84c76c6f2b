package io.modeldeploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * Dynamic batching: concurrent requests are grouped into one inference. Requests that queue while the model is
 * busy always run together; maxDelayMillis can make a batch also wait for more.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record BatchingSpec(
        @JsonPropertyDescription("The most rows in one inference; 1 turns batching off")
        @Default("32") @Min(1) @Max(4096) Integer maxBatchSize,
        @JsonPropertyDescription("How long a batch waits for more requests before it runs; 0 runs what is queued at once")
        @Default("0") @Min(0) @Max(10000) Integer maxDelayMillis) {
}

package io.modeldeploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * A check of the canary by a service of the user's: at every check the operator POSTs the canary's details to the
 * URL; any answer other than 2xx, or none in time, fails the check.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record WebhookSpec(
        @JsonPropertyDescription("The check's name, as status and Events report it")
        @Required @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$") String name,
        @JsonPropertyDescription("The http:// or https:// URL that is POSTed the canary's details (JSON) at every check")
        @Required @Pattern("^https?://[^\\s]+$") String url,
        @JsonPropertyDescription("Seconds to wait for the answer; no answer in time fails the check")
        @Default("10") @Min(1) @Max(60) Integer timeoutSeconds) {
}

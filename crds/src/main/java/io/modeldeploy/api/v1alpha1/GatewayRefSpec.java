package io.modeldeploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A Gateway API Gateway: the HTTPRoute's parent. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record GatewayRefSpec(
        @JsonPropertyDescription("The Gateway's name")
        @Required @Size(min = 1, max = 253) @Pattern(GatewayRefSpec.DNS_SUBDOMAIN) String name,
        @JsonPropertyDescription("The Gateway's namespace; omitted: the ModelDeployment's (the Gateway must allow "
                + "routes from it)")
        @Size(min = 1, max = 63) @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$") String namespace,
        @JsonPropertyDescription("The Gateway listener to attach to; omitted: every listener that allows the route")
        @Size(min = 1, max = 253) @Pattern(GatewayRefSpec.DNS_SUBDOMAIN) String sectionName) {

    static final String DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
}

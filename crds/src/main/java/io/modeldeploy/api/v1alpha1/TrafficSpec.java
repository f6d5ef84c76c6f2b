package io.modeldeploy.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** How traffic is split between the stable and the canary revision. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.provider) || self.provider != 'GatewayAPI' || has(self.gateway)",
        message = "traffic.provider GatewayAPI needs traffic.gateway: the Gateway the HTTPRoute attaches to")
@ValidationRule(value = "!has(self.hostnames) || self.hostnames.all(h, "
        + "h.matches('^([*][.])?[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'))",
        fieldPath = ".hostnames",
        message = "a hostname is a lower-case DNS name, optionally starting with '*.', such as iris.example.com")
@JsonIgnoreProperties(ignoreUnknown = true)
public record TrafficSpec(
        @JsonPropertyDescription("ReplicaRatio (default, any cluster): one Service selects stable and canary pods "
                + "and the replica split approximates the weight. GatewayAPI: an HTTPRoute with weighted backendRefs "
                + "to a stable and a canary Service gives exact weights (needs the Gateway API CRDs)")
        @Default("ReplicaRatio") Provider provider,
        @JsonPropertyDescription("The Gateway the HTTPRoute attaches to (GatewayAPI only)")
        GatewayRefSpec gateway,
        @JsonPropertyDescription("Host names the HTTPRoute answers (GatewayAPI only); omitted: every host of the Gateway")
        @Size(max = 16) List<@Size(min = 1, max = 253) String> hostnames) {

    /** Who splits the traffic. */
    public enum Provider {
        ReplicaRatio, GatewayAPI
    }

    public boolean routedByGateway() {
        return provider == Provider.GatewayAPI;
    }
}

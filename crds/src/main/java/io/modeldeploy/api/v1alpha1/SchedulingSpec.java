package io.modeldeploy.api.v1alpha1;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;

/**
 * Where the serving pods may run.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SchedulingSpec(
        @JsonPropertyDescription("Node labels a node must have")
        Map<String, String> nodeSelector,
        @JsonPropertyDescription("Taints the pods tolerate")
        List<Toleration> tolerations,
        @JsonPropertyDescription("Node and pod affinity rules")
        Affinity affinity) {
}

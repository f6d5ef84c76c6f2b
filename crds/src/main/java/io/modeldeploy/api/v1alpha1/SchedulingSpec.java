package io.modeldeploy.api.v1alpha1;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;

/**
 * Where the serving pods may run.
 *
 * @param nodeSelector node labels a node must have
 * @param tolerations taints the pods tolerate
 * @param affinity node and pod affinity rules
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SchedulingSpec(
        Map<String, String> nodeSelector,
        List<Toleration> tolerations,
        Affinity affinity) {
}

package io.modeldeploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Which spec the serving pod template was last chosen from, so that a revision the operator's own defaults change
 * (a new default runtime image or pod template after an operator upgrade) is held until a person opts in.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TemplateStatus(
        @JsonPropertyDescription("Hash of the spec fields the pod template is built from (all but replicas, autoscaling and rollout) when the serving revision was chosen") String inputs,
        @JsonPropertyDescription("The revision chosen then: what serves, or is rolling out") String revision,
        @JsonPropertyDescription("A revision that differs only by the operator's defaults, held until the serving.modeldeploy.io/upgrade annotation takes a new value or the spec changes") String heldRevision,
        @JsonPropertyDescription("The last serving.modeldeploy.io/upgrade annotation value acted on") String lastUpgrade) {
}

package io.modeldeploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * What an {@code oci://} model.uri was resolved to: the tag pinned to the digest that every pod of the revision
 * mounts, so that a tag pushed again under a running ModelDeployment changes nothing that serves.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ResolvedModelStatus(
        @JsonPropertyDescription("spec.model.uri as it was resolved") String uri,
        @JsonPropertyDescription("The image's manifest digest (sha256:...) the pods mount") String digest,
        @JsonPropertyDescription("The image reference the pods mount: registry/repository@digest") String image,
        @JsonPropertyDescription("Hash of the spec fields the pod template is built from when it was resolved; a "
                + "spec change resolves the tag again") String inputs) {
}

package io.modeldeploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/**
 * How the runtime reaches the S3-compatible store of an {@code s3://} model.uri.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record S3SourceSpec(
        @JsonPropertyDescription("The store's URL when it is not AWS S3 (MinIO, Ceph, a cloud's S3 API), e.g. "
                + "https://minio.storage.svc:9000")
        @Pattern("^https?://[^\\s/]+(/.*)?$") @Size(max = 2048) String endpoint,
        @JsonPropertyDescription("The region to sign requests for; default us-east-1 (S3-compatible stores mostly "
                + "accept any)")
        @Size(max = 64) String region,
        @JsonPropertyDescription("Address the bucket in the path (https://store/bucket/key) rather than the host "
                + "name; default true with an endpoint, false for AWS S3")
        Boolean pathStyle,
        @JsonPropertyDescription("A Secret in the ModelDeployment's namespace with the keys AWS_ACCESS_KEY_ID and "
                + "AWS_SECRET_ACCESS_KEY; omitted, the pods use the cluster's workload identity if it has one. A "
                + "Secret reference: the operator's policy.secretReferences must allow it")
        @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$") @Size(max = 253) String credentialsSecret) {
}

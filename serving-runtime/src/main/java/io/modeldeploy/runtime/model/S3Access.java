package io.modeldeploy.runtime.model;

import java.net.URI;
import java.util.Optional;

/**
 * How the runtime reaches an S3-compatible store for an {@code s3://} model: the endpoint of a store that is not
 * AWS (MinIO, Ceph, a cloud's S3 API), its region, and whether buckets are addressed in the path
 * ({@code https://store/bucket/key}, which most S3-compatible stores need) instead of the host name. Credentials
 * come from the AWS SDK's default chain: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (the operator sets them from
 * the Secret spec.model.s3.credentialsSecret), or a web identity token where the cluster provides one.
 *
 * @param endpoint the store's URL; empty for AWS S3 itself
 * @param region the region to sign for; S3-compatible stores mostly accept any
 */
public record S3Access(Optional<URI> endpoint, String region, boolean pathStyle) {
    /** AWS S3 in us-east-1, buckets in the host name. */
    public static final S3Access AWS = new S3Access(Optional.empty(), "us-east-1", false);
}

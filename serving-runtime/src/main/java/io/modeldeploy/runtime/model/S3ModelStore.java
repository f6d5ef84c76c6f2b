package io.modeldeploy.runtime.model;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import io.modeldeploy.runtime.config.ModelConfig;

/**
 * Downloads a model bundle from an S3-compatible store with the AWS SDK for Java v2: {@code s3://bucket/key} names
 * the model file, and model.json and reference.json are read beside it (the same key prefix), as for an http(s)
 * model; {@code s3://bucket/prefix/} names the prefix of the bundle. Sizes are bounded as for http(s) downloads; the store's answers become messages that say what to check.
 */
final class S3ModelStore {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private S3ModelStore() {
    }

    /**
     * Downloads the bundle into a folder of the cache and returns that folder. {@code s3://bucket/key} names the
     * model file (model.json beside it); {@code s3://bucket/prefix/} names the folder holding the bundle, whose
     * model.json says which file is the model.
     */
    static Path download(URI uri, S3Access access, Path cache, long maxModelBytes) throws IOException {
        String bucket = uri.getHost();
        String key = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        if (bucket == null || bucket.isEmpty() || uri.getPath() == null || uri.getPath().isEmpty()) {
            throw new ModelLoadException("an s3:// model location takes the form s3://<bucket>/<key of the model "
                    + "file> (model.json beside it) or s3://<bucket>/<prefix>/ (the folder of the bundle); got " + uri);
        }
        boolean folderOnly = key.isEmpty() || key.endsWith("/");
        String prefix = folderOnly ? key : key.contains("/") ? key.substring(0, key.lastIndexOf('/') + 1) : "";
        Path folder = cache.resolve("models").resolve(Integer.toHexString((uri + " " + access).hashCode()));
        Files.createDirectories(folder);
        try (S3Client s3 = client(access)) {
            Path config = folder.resolve(ModelConfig.FILE);
            if (folderOnly) {
                // The bundle's own model.json says which file is the model.
                get(s3, access, bucket, prefix + ModelConfig.FILE, config, ModelSource.MAX_CONFIG_BYTES);
                String fileName = ModelConfig.parse(Files.readAllBytes(config), config).file();
                if (fileName.isEmpty() || fileName.contains("/") || fileName.equals("..")) {
                    throw new ModelLoadException("model.json under s3://" + bucket + "/" + prefix + " names the "
                            + "model file '" + fileName + "'; name a file beside it");
                }
                get(s3, access, bucket, prefix + fileName, folder.resolve(fileName), maxModelBytes);
            } else {
                get(s3, access, bucket, key, folder.resolve(key.substring(prefix.length())), maxModelBytes);
                get(s3, access, bucket, prefix + ModelConfig.FILE, config, ModelSource.MAX_CONFIG_BYTES);
            }
            try {
                get(s3, access, bucket, prefix + ModelSource.REFERENCE_FILE, folder.resolve(ModelSource.REFERENCE_FILE),
                        ModelSource.MAX_REFERENCE_BYTES);
            } catch (MissingObject e) {
                Files.deleteIfExists(folder.resolve(ModelSource.REFERENCE_FILE));
            }
        }
        return folder;
    }

    private static S3Client client(S3Access access) {
        var builder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(TIMEOUT).build())
                .region(Region.of(access.region()))
                .forcePathStyle(access.pathStyle())
                // The SDK's default flexible checksums (2.30 and later) are headers many S3-compatible stores refuse
                // (S3Proxy answers 501); integrity is the bundle digest's job, checked after the download.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        access.endpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /** A key the store does not hold. */
    private static final class MissingObject extends ModelLoadException {
        private static final long serialVersionUID = 1L;

        MissingObject(String message) {
            super(message);
        }
    }

    private static void get(S3Client s3, S3Access access, String bucket, String key, Path target, long maxBytes)
            throws IOException {
        String object = "s3://" + bucket + "/" + key;
        try (ResponseInputStream<GetObjectResponse> body = s3.getObject(GetObjectRequest.builder().bucket(bucket)
                .key(key).build())) {
            Long length = body.response().contentLength();
            if (length != null && length > maxBytes) {
                throw tooLarge(object, length + " bytes", maxBytes);
            }
            ModelSource.write(body, target, maxBytes, () -> tooLarge(object, "more than " + maxBytes + " bytes",
                    maxBytes));
        } catch (NoSuchKeyException e) {
            throw new MissingObject("model not found: the store has no object " + object + " (404 NoSuchKey)");
        } catch (NoSuchBucketException e) {
            throw new ModelLoadException("model not found: the store has no bucket " + bucket + " (404 NoSuchBucket)");
        } catch (S3Exception e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            if (e.statusCode() == 403) {
                throw new ModelLoadException("the store refused " + object + " (403 " + code + "): check the "
                        + "credentials, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (from the Secret named by "
                        + "spec.model.s3.credentialsSecret), and the bucket's policy");
            }
            throw new ModelLoadException("the store answered " + e.statusCode() + " " + code + " for " + object);
        } catch (SdkClientException e) {
            throw new ModelLoadException("could not read " + object + " from "
                    + access.endpoint().map(URI::toString).orElse("AWS S3") + ": " + e.getMessage());
        } catch (SdkException e) {
            throw new ModelLoadException("could not read " + object + ": " + e.getMessage());
        }
    }

    private static ModelLoadException tooLarge(String object, String size, long maxBytes) {
        return new ModelLoadException(object + " holds " + size + "; this server downloads at most " + maxBytes
                + " bytes (for the model file: MODELDEPLOY_MAX_MODEL_MIB)");
    }
}

package io.modeldeploy.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import io.modeldeploy.runtime.inference.ModelService;
import io.modeldeploy.runtime.model.BundleDigest;
import io.modeldeploy.runtime.model.ModelLoadException;
import io.modeldeploy.runtime.model.ModelSource;
import io.modeldeploy.runtime.model.S3Access;

/**
 * s3:// models from a real S3-compatible server: S3Proxy (Maven Central) on an in-memory store, checking AWS
 * signatures against its own access key. The bundle is put there with the AWS SDK, as `aws s3 cp` would. The
 * runtime takes its credentials from the SDK's default chain; here its system properties.
 */
class S3ModelStoreTest {
    private static final String ACCESS_KEY = "modeldeploy-test";
    private static final String SECRET_KEY = "s3cr3t-for-tests-only";
    private static S3Proxy store;
    private static S3Access access;

    @TempDir
    Path cache;

    @BeforeAll
    static void startStoreWithTheIrisBundle() throws Exception {
        var properties = new Properties();
        BlobStoreContext context = ContextBuilder.newBuilder("transient").credentials("unused", "unused")
                .overrides(properties).build(BlobStoreContext.class);
        store = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        store.start();
        while (!"STARTED".equals(store.getState())) {
            Thread.sleep(10);
        }
        access = new S3Access(Optional.of(URI.create("http://127.0.0.1:" + store.getPort())), "us-east-1", true);
        try (S3Client s3 = client(ACCESS_KEY, SECRET_KEY)) {
            s3.createBucket(b -> b.bucket("models"));
            for (String file : List.of("model.onnx", "model.json", "reference.json")) {
                s3.putObject(p -> p.bucket("models").key("iris/" + file),
                        RequestBody.fromFile(ExampleModels.iris().resolve(file)));
            }
            // A tampered copy: the same model file, model.json with two labels swapped.
            Path tampered = Files.createTempDirectory("tampered-iris");
            for (String file : List.of("model.onnx", "model.json")) {
                Files.copy(ExampleModels.iris().resolve(file), tampered.resolve(file));
            }
            ExampleModels.swapIrisLabels(tampered);
            for (String file : List.of("model.onnx", "model.json")) {
                s3.putObject(p -> p.bucket("models").key("tampered/" + file),
                        RequestBody.fromFile(tampered.resolve(file)));
            }
        }
        credentials(ACCESS_KEY, SECRET_KEY);
    }

    @AfterAll
    static void stopStore() throws Exception {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        store.stop();
    }

    @Test
    void theRuntimeServesTheIrisBundleFromTheStoreVerifiedByItsDigest() throws Exception {
        String digest = irisDigest();
        var settings = new RuntimeSettings("s3://models/iris/model.onnx", Optional.of(digest), Optional.of("1.0.0"),
                "127.0.0.1", 0, cache, new ModelService.BatchingSettings(32, 0, 1000), 1 << 20,
                Duration.ofSeconds(5)).withS3(access);
        try (var runtime = TestRuntime.start(settings)) {
            var answer = runtime.post("/predict", "{\"features\": [[5.1, 3.5, 1.4, 0.2], [6.2, 3.4, 5.4, 2.3]]}");
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).contains("\"setosa\"", "\"virginica\"");
        }
        assertThat(ModelSource.locate("s3://models/iris/model.onnx", Optional.empty(), cache,
                ModelSource.DEFAULT_MAX_MODEL_BYTES, access).folder().resolve(ModelSource.REFERENCE_FILE))
                .as("the reference rows come along, for an acceptance gate").isRegularFile();
    }

    @Test
    void aPrefixNamesTheBundlesFolderAndItsModelJsonNamesTheModelFile() throws Exception {
        String digest = irisDigest();

        var located = ModelSource.locate("s3://models/iris/", Optional.of(digest), cache,
                ModelSource.DEFAULT_MAX_MODEL_BYTES, access);

        assertThat(located.modelFile().getFileName().toString()).isEqualTo("model.onnx");
        assertThat(located.modelFile()).hasSameBinaryContentAs(ExampleModels.iris().resolve("model.onnx"));
        assertThat(located.folder().resolve(ModelSource.REFERENCE_FILE)).isRegularFile();
        assertThatThrownBy(() -> ModelSource.locate("s3://models/tampered/", Optional.of(digest), cache,
                ModelSource.DEFAULT_MAX_MODEL_BYTES, access)).hasMessageStartingWith("checksum mismatch");
        assertThatThrownBy(() -> ModelSource.locate("s3://models/nothing-here/", Optional.empty(), cache,
                ModelSource.DEFAULT_MAX_MODEL_BYTES, access))
                .hasMessage("model not found: the store has no object s3://models/nothing-here/model.json "
                        + "(404 NoSuchKey)");
    }

    @Test
    void aTamperedModelJsonIsRefusedByTheDigest() throws Exception {
        String digest = irisDigest();

        assertThatThrownBy(() -> ModelSource.locate("s3://models/tampered/model.onnx", Optional.of(digest), cache,
                ModelSource.DEFAULT_MAX_MODEL_BYTES, access))
                .isInstanceOf(ModelLoadException.class).hasMessageStartingWith("checksum mismatch: the model bundle");
    }

    @Test
    void wrongCredentialsSayWhatToCheck() {
        credentials(ACCESS_KEY, "not-the-secret");
        try {
            assertThatThrownBy(() -> ModelSource.locate("s3://models/iris/model.onnx", Optional.empty(), cache,
                    ModelSource.DEFAULT_MAX_MODEL_BYTES, access))
                    .isInstanceOf(ModelLoadException.class)
                    .hasMessageStartingWith("the store refused s3://models/iris/model.onnx (403 ")
                    .hasMessageContaining("check the credentials, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
        } finally {
            credentials(ACCESS_KEY, SECRET_KEY);
        }
    }

    @Test
    void aMissingKeyOrBucketIsNamed() {
        assertThatThrownBy(() -> ModelSource.locate("s3://models/iris/other.onnx", Optional.empty(), cache,
                ModelSource.DEFAULT_MAX_MODEL_BYTES, access)).isInstanceOf(ModelLoadException.class)
                .hasMessage("model not found: the store has no object s3://models/iris/other.onnx (404 NoSuchKey)");
        assertThatThrownBy(() -> ModelSource.locate("s3://elsewhere/iris/model.onnx", Optional.empty(), cache,
                ModelSource.DEFAULT_MAX_MODEL_BYTES, access)).isInstanceOf(ModelLoadException.class)
                .hasMessage("model not found: the store has no bucket elsewhere (404 NoSuchBucket)");
    }

    @Test
    void aModelLargerThanTheLimitIsRefusedAndNothingOfItKept() {
        assertThatThrownBy(() -> ModelSource.locate("s3://models/iris/model.onnx", Optional.empty(), cache, 100,
                access)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("s3://models/iris/model.onnx holds ").hasMessageContaining("at most 100 bytes");
    }

    private static String irisDigest() throws java.io.IOException {
        Path iris = ExampleModels.iris();
        return BundleDigest.of(Files.readAllBytes(iris.resolve("model.json")), "model.onnx",
                iris.resolve("model.onnx"));
    }

    private static void credentials(String accessKey, String secretKey) {
        System.setProperty("aws.accessKeyId", accessKey);
        System.setProperty("aws.secretAccessKey", secretKey);
    }

    private static S3Client client(String accessKey, String secretKey) {
        return S3Client.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.US_EAST_1)
                .endpointOverride(URI.create("http://127.0.0.1:" + store.getPort())).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .build();
    }
}

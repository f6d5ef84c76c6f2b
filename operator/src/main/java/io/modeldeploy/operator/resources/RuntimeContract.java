package io.modeldeploy.operator.resources;

/**
 * What the serving runtime container expects from its pod: the environment variables it reads, the paths it
 * serves from, its port name. The serving runtime documents the same keys (docs/serving-runtime.md).
 */
public final class RuntimeContract {
    public static final String CONTAINER = "model-server";
    public static final String PORT_NAME = "http";
    /** The Service's port; it forwards to the container's named port. */
    public static final int SERVICE_PORT = 80;
    /**
     * The gRPC (Open Inference Protocol) port's name on the container and the Services, which expose it on the
     * container's port number with appProtocol {@link #GRPC_APP_PROTOCOL}.
     */
    public static final String GRPC_PORT_NAME = "grpc";
    /** HTTP/2 without TLS, so that gateways and meshes speak gRPC to the pods. */
    public static final String GRPC_APP_PROTOCOL = "kubernetes.io/h2c";
    public static final String ENV_GRPC_PORT = "MODELDEPLOY_GRPC_PORT";

    public static final String ENV_MODEL_NAME = "MODELDEPLOY_MODEL_NAME";
    public static final String ENV_MODEL_VERSION = "MODELDEPLOY_MODEL_VERSION";
    public static final String ENV_MODEL_FORMAT = "MODELDEPLOY_MODEL_FORMAT";
    /** A local path (file:// and pvc:// models, mounted) or an http(s):// URL the runtime downloads. */
    public static final String ENV_MODEL_LOCATION = "MODELDEPLOY_MODEL_LOCATION";
    public static final String ENV_MODEL_SHA256 = "MODELDEPLOY_MODEL_SHA256";
    public static final String ENV_HTTP_PORT = "MODELDEPLOY_HTTP_PORT";
    public static final String ENV_BATCH_MAX_SIZE = "MODELDEPLOY_BATCH_MAX_SIZE";
    public static final String ENV_BATCH_MAX_DELAY_MS = "MODELDEPLOY_BATCH_MAX_DELAY_MS";
    public static final String ENV_CACHE_DIR = "MODELDEPLOY_CACHE_DIR";

    /** The largest model file the runtime downloads (MiB); passed to it, and counted in the cache's size limit. */
    public static final int MAX_MODEL_MIB = 4096;
    public static final String ENV_MAX_MODEL_MIB = "MODELDEPLOY_MAX_MODEL_MIB";
    public static final String ENV_ACCEPTANCE_MIN_ACCURACY = "MODELDEPLOY_ACCEPTANCE_MIN_ACCURACY";
    public static final String ENV_ACCEPTANCE_MAX_ABSOLUTE_ERROR = "MODELDEPLOY_ACCEPTANCE_MAX_ABSOLUTE_ERROR";
    /** An s3:// model's store (spec.model.s3); the credentials are the AWS SDK's own variables. */
    public static final String ENV_S3_ENDPOINT = "MODELDEPLOY_S3_ENDPOINT";
    public static final String ENV_S3_REGION = "MODELDEPLOY_S3_REGION";
    public static final String ENV_S3_PATH_STYLE = "MODELDEPLOY_S3_PATH_STYLE";
    public static final String ENV_AWS_ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
    public static final String ENV_AWS_SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
    /**
     * The cache volume's size limit: a downloaded model at its largest, plus engine files (libtorch unpacks to about
     * 430 MiB, measured on the real node on 2026-12-02) and room to spare. A pod that writes more is evicted rather
     * than filling its node's disk.
     */
    public static final String CACHE_SIZE_LIMIT = (MAX_MODEL_MIB + 2048) + "Mi";
    /** The /tmp volume's size limit: native libraries some engines unpack there (XGBoost: 16 MiB). */
    public static final String TMP_SIZE_LIMIT = "1Gi";

    /** Writable scratch space for downloaded models and engine files; the root filesystem is read-only. */
    public static final String CACHE_VOLUME = "model-cache";
    public static final String CACHE_PATH = "/var/cache/modeldeploy";
    public static final String TMP_VOLUME = "tmp";
    public static final String TMP_PATH = "/tmp";
    /** Where a pvc:// model's claim is mounted, read-only. */
    public static final String MODEL_STORE_VOLUME = "model-store";
    public static final String MODEL_STORE_PATH = "/mnt/models";
    /** An oci:// model's image, mounted read-only: its root holds the bundle. */
    public static final String MODEL_IMAGE_VOLUME = "model-image";
    public static final String MODEL_IMAGE_PATH = "/mnt/model-image";
    /** spec.model.cacheClaim, where the pods keep downloaded bundles by their digest for each other. */
    public static final String SHARED_CACHE_VOLUME = "model-shared-cache";
    public static final String SHARED_CACHE_PATH = "/var/cache/modeldeploy-shared";
    public static final String ENV_SHARED_CACHE_DIR = "MODELDEPLOY_SHARED_CACHE_DIR";
    /** Where the runtime sends a copy of the prediction requests it answers (a shadow step's canary). */
    public static final String ENV_SHADOW_URL = "MODELDEPLOY_SHADOW_URL";
    /** The user the runtime image runs as (hack/images): the shared cache's files belong to its group. */
    public static final long RUNTIME_USER = 10001;

    /**
     * How long a terminating pod keeps serving before its runtime gets SIGTERM (the preStop hook): the time the
     * EndpointSlice controller, kube-proxy and gateways take to stop sending to it. Requests that still arrive are
     * answered; then the runtime drains (reports not ready, answers what arrives, stops once idle).
     */
    public static final long DRAIN_DELAY_SECONDS = 5;
    /** The drain delay, the runtime's own drain timeout (20 s) and a margin before the kubelet kills it. */
    public static final long TERMINATION_GRACE_SECONDS = 30;

    private RuntimeContract() {
    }
}

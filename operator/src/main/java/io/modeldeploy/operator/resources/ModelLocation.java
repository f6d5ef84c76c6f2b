package io.modeldeploy.operator.resources;

import java.util.Optional;

/**
 * Where the runtime finds the model, derived from spec.model.uri (whose shape the CRD has validated):
 * {@code file:///models/iris} is a path in the image, {@code pvc://claim/dir/model} is {@code dir/model} in the
 * claim mounted at {@link RuntimeContract#MODEL_STORE_PATH}, {@code oci://registry/repo@sha256:…} is an image
 * volume mounted at {@link RuntimeContract#MODEL_IMAGE_PATH} (the kubelet pulls it; a tag is pinned to its digest
 * before the template is built), http(s) and s3 URLs are downloaded by the runtime.
 *
 * @param location the value of {@link RuntimeContract#ENV_MODEL_LOCATION}
 * @param claimName the PersistentVolumeClaim to mount, for pvc:// URIs
 * @param image the image to mount as a volume, for oci:// URIs
 */
public record ModelLocation(String location, Optional<String> claimName, Optional<String> image) {
    private static final String FILE = "file://";
    private static final String PVC = "pvc://";
    private static final String OCI = "oci://";

    public static ModelLocation of(String uri) {
        if (uri.startsWith(FILE)) {
            return new ModelLocation(uri.substring(FILE.length()), Optional.empty(), Optional.empty());
        }
        if (uri.startsWith(PVC)) {
            String rest = uri.substring(PVC.length());
            int slash = rest.indexOf('/');
            return new ModelLocation(RuntimeContract.MODEL_STORE_PATH + rest.substring(slash),
                    Optional.of(rest.substring(0, slash)), Optional.empty());
        }
        if (uri.startsWith(OCI)) {
            return new ModelLocation(RuntimeContract.MODEL_IMAGE_PATH, Optional.empty(),
                    Optional.of(uri.substring(OCI.length())));
        }
        return new ModelLocation(uri, Optional.empty(), Optional.empty());
    }
}

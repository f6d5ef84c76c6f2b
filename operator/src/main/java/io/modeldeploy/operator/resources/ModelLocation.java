package io.modeldeploy.operator.resources;

import java.util.Optional;

/**
 * Where the runtime finds the model, derived from spec.model.uri (whose shape the CRD has validated):
 * {@code file:///models/iris} is a path in the image, {@code pvc://claim/dir/model} is {@code dir/model} in the
 * claim mounted at {@link RuntimeContract#MODEL_STORE_PATH}, http(s) URLs are downloaded by the runtime.
 *
 * @param location the value of {@link RuntimeContract#ENV_MODEL_LOCATION}
 * @param claimName the PersistentVolumeClaim to mount, for pvc:// URIs
 */
public record ModelLocation(String location, Optional<String> claimName) {
    private static final String FILE = "file://";
    private static final String PVC = "pvc://";

    public static ModelLocation of(String uri) {
        if (uri.startsWith(FILE)) {
            return new ModelLocation(uri.substring(FILE.length()), Optional.empty());
        }
        if (uri.startsWith(PVC)) {
            String rest = uri.substring(PVC.length());
            int slash = rest.indexOf('/');
            return new ModelLocation(RuntimeContract.MODEL_STORE_PATH + rest.substring(slash),
                    Optional.of(rest.substring(0, slash)));
        }
        return new ModelLocation(uri, Optional.empty());
    }
}

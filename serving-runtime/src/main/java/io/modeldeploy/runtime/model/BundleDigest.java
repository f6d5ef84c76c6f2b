package io.modeldeploy.runtime.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.modeldeploy.runtime.config.ModelConfig;

/**
 * The SHA-256 that pins a model bundle: everything that decides its predictions, the model file and its
 * {@value ModelConfig#FILE} (feature order, scaler, labels). A model file verified alone would let a changed
 * config serve other answers under the same checksum.
 *
 * <p>It is the SHA-256 of what {@code sha256sum} prints for the two files, config first, as named in the bundle's
 * folder, so anyone can compute it without this code:
 * <pre>cd iris &amp;&amp; sha256sum model.json model.onnx | sha256sum</pre>
 */
public final class BundleDigest {
    private BundleDigest() {
    }

    /** The bundle digest of this config (its exact bytes) and the model file it names. */
    public static String of(byte[] config, String modelFileName, Path modelFile) throws IOException {
        return of(hex(sha256().digest(config)), modelFileName, ModelSource.sha256(modelFile));
    }

    /** The bundle digest from the two files' own SHA-256s. */
    static String of(String configSha256, String modelFileName, String modelSha256) {
        String listing = configSha256 + "  " + ModelConfig.FILE + "\n" + modelSha256 + "  " + modelFileName + "\n";
        return hex(sha256().digest(listing.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}

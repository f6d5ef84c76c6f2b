package io.modeldeploy.operator.resources;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;

/**
 * A revision of a ModelDeployment is identified by a hash of its pod template: any change to the model or the
 * runtime gives a new one, and the same spec always gives the same one.
 */
public final class Revision {
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private static final int LENGTH = 10;

    private Revision() {
    }

    public static String of(PodTemplateSpec template) {
        return hash(template);
    }

    /** A short hash of any value's canonical JSON (map entries sorted by key). */
    static String hash(Object value) {
        try {
            byte[] json = CANONICAL.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json);
            return HexFormat.of().formatHex(digest).substring(0, LENGTH);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash a pod template", e);
        }
    }
}

package io.modeldeploy.operator.source;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@code oci://} model.uri: a registry, a repository and a tag or a digest, in the shape the CRD validates.
 *
 * @param registry host[:port]
 * @param repository the repository path, e.g. acme/iris
 * @param tag the tag, when the uri names one
 * @param digest the manifest digest (sha256:...), when the uri names one
 */
public record OciReference(String registry, String repository, Optional<String> tag, Optional<String> digest) {
    public static final String SCHEME = "oci://";
    private static final Pattern SHAPE = Pattern.compile(
            "^oci://([^/]+)/([^:@]+)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})|@(sha256:[a-f0-9]{64}))$");

    public static boolean isOci(String uri) {
        return uri.startsWith(SCHEME);
    }

    /** The reference an oci:// uri names; the CRD has validated its shape. */
    public static OciReference parse(String uri) {
        Matcher m = SHAPE.matcher(uri);
        if (!m.matches()) {
            throw new IllegalArgumentException("not an oci:// model.uri with a tag or digest: " + uri);
        }
        return new OciReference(m.group(1), m.group(2), Optional.ofNullable(m.group(3)),
                Optional.ofNullable(m.group(4)));
    }

    /** The tag or the digest: what the registry's manifest endpoint takes. */
    public String manifestReference() {
        return digest.orElseGet(tag::orElseThrow);
    }

    /** The same repository at a digest. */
    public OciReference at(String manifestDigest) {
        return new OciReference(registry, repository, Optional.empty(), Optional.of(manifestDigest));
    }

    /** The image reference a pod's image volume takes: registry/repository:tag or registry/repository@digest. */
    public String image() {
        return registry + "/" + repository + digest.map(d -> "@" + d).orElseGet(() -> ":" + tag.orElseThrow());
    }

    public String uri() {
        return SCHEME + image();
    }
}

package io.modeldeploy.operator.source;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Resolves an OCI tag to its manifest digest with the OCI distribution API: a HEAD of the manifest, answered with
 * its Docker-Content-Digest (or, where a registry leaves that header out, the SHA-256 of the manifest itself). A
 * registry that asks for a bearer token (Docker Hub, GHCR, Quay, Harbor, Distribution with token auth) gets an
 * anonymous one from the realm it names. Plain HTTP only for localhost and the registries the operator setting
 * lists. Every answer is bounded: 5 s per request, 64 KiB of token, 4 MiB of manifest.
 *
 * <p>Hand-written on java.net.http because the ORAS Java SDK, the library of the field, brings Jackson 3 and a
 * Micrometer newer than the operator's Quarkus pins; a HEAD and a token request are all the operator needs.
 */
public final class RegistryDigests {
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final long MAX_TOKEN_BYTES = 64 * 1024;
    private static final long MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    private static final String ACCEPT = String.join(", ",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    private static final Pattern DIGEST = Pattern.compile("^sha256:[a-f0-9]{64}$");
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a resolution came to: the digest, or why there is none, in words a user acts on. */
    public sealed interface Resolution {
    }

    public record Resolved(String digest) implements Resolution {
    }

    public record Failed(String message) implements Resolution {
    }

    private final HttpClient http;
    private final List<String> insecureRegistries;

    public RegistryDigests(List<String> insecureRegistries) {
        this.insecureRegistries = List.copyOf(insecureRegistries);
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /** Resolves in the background; never completes exceptionally. */
    public CompletableFuture<Resolution> resolve(OciReference reference) {
        return CompletableFuture.supplyAsync(() -> resolveNow(reference));
    }

    Resolution resolveNow(OciReference reference) {
        String what = reference.registry() + "/" + reference.repository() + ":" + reference.manifestReference();
        try {
            URI manifest = URI.create(scheme(reference.registry()) + "://" + reference.registry() + "/v2/"
                    + reference.repository() + "/manifests/" + reference.manifestReference());
            HttpResponse<InputStream> answer = send(manifest, Optional.empty());
            if (answer.statusCode() == 401) {
                Optional<String> token = anonymousToken(answer.headers().firstValue("WWW-Authenticate"));
                answer.body().close();
                if (token.isEmpty()) {
                    return new Failed("the registry " + reference.registry() + " wants credentials for " + what
                            + ", and the operator resolves tags anonymously: name the image by digest "
                            + "(oci://…@sha256:…); the nodes pull it with their own registry credentials");
                }
                answer = send(manifest, token);
            }
            try (InputStream body = answer.body()) {
                int code = answer.statusCode();
                if (code == 404) {
                    return new Failed("the registry " + reference.registry() + " has no " + what
                            + " (404): push the bundle first, e.g. with hack/publish-model");
                }
                if (code == 401 || code == 403) {
                    return new Failed("the registry " + reference.registry() + " refused " + what + " (" + code
                            + "): the operator resolves tags anonymously; name the image by digest "
                            + "(oci://…@sha256:…); the nodes pull it with their own registry credentials");
                }
                if (code / 100 != 2) {
                    return new Failed("the registry " + reference.registry() + " answered " + code + " for " + what);
                }
                Optional<String> header = answer.headers().firstValue("Docker-Content-Digest")
                        .filter(d -> DIGEST.matcher(d).matches());
                if (header.isPresent()) {
                    return new Resolved(header.get());
                }
                byte[] manifestBytes = body.readNBytes((int) MAX_MANIFEST_BYTES + 1);
                if (manifestBytes.length > MAX_MANIFEST_BYTES) {
                    return new Failed("the manifest of " + what + " is larger than 4 MiB");
                }
                return new Resolved("sha256:" + HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(manifestBytes)));
            }
        } catch (IOException e) {
            return new Failed("cannot reach the registry " + reference.registry() + " for " + what + ": "
                    + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Failed("interrupted while resolving " + what);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<InputStream> send(URI manifest, Optional<String> token)
            throws IOException, InterruptedException {
        // A GET rather than a HEAD: some registries leave Docker-Content-Digest out of HEAD answers, and the
        // manifest itself is what the digest is taken of then.
        HttpRequest.Builder request = HttpRequest.newBuilder(manifest).timeout(TIMEOUT).header("Accept", ACCEPT)
                .GET();
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    /** A token from the Bearer challenge's realm, asked for without credentials, if the registry gives one. */
    private Optional<String> anonymousToken(Optional<String> challenge) throws IOException, InterruptedException {
        if (challenge.isEmpty() || !challenge.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = CHALLENGE_PARAM.matcher(challenge.get().substring(7));
        while (m.find()) {
            params.put(m.group(1).toLowerCase(java.util.Locale.ROOT), m.group(2));
        }
        String realm = params.remove("realm");
        if (realm == null || !(realm.startsWith("https://") || realm.startsWith("http://"))) {
            return Optional.empty();
        }
        var query = new StringBuilder();
        params.forEach((k, v) -> query.append(query.isEmpty() ? "?" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpResponse<InputStream> answer = http.send(HttpRequest.newBuilder(URI.create(realm + query))
                .timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = answer.body()) {
            if (answer.statusCode() != 200) {
                return Optional.empty();
            }
            byte[] bytes = body.readNBytes((int) MAX_TOKEN_BYTES + 1);
            if (bytes.length > MAX_TOKEN_BYTES) {
                return Optional.empty();
            }
            JsonNode json = JSON.readTree(bytes);
            return Optional.ofNullable(json.hasNonNull("token") ? json.get("token").asText()
                    : json.hasNonNull("access_token") ? json.get("access_token").asText() : null)
                    .filter(t -> !t.isBlank());
        }
    }

    /** https, except for a registry on this host or one the operator's settings name as plain HTTP. */
    String scheme(String registry) {
        String host = registry.replaceFirst(":[0-9]+$", "");
        boolean local = host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
        return local || insecureRegistries.contains(registry) || insecureRegistries.contains(host) ? "http" : "https";
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : " " + message);
    }
}

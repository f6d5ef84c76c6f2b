package io.modeldeploy.runtime.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Supplier;

import io.modeldeploy.runtime.config.ModelConfig;

/**
 * Finds the model a location names (a folder with model.json, the model file itself, or its http(s) or s3 URL),
 * verifies its bundle digest ({@link BundleDigest}) when one is given, and returns the folder to load it from.
 * Nothing is loaded before it has been verified, and the config that is used is the one that was verified.
 */
public final class ModelSource {
    private ModelSource() {
    }

    /** A verified model: its config, the model file's path and the bundle's folder (where model.json is). */
    public record Located(ModelConfig config, Path modelFile, Path folder) {
        /** The size of the model file and its model.json. */
        public long bundleBytes() throws IOException {
            return Files.size(modelFile) + Files.size(folder.resolve(ModelConfig.FILE));
        }
    }

    /** Where a location is fetched from, for metrics: http, https, s3, or file for anything on a local path. */
    public static String sourceKind(String location) {
        for (String scheme : new String[] {"https", "http", "s3"}) {
            if (location.startsWith(scheme + "://")) {
                return scheme;
            }
        }
        return "file";
    }

    /**
     * @param location a local folder or file, or an http(s) URL of the model file (with model.json beside it)
     * @param sha256 the expected bundle digest ({@link BundleDigest}: model file and model.json), if any
     * @param cache a writable folder for downloads
     */
    public static Located locate(String location, Optional<String> sha256, Path cache) throws IOException {
        return locate(location, sha256, cache, DEFAULT_MAX_MODEL_BYTES);
    }

    /** The largest model file downloaded by default: 4 GiB. */
    public static final long DEFAULT_MAX_MODEL_BYTES = 4L << 30;
    /** The largest model.json downloaded: 1 MiB. */
    static final long MAX_CONFIG_BYTES = 1 << 20;
    /** The reference rows beside a downloaded model (for the acceptance gate), and the most of them downloaded. */
    public static final String REFERENCE_FILE = "reference.json";
    static final long MAX_REFERENCE_BYTES = 64L << 20;
    /** How long a download may take to start answering. */
    static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(30);

    /**
     * @param maxModelBytes the largest model file to download; a larger one is refused before it fills the disk
     */
    public static Located locate(String location, Optional<String> sha256, Path cache, long maxModelBytes)
            throws IOException {
        return locate(location, sha256, cache, maxModelBytes, S3Access.AWS);
    }

    /**
     * @param location a local folder or file, an http(s) URL of the model file, or its s3://bucket/key (with
     *        model.json beside it)
     * @param s3 how to reach the store of an s3:// location
     */
    public static Located locate(String location, Optional<String> sha256, Path cache, long maxModelBytes,
            S3Access s3) throws IOException {
        Path folder;
        if (location.startsWith("http://") || location.startsWith("https://")) {
            folder = download(URI.create(location), cache, maxModelBytes);
        } else if (location.startsWith("s3://")) {
            folder = S3ModelStore.download(URI.create(location), s3, cache, maxModelBytes);
        } else {
            Path path = Path.of(location.startsWith("file://") ? URI.create(location).getPath() : location);
            if (!Files.exists(path)) {
                throw new ModelLoadException("model not found: " + path + " does not exist");
            }
            folder = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        }
        Path configFile = folder.resolve(ModelConfig.FILE);
        if (!Files.isRegularFile(configFile)) {
            throw new ModelLoadException("model config not found: " + configFile + " does not exist");
        }
        if (Files.size(configFile) > MAX_CONFIG_BYTES) {
            throw new ModelLoadException("model config " + configFile + " is larger than " + MAX_CONFIG_BYTES
                    + " bytes; a model.json holds names, a scaler and labels");
        }
        byte[] configBytes = Files.readAllBytes(configFile);
        ModelConfig config = ModelConfig.parse(configBytes, configFile);
        Path modelFile = folder.resolve(config.file()).normalize();
        if (!modelFile.startsWith(folder.normalize())) {
            throw new ModelLoadException("model.json names the model file '" + config.file() + "', which is outside "
                    + "its folder " + folder + "; name a file in that folder");
        }
        if (!Files.isRegularFile(modelFile)) {
            throw new ModelLoadException("model file not found: " + modelFile + " (named by " + configFile + ")");
        }
        if (sha256.isPresent()) {
            verify(sha256.get(), configBytes, config.file(), modelFile);
        }
        return new Located(config, modelFile, folder);
    }

    /** Refuses a bundle whose digest ({@link BundleDigest}) is not the expected one. */
    private static void verify(String expected, byte[] config, String modelFileName, Path modelFile)
            throws IOException {
        String actual = BundleDigest.of(config, modelFileName, modelFile);
        if (actual.equalsIgnoreCase(expected)) {
            return;
        }
        String how = "(cd <model folder> && sha256sum " + ModelConfig.FILE + " " + modelFileName + " | sha256sum)";
        if (sha256(modelFile).equalsIgnoreCase(expected)) {
            throw new ModelLoadException("checksum mismatch: " + expected + " is the SHA-256 of the model file alone; "
                    + "the checksum must cover " + ModelConfig.FILE + " too (its labels, scaler and feature order "
                    + "decide predictions): set it to the bundle's SHA-256 " + how + "; refusing to serve it");
        }
        throw new ModelLoadException("checksum mismatch: the model bundle (" + ModelConfig.FILE + " and "
                + modelFileName + ") has SHA-256 " + actual + ", expected " + expected + " " + how
                + "; refusing to serve it");
    }

    /** Downloads the model file and its model.json (from the same folder URL) into the cache. */
    private static Path download(URI modelUri, Path cache, long maxModelBytes) throws IOException {
        String path = modelUri.getPath();
        String fileName = path.substring(path.lastIndexOf('/') + 1);
        if (fileName.isEmpty()) {
            throw new ModelLoadException("an http(s) model location must name the model file: " + modelUri);
        }
        Path folder = cache.resolve("models").resolve(Integer.toHexString(modelUri.toString().hashCode()));
        Files.createDirectories(folder);
        fetch(modelUri, folder.resolve(fileName), maxModelBytes);
        fetch(modelUri.resolve(ModelConfig.FILE), folder.resolve(ModelConfig.FILE), MAX_CONFIG_BYTES);
        // The reference rows, for an acceptance gate; a bundle without them is still a bundle.
        try {
            fetch(modelUri.resolve(REFERENCE_FILE), folder.resolve(REFERENCE_FILE), MAX_REFERENCE_BYTES);
        } catch (NotFound e) {
            Files.deleteIfExists(folder.resolve(REFERENCE_FILE));
        }
        return folder;
    }

    /** A download answered 404. */
    private static final class NotFound extends ModelLoadException {
        private static final long serialVersionUID = 1L;

        NotFound(String message) {
            super(message);
        }
    }

    /** Downloads at most {@code maxBytes}: a larger file is refused, by its Content-Length or as it arrives. */
    private static void fetch(URI uri, Path target, long maxBytes) throws IOException {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).timeout(RESPONSE_TIMEOUT)
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() == 404) {
                    throw new NotFound("model not found: GET " + uri + " answered 404");
                }
                if (response.statusCode() != 200) {
                    throw new ModelLoadException("model not found: GET " + uri + " answered " + response.statusCode());
                }
                long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
                if (declared > maxBytes) {
                    throw tooLarge(uri, declared + " bytes", maxBytes);
                }
                write(body, target, maxBytes, () -> tooLarge(uri, "more than " + maxBytes + " bytes", maxBytes));
            }
        } catch (java.net.http.HttpTimeoutException e) {
            throw new ModelLoadException("GET " + uri + " did not answer within " + RESPONSE_TIMEOUT.toSeconds() + " s");
        } catch (java.net.ConnectException e) {
            throw new ModelLoadException("cannot reach the model's server: GET " + uri + " failed to connect ("
                    + (e.getMessage() == null ? "connection refused" : e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while downloading " + uri, e);
        }
    }

    /**
     * Writes at most {@code maxBytes} of {@code body} to {@code target}, through a partial file that is moved into
     * place once complete and deleted when the body is larger.
     */
    static void write(InputStream body, Path target, long maxBytes, Supplier<ModelLoadException> tooLarge)
            throws IOException {
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        try (OutputStream out = Files.newOutputStream(partial)) {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
                total += n;
                if (total > maxBytes) {
                    throw tooLarge.get();
                }
                out.write(buffer, 0, n);
            }
        } catch (ModelLoadException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static ModelLoadException tooLarge(URI uri, String size, long maxBytes) {
        return new ModelLoadException("GET " + uri + " sends " + size + "; this server downloads at most " + maxBytes
                + " bytes (for the model file: MODELDEPLOY_MAX_MODEL_MIB)");
    }

    public static String sha256(Path file) throws IOException {
        try (var in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

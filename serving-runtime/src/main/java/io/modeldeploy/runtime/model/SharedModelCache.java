package io.modeldeploy.runtime.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

import io.modeldeploy.runtime.config.ModelConfig;

/**
 * Downloaded bundles shared by the pods that mount the same folder (a PersistentVolumeClaim): each bundle under its
 * digest, so the first pod downloads and the next ones on any node read it. A bundle is taken from the cache only
 * after it is verified again against the digest, as a download is: whoever can write the volume can make a pod
 * download afresh, never serve other bytes. A bundle enters the cache whole or not at all (written beside it, then
 * renamed), so pods starting together never read half of one.
 */
public final class SharedModelCache {
    private static final List<String> BUNDLE_FILES = List.of(ModelConfig.FILE, ModelSource.REFERENCE_FILE);

    /** A download to run when the cache does not have the bundle; it verifies what it fetched. */
    @FunctionalInterface
    public interface Download {
        ModelSource.Located fetch() throws IOException;
    }

    /** The located bundle and whether it came from the cache. */
    public record Fetched(ModelSource.Located located, boolean fromCache) {
    }

    private final Path root;
    private final Consumer<String> log;

    public SharedModelCache(Path root, Consumer<String> log) {
        this.root = root;
        this.log = log;
    }

    /** The bundle with this digest: from the cache when it has it intact, else downloaded and then cached. */
    public Fetched locate(String sha256, Path localCache, Download download) throws IOException {
        Path entry = root.resolve(sha256.toLowerCase(java.util.Locale.ROOT));
        if (Files.isDirectory(entry)) {
            try {
                return new Fetched(ModelSource.locate(entry.toString(), Optional.of(sha256), localCache), true);
            } catch (ModelLoadException e) {
                log.accept("the shared model cache's " + entry + " is not the bundle " + sha256 + " ("
                        + e.getMessage() + "); downloading it instead");
            }
        }
        ModelSource.Located downloaded = download.fetch();
        try {
            put(entry, downloaded);
        } catch (IOException e) {
            log.accept("could not add the bundle to the shared model cache " + root + ": " + e
                    + "; serving the download");
        }
        return new Fetched(downloaded, false);
    }

    private void put(Path entry, ModelSource.Located located) throws IOException {
        Files.createDirectories(root);
        Path partial = root.resolve(".partial-" + UUID.randomUUID());
        Files.createDirectory(partial);
        try {
            Files.copy(located.modelFile(), partial.resolve(located.modelFile().getFileName().toString()));
            for (String file : BUNDLE_FILES) {
                Path source = located.folder().resolve(file);
                if (Files.isRegularFile(source)) {
                    Files.copy(source, partial.resolve(file));
                }
            }
            if (Files.isDirectory(entry)) {
                // A tampered or broken entry this pod did not trust: replace it.
                Path stale = root.resolve(".stale-" + UUID.randomUUID());
                Files.move(entry, stale, StandardCopyOption.ATOMIC_MOVE);
                deleteTree(stale);
            }
            Files.move(partial, entry, StandardCopyOption.ATOMIC_MOVE);
            log.accept("added the bundle to the shared model cache as " + entry);
        } catch (IOException e) {
            deleteTree(partial);
            if (!Files.isDirectory(entry)) {
                throw e;
            }
            // Another pod cached the same bundle first (the rename found the folder there): the same bytes.
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (var files = Files.walk(folder)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

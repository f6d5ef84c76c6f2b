package io.modeldeploy.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The checkout the tests run in: where hack/testbed and the generated CRDs are. */
public final class RepositoryRoot {
    private RepositoryRoot() {
    }

    /** The root set by the build ({@code modeldeploy.root}), else the nearest parent folder with hack/testbed. */
    public static Path find() {
        String configured = System.getProperty("modeldeploy.root");
        if (configured != null && Files.isExecutable(Path.of(configured, "hack", "testbed"))) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isExecutable(dir.resolve("hack/testbed"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository root (a folder with hack/testbed) above "
                + Path.of("").toAbsolutePath() + "; set -Dmodeldeploy.root");
    }
}

package io.modeldeploy.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * The CRD under crds/generated/ is what users and the Helm chart install; it must be exactly what the build
 * generates from the Java types. Run hack/update-crds after changing the API types.
 */
class CommittedCrdTest {
    static final String FILE = ModelDeployment.CRD_NAME + ".yaml";

    @Test
    void committedCrdMatchesTheOneGeneratedFromTheJavaTypes() throws IOException {
        Path generated = Path.of("target/classes/META-INF/fabric8", ModelDeployment.CRD_NAME + "-v1.yml");
        Path committed = Path.of("generated", FILE);

        assertThat(generated).as("the build generates the CRD").exists();
        assertThat(committed).as("the CRD is committed; run hack/update-crds").exists();
        assertThat(Files.readString(committed))
                .as("crds/generated/%s is out of date with the Java types; run hack/update-crds", FILE)
                .isEqualTo(Files.readString(generated));
    }
}
